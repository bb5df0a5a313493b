"""Paper batches through their services: entering with the totals check, the two-person rule, rejection
and re-entry, and the ballot states and channels that refuse a batch."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ballots.models import PaperBatch, TriggerBallot
from ballots.officer.services.common import BallotStateError
from ballots.officer.services.paper_batches import (
    paper_batch_confirm,
    paper_batch_enter,
    paper_batch_reject,
    paper_batches_overview,
)
from ballots.officer.services.vote_count import paper_marks_uncovered
from members.models import AuditEvent
from tests.ballots.officer.paper_batches.conftest import in_ward, mark


def _enter(ballot, ward, officer, reselect=2, open=1, spoilt=0, channel="paper", label="Postal votes, first box"):
    return paper_batch_enter(
        ballot=ballot,
        ward_id=ward.pk,
        channel=channel,
        label=label,
        reselect=reselect,
        open=open,
        spoilt=spoilt,
        actor=officer,
    )


def test_a_batch_matching_the_marked_members_is_entered_waiting_and_audited(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:3])

    batch = _enter(paper_ballot, barton, officer, reselect=2, open=0, spoilt=1)

    assert batch.state == PaperBatch.State.ENTERED
    assert batch.entered_by == officer
    assert paper_marks_uncovered(paper_ballot) == {}
    event = AuditEvent.objects.get(action="paper_batch_entered")
    assert event.actor == officer
    assert event.detail == {
        "batch_id": batch.pk,
        "ward": "Barton",
        "channel": "paper",
        "label": "Postal votes, first box",
        "reselect": 2,
        "open": 0,
        "spoilt": 1,
    }


def test_a_batch_with_too_many_papers_is_refused_with_the_difference(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:3])

    with pytest.raises(BallotStateError) as refused:
        _enter(paper_ballot, barton, officer, reselect=4, open=1)

    assert str(refused.value) == (
        "This batch has 5 papers but 3 members of Barton are marked as having voted by post or on paper and not "
        "yet in a batch: 2 too many. Check the count, or mark the missing members on the register first."
    )
    assert not PaperBatch.objects.exists()


def test_a_batch_with_too_few_papers_is_refused_with_the_difference(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:3])

    with pytest.raises(BallotStateError, match="This batch has 1 paper but 3 members of Barton .*: 2 too few"):
        _enter(paper_ballot, barton, officer, reselect=1, open=0)


def test_papers_already_in_a_waiting_batch_are_not_counted_twice(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:3])
    _enter(paper_ballot, barton, officer, reselect=2, open=1)

    with pytest.raises(BallotStateError, match="no member of Barton is marked .*: 1 too many"):
        _enter(paper_ballot, barton, officer, reselect=1, open=0, label="Second box")


def test_marks_of_the_other_channel_do_not_cover_a_batch(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:2], channel="meeting")

    with pytest.raises(BallotStateError, match="no member of Barton is marked as having voted by post"):
        _enter(paper_ballot, barton, officer, reselect=1, open=1, channel="paper")
    assert _enter(paper_ballot, barton, officer, reselect=1, open=1, channel="meeting").channel == "meeting"


def test_a_batch_without_papers_is_refused(paper_ballot, barton, officer):
    with pytest.raises(BallotStateError, match="no papers"):
        _enter(paper_ballot, barton, officer, reselect=0, open=0)


def test_negative_figures_are_refused(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:1])
    with pytest.raises(BallotStateError, match="0 or more"):
        _enter(paper_ballot, barton, officer, reselect=2, open=-1)


def test_a_channel_the_ballot_does_not_take_is_refused(paper_ballot, voters, barton, officer):
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(meeting_voting=False)
    mark(in_ward(voters, barton)[:1], channel="meeting")

    with pytest.raises(BallotStateError, match="does not take votes at a branch meeting"):
        _enter(paper_ballot, barton, officer, reselect=1, open=0, channel="meeting")
    with pytest.raises(BallotStateError, match="by post or on paper, or at a branch meeting"):
        _enter(paper_ballot, barton, officer, reselect=1, open=0, channel="online")


def test_a_ward_not_on_the_roll_is_refused(paper_ballot, officer, constituency):
    elsewhere = constituency.wards.create(name="Westgate")
    with pytest.raises(BallotStateError, match="nobody on this ballot's roll"):
        _enter(paper_ballot, elsewhere, officer, reselect=1, open=0)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"voided_at": timezone.now(), "void_reason": "Wrong roll", "status": "closed"}, "voided"),
        ({"status": "closed", "counted_at": timezone.now()}, "already been counted"),
        ({"status": "draft"}, "once the ballot has opened"),
    ],
)
def test_a_voided_counted_or_draft_ballot_takes_no_batch(paper_ballot, voters, barton, officer, change, words):
    mark(in_ward(voters, barton)[:1])
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(**change)

    with pytest.raises(BallotStateError, match=words):
        _enter(paper_ballot, barton, officer, reselect=1, open=0)


def test_a_closed_ballot_not_yet_counted_takes_batches(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:1])
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(status="closed", closed_at=timezone.now())

    assert _enter(paper_ballot, barton, officer, reselect=1, open=0).state == PaperBatch.State.ENTERED


def test_the_officer_who_entered_a_batch_cannot_confirm_it(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:3])
    batch = _enter(paper_ballot, barton, officer)

    with pytest.raises(BallotStateError, match="another officer must check it"):
        paper_batch_confirm(ballot=paper_ballot, batch_id=batch.pk, actor=officer)
    with pytest.raises(BallotStateError, match="another officer must check it"):
        paper_batch_reject(ballot=paper_ballot, batch_id=batch.pk, actor=officer, reason="Miscounted")
    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.ENTERED


def test_a_second_officer_confirms_and_the_audit_names_who_entered_it(
    paper_ballot, voters, barton, officer, second_officer
):
    mark(in_ward(voters, barton)[:3])
    batch = _enter(paper_ballot, barton, officer)

    paper_batch_confirm(ballot=paper_ballot, batch_id=batch.pk, actor=second_officer)

    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.CONFIRMED
    assert batch.checked_by == second_officer
    assert batch.checked_at is not None
    event = AuditEvent.objects.get(action="paper_batch_confirmed")
    assert event.actor == second_officer
    assert event.detail["entered_by"] == "officer"
    assert (event.detail["ward"], event.detail["reselect"], event.detail["open"]) == ("Barton", 2, 1)
    with pytest.raises(BallotStateError, match="already been confirmed"):
        paper_batch_confirm(ballot=paper_ballot, batch_id=batch.pk, actor=second_officer)


def test_the_database_refuses_a_batch_checked_by_whoever_entered_it(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:3])
    batch = _enter(paper_ballot, barton, officer)

    with pytest.raises(IntegrityError), transaction.atomic():
        PaperBatch.objects.filter(pk=batch.pk).update(state="confirmed", checked_by=officer, checked_at=timezone.now())


def test_a_rejected_batch_needs_a_reason_and_frees_its_papers_to_be_entered_again(
    paper_ballot, voters, barton, officer, second_officer
):
    mark(in_ward(voters, barton)[:3])
    batch = _enter(paper_ballot, barton, officer, reselect=3, open=0)

    with pytest.raises(BallotStateError, match="Say why"):
        paper_batch_reject(ballot=paper_ballot, batch_id=batch.pk, actor=second_officer, reason="   ")
    paper_batch_reject(ballot=paper_ballot, batch_id=batch.pk, actor=second_officer, reason="One paper is for open")

    batch.refresh_from_db()
    assert (batch.state, batch.reject_reason, batch.checked_by) == ("rejected", "One paper is for open", second_officer)
    assert paper_marks_uncovered(paper_ballot) == {(barton.pk, "paper"): 3}
    event = AuditEvent.objects.get(action="paper_batch_rejected")
    assert event.detail["reason"] == "One paper is for open"
    again = _enter(paper_ballot, barton, second_officer, reselect=2, open=1, label="First box, counted again")
    paper_batch_confirm(ballot=paper_ballot, batch_id=again.pk, actor=officer)
    assert paper_marks_uncovered(paper_ballot) == {}


def test_a_batch_of_a_counted_ballot_cannot_be_confirmed(paper_ballot, voters, barton, officer, second_officer):
    mark(in_ward(voters, barton)[:3])
    batch = _enter(paper_ballot, barton, officer)
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(status="closed", counted_at=timezone.now())

    with pytest.raises(BallotStateError, match="already been counted"):
        paper_batch_confirm(ballot=paper_ballot, batch_id=batch.pk, actor=second_officer)


def test_the_overview_gives_each_ward_and_channel_its_figures_in_two_queries(
    paper_ballot, voters, barton, officer, second_officer, django_assert_num_queries
):
    mark(in_ward(voters, barton)[:2])
    confirmed = _enter(paper_ballot, barton, officer, reselect=1, open=1)
    paper_batch_confirm(ballot=paper_ballot, batch_id=confirmed.pk, actor=second_officer)
    mark(in_ward(voters, barton)[2:3])
    _enter(paper_ballot, barton, officer, reselect=0, open=1, label="Second box")
    mark(in_ward(voters, barton)[3:4], channel="meeting")

    with django_assert_num_queries(2):
        overview = paper_batches_overview(paper_ballot)

    rows = {
        (row.ward, row.channel): (row.marked, row.confirmed, row.waiting, row.not_in_batch) for row in overview.rows
    }
    assert rows == {
        ("Barton", "paper"): (3, 2, 1, 0),
        ("Barton", "meeting"): (1, 0, 0, 1),
        ("Northgate", "paper"): (0, 0, 0, 0),
        ("Northgate", "meeting"): (0, 0, 0, 0),
    }
    uncovered = paper_marks_uncovered(paper_ballot)
    assert {(r.ward_id, r.channel): r.not_in_batch for r in overview.rows if r.not_in_batch} == uncovered
    assert overview.roll_size == 8
    assert [row.state_words for row in overview.batches] == ["Confirmed", "Waiting for a second officer to confirm"]
    assert overview.batches[0].checked_by == "second"
    assert overview.batches[0].entered_at.endswith(("GMT", "BST"))
