"""Undoing a mark: only the officer who made it, in the same login session, with a reason, while the
ballot is open and no paper batch counts the vote; the member may then vote again, online too."""

import pytest
from django.utils import timezone

from ballots.models import PaperBatch, RollEntry, TriggerBallot
from ballots.officer.services import BallotStateError
from ballots.officer.services.marked_register import vote_mark, vote_mark_undo
from ballots.voting.services import vote_cast
from members.models import AuditEvent
from tests.ballots.officer.marked_register.conftest import OTHER_SESSION, SESSION

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(paper_ballot, voters, officer):
    """The first voter, marked as having voted by post by `officer` in SESSION."""
    vote_mark(ballot=paper_ballot, entry_id=voters[0].entry.pk, channel="paper", actor=officer, session_key=SESSION)
    return voters[0]


def undo(ballot, voter, officer, *, session_key=SESSION, reason="Marked the wrong member"):
    return vote_mark_undo(ballot=ballot, entry_id=voter.entry.pk, actor=officer, session_key=session_key, reason=reason)


def batch(ballot, ward, *, papers, entered_by, channel="paper", state=PaperBatch.State.ENTERED):
    decided = {} if state == PaperBatch.State.ENTERED else {"checked_at": timezone.now()}
    return PaperBatch.objects.create(
        ballot=ballot,
        ward=ward,
        channel=channel,
        label="First box",
        reselect=papers,
        open=0,
        state=state,
        entered_by=entered_by,
        entered_at=timezone.now(),
        reject_reason="Miscounted" if state == PaperBatch.State.REJECTED else "",
        **decided,
    )


def test_the_officer_who_marked_can_undo_it_in_the_same_session_with_a_reason(paper_ballot, marked, officer):
    undo(paper_ballot, marked, officer)

    entry = RollEntry.objects.get(pk=marked.entry.pk)
    assert not entry.has_voted
    assert entry.vote_channel == ""
    assert entry.marked_at is None
    assert entry.marked_by is None
    assert entry.marked_session == ""
    event = AuditEvent.objects.get(action="vote_mark_undone")
    assert event.actor == officer
    assert event.detail == {
        "membership_number": marked.membership_number,
        "channel": "paper",
        "reason": "Marked the wrong member",
    }


def test_a_member_whose_mark_was_undone_can_vote_online(paper_ballot, marked, officer):
    undo(paper_ballot, marked, officer)

    vote_cast(ballot=paper_ballot, membership_number=marked.membership_number, code=marked.code, choice="reselect")

    assert RollEntry.objects.get(pk=marked.entry.pk).vote_channel == "online"


def test_another_officer_cannot_undo_the_mark(paper_ballot, marked, second_officer):
    with pytest.raises(BallotStateError, match="Only the officer who made this mark"):
        undo(paper_ballot, marked, second_officer)

    assert RollEntry.objects.get(pk=marked.entry.pk).has_voted


def test_the_same_officer_in_another_login_session_cannot_undo_the_mark(paper_ballot, marked, officer):
    with pytest.raises(BallotStateError, match="only in the login session it was made in"):
        undo(paper_ballot, marked, officer, session_key=OTHER_SESSION)
    with pytest.raises(BallotStateError, match="only in the login session it was made in"):
        undo(paper_ballot, marked, officer, session_key=None)

    assert RollEntry.objects.get(pk=marked.entry.pk).has_voted


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_mark_is_not_undone_without_a_reason(paper_ballot, marked, officer, reason):
    with pytest.raises(BallotStateError, match="Say why"):
        undo(paper_ballot, marked, officer, reason=reason)

    assert RollEntry.objects.get(pk=marked.entry.pk).has_voted
    assert not AuditEvent.objects.filter(action="vote_mark_undone").exists()


def test_an_online_vote_cannot_be_undone_as_a_mark(paper_ballot, voters, officer):
    voter = voters[1]
    vote_cast(ballot=paper_ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    with pytest.raises(BallotStateError, match="not marked on the register"):
        undo(paper_ballot, voter, officer)

    assert RollEntry.objects.get(pk=voter.entry.pk).has_voted


def test_a_mark_undone_once_cannot_be_undone_again(paper_ballot, marked, officer):
    undo(paper_ballot, marked, officer)

    with pytest.raises(BallotStateError, match="not marked on the register"):
        undo(paper_ballot, marked, officer)

    assert AuditEvent.objects.filter(action="vote_mark_undone").count() == 1


@pytest.mark.parametrize("state", [PaperBatch.State.ENTERED, PaperBatch.State.CONFIRMED])
def test_a_mark_a_batch_already_counts_cannot_be_undone(paper_ballot, marked, officer, second_officer, state):
    batch(paper_ballot, marked.entry.ward, papers=1, entered_by=second_officer, state=state)

    with pytest.raises(BallotStateError, match="A batch already counts this vote; reject the batch first"):
        undo(paper_ballot, marked, officer)

    assert RollEntry.objects.get(pk=marked.entry.pk).has_voted


def test_a_mark_can_be_undone_while_the_wards_batches_count_fewer_papers_than_marks(
    paper_ballot, voters, marked, officer, second_officer
):
    same_ward = [v for v in voters[1:] if v.entry.ward_id == marked.entry.ward_id][0]
    vote_mark(ballot=paper_ballot, entry_id=same_ward.entry.pk, channel="paper", actor=officer, session_key=SESSION)
    batch(paper_ballot, marked.entry.ward, papers=1, entered_by=second_officer)  # two marked, one paper

    undo(paper_ballot, marked, officer)

    assert not RollEntry.objects.get(pk=marked.entry.pk).has_voted


def test_a_rejected_batch_or_one_for_another_channel_does_not_hold_the_mark(
    paper_ballot, marked, officer, second_officer
):
    ward = marked.entry.ward
    batch(paper_ballot, ward, papers=1, entered_by=second_officer, state=PaperBatch.State.REJECTED)
    batch(paper_ballot, ward, papers=1, entered_by=second_officer, channel="meeting")

    undo(paper_ballot, marked, officer)

    assert not RollEntry.objects.get(pk=marked.entry.pk).has_voted


def test_a_mark_cannot_be_undone_once_voting_has_closed(paper_ballot, marked, officer):
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(status="closed", closed_at=timezone.now())

    with pytest.raises(BallotStateError, match="has closed"):
        undo(paper_ballot, marked, officer)

    assert RollEntry.objects.get(pk=marked.entry.pk).has_voted
