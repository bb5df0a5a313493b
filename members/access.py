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
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from members.models import OFFICERS_GROUP, Constituency
from members.selectors import officer_runs_constituency, user_is_officer

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
        return (
            f"You are an officer, but not of {constituency.name}: only its own officers can open its pages. "
            f"{ASK_FOR_ACCESS}"
        )
    return None


def officer_access_check(request, *, constituency: Constituency | None = None) -> HttpResponse | None:
    """None when `request.user` may open the page; the login redirect when nobody is signed in.

    Raises OfficerAccessRefused, with the plain reason, when a signed-in user may not.
    """
    if request.user.is_authenticated and not session_is_verified(request):
        logout(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    reason = officer_refusal(request.user, constituency=constituency)
    if reason is not None:
        raise OfficerAccessRefused(reason)
    return None


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
