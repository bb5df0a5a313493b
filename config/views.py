"""The home page and the friendly error pages."""

from django.shortcuts import render
from django.views.generic import TemplateView

from members.access import OfficerAccessRefused
from members.selectors import constituencies_for_officer, user_is_officer


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_officer"] = user_is_officer(user)
        context["constituencies"] = constituencies_for_officer(user).prefetch_related("ballots")
        return context


def permission_denied(request, exception=None):
    # An officer page says exactly why it was refused (members/access.py); anything else is generic.
    if isinstance(exception, OfficerAccessRefused):
        return render(request, "members/access_refused.html", {"reason": exception.reason}, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
