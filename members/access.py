"""The one officer-access check: who may open an officer page, and the plain reason when not.

Every officer page of the project goes through `officer_access_check` (directly, through
`OfficerRequiredMixin` and its subclasses, or through `officer_required`), so the rule and
the words a refused user reads are written once.

The rule, in order:

1. Not signed in, or signed in without the code when two-factor login is required
   (OFFICER_TWO_FACTOR; `session_is_verified`, also the admin's and the session middleware's
   check): sent to the login page, and back afterwards.
2. Signed in without the officer permission (`members.run_ballots`, held by the Officers
   group): refused. When the account is named as an officer of a constituency but is not in
   the Officers group, it is told exactly that, not that the page belongs to someone else.
3. An officer, on a page of a constituency they do not run: refused, naming the constituency.
   Superusers run every constituency.

A refusal is `OfficerAccessRefused`, a `PermissionDenied` that carries its reason; the site's
403 handler shows that reason (config/views.py). Pages that do not exist for the user are a
404 as before: a ballot or record is looked up only after step 2, so someone who is not an
officer learns nothing from the status code about which ids exist.

How to use it:

- A class-based page of a constituency named in the URL: subclass `ConstituencyOfficerMixin`
  (reads `constituency_pk`; sets `self.constituency`, and `constituency` in the context).
- A class-based page of some other object (a ballot, say): subclass `OfficerRequiredMixin` and
  override `get_officer_constituency()` to load the object and return its constituency. It is
  called once per request, after steps 1 and 2, so a 404 there is only shown to officers::

      class BallotOfficerMixin(OfficerRequiredMixin):
          def get_officer_constituency(self):
              self.ballot = get_object_or_404(TriggerBallot.objects.select_related("constituency"),
                                              pk=self.kwargs["pk"])
              return self.ballot.constituency

  The mixin stores the answer in `self.constituency`.
- A class-based page for any officer, of no one constituency: `OfficerRequiredMixin` as it is.
- A function view for any officer: decorate it with `@officer_required`.
- A function view that loads its object itself, or a page only part of which is for officers
  (the simulator loading a ballot): call the check and return its response when it gives one::

      if (refusal := officer_access_check(request)) is not None:
          return refusal                                    # the login redirect
      ballot = get_object_or_404(TriggerBallot, pk=pk)
      officer_access_check(request, constituency=ballot.constituency)   # raises when refused

  `officer_access_check` returns the login redirect for an anonymous user, raises
  `OfficerAccessRefused` for a refused one and returns None when the user may go on.
- Anything that needs the reason without a request (a template, a test): `officer_refusal`.

Two more roles have their own checks, written the same way (docs/regions.md):

- Regional officers' pages of a region: `region_access_check(request, region=...)`, or
  `RegionOfficerMixin` (reads `region_pk`; sets `self.region`). A regional officer is also an
  officer of every constituency of their region, so the officer check above lets them in there.
- Scrutineers' read-only pages: `scrutiny_access_check(request, constituency=...)`, or
  `ScrutinyMixin` (override `get_scrutiny_constituency()`). The constituency's officers may
  read them too.

Refusals name the role the account does have: a scrutineer on an officer page is told they can
read and not change, and where their pages are, never that the page belongs to someone else.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from members.models import OFFICERS_GROUP, REGIONAL_OFFICERS_GROUP, SCRUTINEERS_GROUP, Constituency, Region
from members.selectors import (
    officer_runs_constituency,
    regional_officer_runs_region,
    scrutineer_reads_constituency,
    user_is_officer,
    user_is_regional_officer,
    user_is_scrutineer,
)

ASK_FOR_ACCESS = "If you think you should have access, ask whoever manages the site's officer accounts."


class OfficerAccessRefused(PermissionDenied):
    """A signed-in user may not open an officer page; `reason` says why, in words fit to show them."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def session_is_verified(request) -> bool:
    """False when two-factor login is required and this signed-in session has not passed the code.

    The one such check: officer pages (below), the admin (accounts/admin_site.py) and the
    session middleware (accounts/sessions.py) all ask it. `is_verified` is django-otp's
    (django_otp.middleware.OTPMiddleware puts it on the user).
    """
    if not settings.OFFICER_TWO_FACTOR:
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def officer_refusal(user, *, constituency: Constituency | None = None) -> str | None:
    """Why a signed-in `user` may not open an officer page (of `constituency`, if given), or None.

    Anonymous users are not refused here: they are asked to log in (see officer_access_check).
    """
    if not user_is_officer(user):
        if user_is_scrutineer(user):
            return (
                "Your account is a scrutineer's: you can read the ballots given to you (their turnout, "
                "audit log and, after the close, the provisional result) on your scrutiny pages, and "
                f"change nothing. {ASK_FOR_ACCESS}"
            )
        named_for = list(Constituency.objects.filter(officers=user).values_list("name", flat=True)[:3])
        if named_for:
            return (
                f"Your account is named as an officer of {', '.join(named_for)}, but it does not have "
                f"officer access yet: it is not in the {OFFICERS_GROUP} group. Ask whoever manages the "
                f"site's officer accounts to add it to that group."
            )
        return (
            f"This page is for constituency officers, and your account does not have officer access. {ASK_FOR_ACCESS}"
        )
    if constituency is not None and not officer_runs_constituency(user, constituency):
        who = "its own officers and its region's regional officers" if constituency.region_id else "its own officers"
        return f"You are an officer, but not of {constituency.name}: only {who} can open its pages. {ASK_FOR_ACCESS}"
    return None


def region_refusal(user, *, region: Region | None = None) -> str | None:
    """Why a signed-in `user` may not open a regional officer's page (of `region`, if given), or None."""
    if not user_is_regional_officer(user):
        named_for = list(Region.objects.filter(officers=user).values_list("name", flat=True)[:3])
        if named_for:
            return (
                f"Your account is named as a regional officer of {', '.join(named_for)}, but it does not "
                f"have regional access yet: it is not in the {REGIONAL_OFFICERS_GROUP} group. Ask whoever "
                f"manages the site's accounts to add it to that group."
            )
        if user_is_officer(user):
            return (
                "This page is for regional officers. Your account is a constituency officer's: your "
                f"constituencies are on your constituencies page. {ASK_FOR_ACCESS}"
            )
        return f"This page is for regional officers, and your account does not have regional access. {ASK_FOR_ACCESS}"
    if region is not None and not regional_officer_runs_region(user, region):
        return (
            f"You are a regional officer, but not of {region.name}: only its own regional officers can "
            f"open its pages. {ASK_FOR_ACCESS}"
        )
    return None


def scrutiny_refusal(user, *, constituency: Constituency | None = None) -> str | None:
    """Why a signed-in `user` may not open a scrutiny page (of `constituency`, if given), or None."""
    if not (user_is_scrutineer(user) or user_is_officer(user)):
        named_for = list(Constituency.objects.filter(scrutineers=user).values_list("name", flat=True)[:3])
        if named_for:
            return (
                f"Your account is named as a scrutineer of {', '.join(named_for)}, but it does not have "
                f"scrutineer access yet: it is not in the {SCRUTINEERS_GROUP} group. Ask whoever manages "
                f"the site's accounts to add it to that group."
            )
        return f"This page is for scrutineers, and your account does not have scrutineer access. {ASK_FOR_ACCESS}"
    if constituency is not None and not scrutineer_reads_constituency(user, constituency):
        return (
            f"You have not been given {constituency.name}'s ballots to scrutinise: only its scrutineers and "
            f"officers can read them. {ASK_FOR_ACCESS}"
        )
    return None


def officer_access_check(request, *, constituency: Constituency | None = None) -> HttpResponse | None:
    """None when `request.user` may open the page; the login redirect when nobody is signed in.

    Raises OfficerAccessRefused, with the plain reason, when a signed-in user may not.
    """
    return _checked(request, officer_refusal, constituency=constituency)


def _checked(request, refusal, **target) -> HttpResponse | None:
    if request.user.is_authenticated and not session_is_verified(request):
        logout(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    reason = refusal(request.user, **target)
    if reason is not None:
        raise OfficerAccessRefused(reason)
    return None


def region_access_check(request, *, region: Region | None = None) -> HttpResponse | None:
    """As officer_access_check, for a regional officer's page (of `region`, if given)."""
    return _checked(request, region_refusal, region=region)


def scrutiny_access_check(request, *, constituency: Constituency | None = None) -> HttpResponse | None:
    """As officer_access_check, for a scrutiny page (of `constituency`, if given)."""
    return _checked(request, scrutiny_refusal, constituency=constituency)


def officer_required(view):
    """Decorator of a function view for officers (of any constituency): officer_access_check first."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        refusal = officer_access_check(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    return checked


class OfficerRequiredMixin:
    """Officer pages: officer_access_check before the view runs (see the module docstring).

    Override `get_officer_constituency()` to make it a page of one constituency.
    """

    constituency: Constituency | None = None

    def get_officer_constituency(self) -> Constituency | None:
        """The constituency whose officers may open this page; None for any officer."""
        return None

    def dispatch(self, request, *args, **kwargs):
        refusal = officer_access_check(request)
        if refusal is not None:
            return refusal
        constituency = self.get_officer_constituency()
        if constituency is not None:
            self.constituency = constituency
            officer_access_check(request, constituency=constituency)
        return super().dispatch(request, *args, **kwargs)


class ConstituencyOfficerMixin(OfficerRequiredMixin):
    """Pages of the constituency named by the URL's `constituency_pk`, for its officers."""

    constituency_url_kwarg = "constituency_pk"

    def get_officer_constituency(self) -> Constituency:
        return get_object_or_404(Constituency, pk=self.kwargs[self.constituency_url_kwarg])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["constituency"] = self.constituency
        return context


class RegionOfficerMixin:
    """Pages of the region named by the URL's `region_pk`, for its regional officers (sets `self.region`)."""

    region_url_kwarg = "region_pk"
    region: Region

    def dispatch(self, request, *args, **kwargs):
        refusal = region_access_check(request)
        if refusal is not None:
            return refusal
        self.region = get_object_or_404(Region, pk=self.kwargs[self.region_url_kwarg])
        region_access_check(request, region=self.region)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["region"] = self.region
        return context


class ScrutinyMixin:
    """Read-only scrutiny pages: override `get_scrutiny_constituency()` to load the object and return
    its constituency (called after the role check, so a 404 is only shown to those with the role)."""

    constituency: Constituency | None = None

    def get_scrutiny_constituency(self) -> Constituency | None:
        return None

    def dispatch(self, request, *args, **kwargs):
        refusal = scrutiny_access_check(request)
        if refusal is not None:
            return refusal
        constituency = self.get_scrutiny_constituency()
        if constituency is not None:
            self.constituency = constituency
            scrutiny_access_check(request, constituency=constituency)
        return super().dispatch(request, *args, **kwargs)
