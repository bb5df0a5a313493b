"""What every officer ballot page shares: the ballot loaded behind the one officer-access check.

A page shows the ballot's effective status (an open ballot past its closing time shows as
closed) and never writes on GET: closing due ballots is the job of the `close_due_ballots`
command and of the moment a late vote is refused.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from ballots.models import TriggerBallot
from ballots.state import ballot_effective_status, ballot_voting_state
from members.access import OfficerRequiredMixin

Status = TriggerBallot.Status
PAGE_SIZE = 50


def no_store(response):
    """Mark a response that shows voting codes as never to be cached."""
    response["Cache-Control"] = "no-store"
    return response


class BallotOfficerMixin(OfficerRequiredMixin):
    """Loads `self.ballot` (and `self.constituency`) from the URL's `pk`; officers of its constituency only.

    The access check is members.access's, the one every officer page uses: the ballot is
    looked up only once the user is known to be an officer, then its constituency is checked.
    """

    ballot_url_kwarg = "pk"

    def get_officer_constituency(self):
        self.ballot = get_object_or_404(
            TriggerBallot.objects.select_related("constituency"), pk=self.kwargs[self.ballot_url_kwarg]
        )
        return self.ballot.constituency

    def effective_status(self) -> str:
        return ballot_effective_status(self.ballot, timezone.now())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        status = ballot_effective_status(self.ballot, now)
        context.update(
            ballot=self.ballot,
            constituency=self.constituency,
            voting_state=ballot_voting_state(self.ballot, now),
            effective_status=status,
            effective_status_label=Status(status).label,
        )
        return context

    def manage_url(self):
        return reverse("ballots:ballot_manage", args=[self.ballot.pk])

    def refused(self, error):
        messages.error(self.request, str(error))
        return HttpResponseRedirect(self.manage_url())
