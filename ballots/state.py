"""A ballot's state as everyone sees it: whether members can vote now, and its effective status.

`ballot_voting_state` is the one definition of "can members vote now?" used by the members'
voting pages, the results pages and the officer pages alike.
"""

from django.utils import timezone

from ballots.models import TriggerBallot

VOTING_NOT_OPEN_YET = "not_open_yet"
VOTING_OPEN = "open"
VOTING_CLOSED = "closed"


def ballot_voting_state(ballot: TriggerBallot, now=None) -> str:
    """'not_open_yet', 'open' or 'closed': whether members can vote in `ballot` at `now`.

    Members vote only while the ballot's status is open AND opens_at <= now < closes_at.
    A draft ballot (or an opened one before its opening time) is not open yet; a closed or
    declared ballot, or an open one whose closing time has passed, is closed, whether or not
    anybody has pressed "close".
    """
    now = now or timezone.now()
    status = ballot.status
    if status == TriggerBallot.Status.DRAFT:
        return VOTING_NOT_OPEN_YET
    if status != TriggerBallot.Status.OPEN:
        return VOTING_CLOSED
    if now >= ballot.closes_at:
        return VOTING_CLOSED
    if now < ballot.opens_at:
        return VOTING_NOT_OPEN_YET
    return VOTING_OPEN


def ballot_effective_status(ballot: TriggerBallot, now=None) -> str:
    """The ballot's status as everybody should see it: an open ballot past its closing time is closed."""
    now = now or timezone.now()
    if ballot.status == TriggerBallot.Status.OPEN and now >= ballot.closes_at:
        return TriggerBallot.Status.CLOSED
    return ballot.status
