"""A vote refused because the closing time has passed closes the ballot, after the refusal is given;
reading a voting page never writes."""

import datetime as dt
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import timezone

from ballots.models import SealedVote, TriggerBallot
from ballots.voting.services import VoteRefused, ballots_close_due_after_refusal, vote_cast
from tests.ballots.voting.voting_pages import token_on
from tests.factories import open_ballot_with_voters

pytestmark = pytest.mark.django_db

CLOSED = "Voting in this ballot has closed. No more votes can be cast."


def past_closing(ballot):
    """Move the ballot's times so that its closing time has just passed; its status stays open."""
    now = timezone.now()
    TriggerBallot.objects.filter(pk=ballot.pk).update(
        opens_at=now - dt.timedelta(days=1), closes_at=now - dt.timedelta(seconds=1)
    )


def status_of(ballot):
    return TriggerBallot.objects.get(pk=ballot.pk).status


def signed_in_at_the_paper(client, ballot, voter):
    """The ballot paper's token, as the page the member holds carries it."""
    response = client.post(
        "/vote/", {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code}
    )
    assert response.status_code == 200
    return token_on(response)


def test_a_vote_cast_after_the_closing_time_is_refused_and_the_ballot_is_closed(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    token = signed_in_at_the_paper(client, ballot, voter)
    past_closing(ballot)

    response = client.post("/vote/confirm/", {"token": token, "choice": "open", "cast": "1"})

    assert response.status_code == 409
    assert CLOSED in response.content.decode()
    assert not SealedVote.objects.exists()
    assert status_of(ballot) == TriggerBallot.Status.CLOSED


def test_the_refusal_is_made_before_the_ballot_is_closed_and_the_close_waits_for_the_page_to_be_sent(rf, constituency):
    from ballots.voting.services import vote_credentials_check
    from ballots.voting.tokens import vote_token_make
    from ballots.voting.views import vote_confirm

    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    token = vote_token_make(
        ballot_id=ballot.pk,
        membership_number=voter.membership_number,
        code=voter.code,
        constituency_name=ballot.constituency.name,
        sitting_mp=ballot.sitting_mp,
        place=vote_credentials_check(ballot=ballot, membership_number=voter.membership_number, code=voter.code),
    )
    past_closing(ballot)
    request = rf.post("/vote/confirm/", {"token": token, "choice": "open", "cast": "1"})
    request._dont_enforce_csrf_checks = True

    response = vote_confirm(request)

    assert response.status_code == 409 and CLOSED in response.content.decode()
    assert status_of(ballot) == TriggerBallot.Status.OPEN  # nothing closed while the page was made
    # What the server does once the page has been sent. As Django's test client does, keep the
    # test's database connection open through it (request_finished would close it).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert status_of(ballot) == TriggerBallot.Status.CLOSED


def test_a_failure_to_close_never_replaces_the_refusal(client, constituency, caplog):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    token = signed_in_at_the_paper(client, ballot, voter)
    past_closing(ballot)

    with mock.patch("ballots.voting.services.ballot_close_due", side_effect=RuntimeError("lock timeout")):
        response = client.post("/vote/confirm/", {"token": token, "choice": "open", "cast": "1"})

    assert response.status_code == 409
    assert CLOSED in response.content.decode()
    assert status_of(ballot) == TriggerBallot.Status.OPEN  # left for the close_due_ballots command
    assert "close_due_ballots will close them" in caplog.text


def test_credentials_sent_after_the_closing_time_are_refused_and_close_the_ballot(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    past_closing(ballot)

    response = client.post(
        "/vote/", {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code}
    )

    assert response.status_code == 400
    assert CLOSED in response.content.decode()
    assert status_of(ballot) == TriggerBallot.Status.CLOSED


def test_reading_a_voting_page_after_the_closing_time_refuses_but_writes_nothing(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    signed_in_at_the_paper(client, ballot, voter)
    past_closing(ballot)

    paper = client.get("/vote/ballot/")  # no token: the start page, whatever the ballot's state
    start = client.get("/vote/")
    link = client.get(
        "/vote/link/?" + urlencode({"ballot": ballot.pk, "member": voter.membership_number, "code": voter.code})
    )
    receipt = client.get("/vote/receipt/")

    assert paper.status_code == 200 and start.status_code == 200 and receipt.status_code == 200
    assert link.status_code == 400 and CLOSED in link.content.decode()
    assert status_of(ballot) == TriggerBallot.Status.OPEN


def test_only_a_refusal_for_a_passed_closing_time_closes_anything(constituency):
    due, [late_voter] = open_ballot_with_voters(constituency, voters=1)
    past_closing(due)
    closed_by_officer, [voter] = open_ballot_with_voters(constituency, voters=1, status=TriggerBallot.Status.CLOSED)

    with pytest.raises(VoteRefused) as officer_closed:
        vote_cast(ballot=closed_by_officer, membership_number=voter.membership_number, code=voter.code, choice="open")
    with pytest.raises(VoteRefused) as too_late:
        vote_cast(ballot=due, membership_number=late_voter.membership_number, code=late_voter.code, choice="open")

    assert officer_closed.value.reason == too_late.value.reason == "closed"
    assert not officer_closed.value.closing_time_passed
    assert ballots_close_due_after_refusal(refusal=officer_closed.value) == 0
    assert status_of(due) == TriggerBallot.Status.OPEN
    assert too_late.value.closing_time_passed
    assert ballots_close_due_after_refusal(refusal=too_late.value) == 1
    assert status_of(due) == TriggerBallot.Status.CLOSED
