"""View mixins that keep officer pages to officers of the constituency concerned."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from members.models import Constituency
from members.selectors import officer_runs_constituency, user_is_officer


class OfficerRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; signed-in users without the permission get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_is_officer(request.user):
            raise PermissionDenied("This page is for constituency officers.")
        return super().dispatch(request, *args, **kwargs)


class ConstituencyOfficerMixin(OfficerRequiredMixin):
    """Loads `self.constituency` from the URL's `constituency_pk` and checks the officer runs it."""

    constituency_url_kwarg = "constituency_pk"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_is_officer(request.user):
            self.constituency = get_object_or_404(Constituency, pk=kwargs[self.constituency_url_kwarg])
            if not officer_runs_constituency(request.user, self.constituency):
                raise PermissionDenied("You are not an officer of this constituency.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["constituency"] = self.constituency
        return context
