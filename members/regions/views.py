"""Thin views of a region's set-up pages: the rules are in services.py and selectors.py."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from accounts.two_factor import pending_login_begin, two_factor_required
from members.access import RegionOfficerMixin, region_access_check
from members.models import Constituency, Invitation
from members.regions import services
from members.regions.forms import ConstituencyAddForm, ConstituencyEditForm, InvitationAcceptForm, InvitationForm
from members.regions.selectors import region_constituencies, region_invitations, region_places
from members.selectors import regions_for_officer


def region_list(request):
    if (refusal := region_access_check(request)) is not None:
        return refusal
    regions = regions_for_officer(request.user).order_by("name")
    return render(request, "members/regions/region_list.html", {"regions": regions})


class RegionView(RegionOfficerMixin, View):
    def get(self, request, region_pk):
        constituencies = list(region_constituencies(self.region))
        return render(request, "members/regions/region.html", {"region": self.region, "constituencies": constituencies})


class ConstituencyAddView(RegionOfficerMixin, View):
    def page(self, form, status=200):
        return render(
            request=self.request,
            template_name="members/regions/constituency_add.html",
            context={"region": self.region, "form": form},
            status=status,
        )

    def get(self, request, region_pk):
        return self.page(ConstituencyAddForm())

    def post(self, request, region_pk):
        form = ConstituencyAddForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        constituency = services.region_constituency_create(actor=request.user, region=self.region, **form.cleaned_data)
        messages.success(request, f"{constituency.name} is added to {self.region.name}.")
        return redirect("members:region", self.region.pk)


class ConstituencyEditView(RegionOfficerMixin, View):
    def page(self, form, status=200):
        return render(
            request=self.request,
            template_name="members/regions/constituency_edit.html",
            context={"region": self.region, "constituency": self.constituency, "form": form},
            status=status,
        )

    def get(self, request, region_pk, pk):
        self.constituency = get_object_or_404(Constituency, region=self.region, pk=pk)
        initial = {"name": self.constituency.name, "sitting_mp": self.constituency.sitting_mp}
        return self.page(ConstituencyEditForm(initial=initial, constituency=self.constituency))

    def post(self, request, region_pk, pk):
        self.constituency = get_object_or_404(Constituency, region=self.region, pk=pk)
        form = ConstituencyEditForm(request.POST, constituency=self.constituency)
        if not form.is_valid():
            return self.page(form, status=400)
        services.region_constituency_update(actor=request.user, constituency=self.constituency, **form.cleaned_data)
        messages.success(request, f"Saved {self.constituency.name}.")
        return redirect("members:region", self.region.pk)


def _row_pk(request, name: str) -> int:
    """The id a people-page button names, or the site's 400 page when it is not one."""
    value = request.POST.get(name, "")
    if not (value.isascii() and value.isdigit()):
        raise BadRequest("That row is not known: reload the page and try again.")
    return int(value)


class PeopleView(RegionOfficerMixin, View):
    def page(self, form, status=200):
        constituencies = list(region_constituencies(self.region))
        context = {
            "region": self.region,
            "form": form,
            "invitations": region_invitations(self.region),
            "places": region_places(self.region, constituencies),
            "two_factor": two_factor_required(),
        }
        return render(self.request, "members/regions/people.html", context, status=status)

    def get(self, request, region_pk):
        return self.page(InvitationForm(region=self.region))

    def post(self, request, region_pk):
        action = request.POST.get("action", "invite")
        if action == "invite":
            form = InvitationForm(request.POST, region=self.region)
            if not form.is_valid():
                return self.page(form, status=400)
            invitation = services.invitation_create(actor=request.user, region=self.region, **form.cleaned_data)
            messages.success(request, f"An invitation is on its way to {invitation.email}.")
        elif action in ("revoke", "resend"):
            invitation = get_object_or_404(Invitation, region=self.region, pk=_row_pk(request, "invitation"))
            if invitation.accepted_at or invitation.revoked_at:
                raise BadRequest("This invitation was already used or withdrawn.")
            if action == "revoke":
                services.invitation_revoke(actor=request.user, invitation=invitation)
                messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
            else:
                services.invitation_resend(actor=request.user, invitation=invitation)
                messages.success(request, f"A new invitation is on its way to {invitation.email}.")
        elif action in ("remove", "group_add"):
            role = request.POST.get("role", "")
            if role not in Invitation.Role.values:
                raise BadRequest("Choose a role: regional officer, constituency officer or scrutineer.")
            user = get_object_or_404(get_user_model(), pk=_row_pk(request, "user"))
            constituency = None
            if role != Invitation.Role.REGIONAL_OFFICER:
                constituency = get_object_or_404(Constituency, region=self.region, pk=_row_pk(request, "constituency"))
            try:
                if action == "remove":
                    services.access_remove(
                        actor=request.user, region=self.region, user=user, role=role, constituency=constituency
                    )
                    messages.success(request, f"{user.get_username()} no longer has that access.")
                else:
                    services.group_add(
                        actor=request.user, region=self.region, user=user, role=role, constituency=constituency
                    )
                    messages.success(request, f"{user.get_username()} is now in the group their role needs.")
            except services.AccessRefused as refusal:
                messages.error(request, str(refusal))
        else:
            raise BadRequest("Unknown action.")
        return redirect("members:region_people", self.region.pk)


class InvitationAcceptView(View):
    def dispatch(self, request, token):
        try:
            self.invitation = services.invitation_for_token(token)
        except services.InvitationUnusable as error:
            return render(
                request, "members/regions/invitation_unusable.html", {"reason": str(error)}, status=error.status
            )
        # The account is the email's whether the email is its address or its username (as accepting makes it).
        email = self.invitation.email
        self.existing = get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()
        if self.existing is not None and request.user != self.existing:
            if request.user.is_authenticated:
                # Sending them to log in would only bring them back here, signed in as before.
                return render(
                    request,
                    "members/regions/invitation_other_account.html",
                    {"invitation": self.invitation},
                    status=403,
                )
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, token)

    def page(self, form, status=200):
        return render(
            self.request,
            "members/regions/invitation_accept.html",
            {
                "invitation": self.invitation,
                "form": form,
                "existing": self.existing,
                "two_factor": two_factor_required(),
            },
            status=status,
        )

    def get(self, request, token):
        return self.page(None if self.existing else InvitationAcceptForm(email=self.invitation.email))

    def post(self, request, token):
        if self.existing is not None:
            services.invitation_accept(invitation=self.invitation, user=self.existing)
            messages.success(request, f"You are now {self.invitation.get_role_display().lower()}.")
            return redirect("/")
        form = InvitationAcceptForm(request.POST, email=self.invitation.email)
        if not form.is_valid():
            return self.page(form, status=400)
        user = services.invitation_accept(
            invitation=self.invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
        )
        if two_factor_required():
            pending_login_begin(request, user=user, next_url="/")
            return redirect(reverse("two_factor_enrol"))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("/")
