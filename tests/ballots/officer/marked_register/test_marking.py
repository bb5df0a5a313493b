"""Marking a member on the register: once only, never over an online vote, never on a ballot that is not
open or by a channel it does not take or has closed; an online vote after a mark is refused."""

import datetime as dt

import pytest
from django.utils import timezone

from ballots.models import RollEntry, SealedVote, TriggerBallot, VoteChannel
from ballots.officer.services import BallotStateError
from ballots.officer.services.marked_register import marked_session_hash, vote_mark
from ballots.voting.services import VoteRefused, vote_cast
from members.models import AuditEvent
from tests.ballots.officer.marked_register.conftest import SESSION

pytestmark = pytest.mark.django_db


def mark(ballot, voter, officer, channel="paper", **kwargs):
    return vote_mark(
        ballot=ballot, entry_id=voter.entry.pk, channel=channel, actor=officer, session_key=SESSION, **kwargs
    )


def test_a_mark_records_the_channel_the_officer_the_time_and_a_hash_of_the_session(paper_ballot, voters, officer):
    now = timezone.now()

    mark(paper_ballot, voters[0], officer, channel="meeting", now=now)

    entry = RollEntry.objects.get(pk=voters[0].entry.pk)
    assert entry.has_voted
    assert entry.vote_channel == VoteChannel.MEETING
    assert entry.marked_at == now
    assert entry.marked_by == officer
    assert entry.marked_session == marked_session_hash(ballot_id=paper_ballot.pk, session_key=SESSION)
    assert SESSION not in entry.marked_session
    assert not RollEntry.objects.get(pk=voters[1].entry.pk).has_voted


def test_a_mark_is_in_the_audit_log_with_the_number_and_the_channel(paper_ballot, voters, officer):
    mark(paper_ballot, voters[0], officer)

    event = AuditEvent.objects.get(action="vote_marked")
    assert event.actor == officer
    assert event.ballot_id == paper_ballot.pk
    assert event.detail == {"membership_number": voters[0].membership_number, "channel": "paper"}


def test_a_member_cannot_be_marked_twice(paper_ballot, voters, officer, second_officer):
    mark(paper_ballot, voters[0], officer)

    with pytest.raises(BallotStateError, match="has already voted by post or on paper"):
        mark(paper_ballot, voters[0], second_officer, channel="meeting")

    entry = RollEntry.objects.get(pk=voters[0].entry.pk)
    assert entry.vote_channel == VoteChannel.PAPER
    assert entry.marked_by == officer
    assert AuditEvent.objects.filter(action="vote_marked").count() == 1


def test_a_member_who_voted_online_cannot_be_marked(paper_ballot, voters, officer):
    voter = voters[0]
    vote_cast(ballot=paper_ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    with pytest.raises(BallotStateError, match="has already voted online"):
        mark(paper_ballot, voter, officer)

    entry = RollEntry.objects.get(pk=voter.entry.pk)
    assert entry.vote_channel == VoteChannel.ONLINE
    assert entry.marked_by is None
    assert not AuditEvent.objects.filter(action="vote_marked").exists()


def test_a_member_marked_on_the_register_cannot_then_vote_online(paper_ballot, voters, officer):
    voter = voters[0]
    mark(paper_ballot, voter, officer)

    with pytest.raises(VoteRefused) as refused:
        vote_cast(ballot=paper_ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    assert refused.value.reason == "already_voted"
    assert not SealedVote.objects.filter(ballot=paper_ballot).exists()
    assert RollEntry.objects.get(pk=voter.entry.pk).vote_channel == VoteChannel.PAPER


@pytest.mark.parametrize("channel", ["paper", "meeting"])
def test_a_channel_the_ballot_does_not_take_cannot_be_marked(paper_ballot, voters, officer, channel):
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(**{f"{channel}_voting": False})

    with pytest.raises(BallotStateError, match="This ballot takes no votes"):
        mark(paper_ballot, voters[0], officer, channel=channel)

    assert not RollEntry.objects.get(pk=voters[0].entry.pk).has_voted


def test_online_is_not_a_channel_an_officer_can_mark(paper_ballot, voters, officer):
    with pytest.raises(BallotStateError, match="Choose how the member voted"):
        mark(paper_ballot, voters[0], officer, channel="online")

    assert not RollEntry.objects.get(pk=voters[0].entry.pk).has_voted


def test_paper_votes_cannot_be_marked_after_their_own_closing_time_but_meeting_votes_still_can(
    paper_ballot, voters, officer
):
    paper_closes = timezone.now() + dt.timedelta(days=1)
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(paper_closes_at=paper_closes)
    later = paper_closes + dt.timedelta(minutes=1)

    with pytest.raises(BallotStateError, match="it is too late to mark one"):
        mark(paper_ballot, voters[0], officer, now=later)
    mark(paper_ballot, voters[1], officer, channel="meeting", now=later)

    assert not RollEntry.objects.get(pk=voters[0].entry.pk).has_voted
    assert RollEntry.objects.get(pk=voters[1].entry.pk).vote_channel == VoteChannel.MEETING


def test_the_paper_closing_time_is_named_in_uk_time_when_too_late(paper_ballot, voters, officer):
    paper_closes = dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC)
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(
        opens_at=paper_closes - dt.timedelta(days=5), paper_closes_at=paper_closes
    )

    with pytest.raises(BallotStateError, match=r"until Wednesday 1 July 2026, 17:00 BST"):
        mark(paper_ballot, voters[0], officer, now=paper_closes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "draft", "seal_public_key": ""}, "still a draft"),
        ({"status": "closed", "closed_at": timezone.now()}, "has closed"),
        ({"status": "declared", "closed_at": timezone.now(), "counted_at": timezone.now()}, "has closed"),
        ({"status": "closed", "voided_at": timezone.now(), "void_reason": "Wrong roll"}, "voided"),
    ],
)
def test_a_ballot_that_is_not_open_takes_no_marks(paper_ballot, voters, officer, changes, message):
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(**changes)
    paper_ballot.refresh_from_db()

    with pytest.raises(BallotStateError, match=message):
        mark(paper_ballot, voters[0], officer)

    assert not RollEntry.objects.get(pk=voters[0].entry.pk).has_voted


def test_an_open_ballot_past_its_closing_time_takes_no_marks(paper_ballot, voters, officer):
    with pytest.raises(BallotStateError, match="has closed"):
        mark(paper_ballot, voters[0], officer, now=paper_ballot.closes_at)

    assert not RollEntry.objects.get(pk=voters[0].entry.pk).has_voted


def test_the_service_reads_the_ballots_state_afresh_not_the_callers_copy(paper_ballot, voters, officer):
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(status="closed", closed_at=timezone.now())

    with pytest.raises(BallotStateError, match="has closed"):
        mark(paper_ballot, voters[0], officer)  # the caller's object still says open


def test_a_member_of_another_ballot_cannot_be_marked_on_this_one(paper_ballot, officer, constituency):
    from tests.factories import open_ballot_with_voters

    _other, [stranger] = open_ballot_with_voters(constituency, voters=1, paper_voting=True)

    with pytest.raises(BallotStateError, match="not on this ballot's roll"):
        mark(paper_ballot, stranger, officer)

    assert not RollEntry.objects.get(pk=stranger.entry.pk).has_voted
