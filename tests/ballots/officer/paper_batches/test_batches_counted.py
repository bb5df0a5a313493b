"""The count with paper batches: refused while a batch waits or marks are in no batch, and once every batch
is confirmed, the ward's tally is its online votes and its confirmed papers together, by channel."""

import pytest
from django.urls import reverse

from ballots.models import WardVoteCount
from ballots.officer.services.ballot_lifecycle import ballot_close
from ballots.officer.services.common import BallotStateError
from ballots.officer.services.paper_batches import paper_batch_confirm, paper_batch_enter
from ballots.officer.services.vote_count import ballot_count_check
from ballots.results.selectors import ballot_tally
from ballots.voting.services import vote_cast
from tests.ballots.officer.paper_batches.conftest import in_ward, mark
from tests.factories import ballot_count_with_key


def _enter(ballot, ward, officer, *, reselect, open, spoilt=0, channel="paper"):
    return paper_batch_enter(
        ballot=ballot,
        ward_id=ward.pk,
        channel=channel,
        label="Box",
        reselect=reselect,
        open=open,
        spoilt=spoilt,
        actor=officer,
    )


def test_a_hybrid_ballot_counts_online_votes_and_confirmed_batches_per_ward_and_channel(
    paper_ballot, voters, barton, officer, second_officer
):
    northgate = paper_ballot.constituency.wards.get(name="Northgate")
    barton_voters = [v for v in voters if v.entry.ward_id == barton.pk]
    # Barton: two vote online (reselect, open); two marked as voting on paper (one reselect, one spoilt).
    for voter, choice in zip(barton_voters[:2], ["reselect", "open"], strict=True):
        vote_cast(ballot=paper_ballot, membership_number=voter.membership_number, code=voter.code, choice=choice)
    mark([v.entry for v in barton_voters[2:]])
    # Northgate: three marked as voting at a meeting (all open); one did not vote.
    mark(in_ward(voters, northgate)[:3], channel="meeting")
    paper = _enter(paper_ballot, barton, officer, reselect=1, open=0, spoilt=1)
    meeting = _enter(paper_ballot, northgate, officer, reselect=0, open=3, channel="meeting")
    for batch in (paper, meeting):
        paper_batch_confirm(ballot=paper_ballot, batch_id=batch.pk, actor=second_officer)
    ballot_close(ballot=paper_ballot, actor=officer)

    assert ballot_count_with_key(paper_ballot, actor=officer) == 2

    rows = {
        (row.ward.name, row.channel): (row.reselect, row.open, row.spoilt)
        for row in WardVoteCount.objects.filter(ballot=paper_ballot).select_related("ward")
    }
    assert rows == {
        ("Barton", "online"): (1, 1, 0),
        ("Barton", "paper"): (1, 0, 1),
        ("Northgate", "online"): (0, 0, 0),
        ("Northgate", "meeting"): (0, 3, 0),
    }
    tally = {ward.name: (ward.reselect, ward.open, ward.voted) for ward in ballot_tally(paper_ballot).wards}
    assert tally == {"Barton": (2, 1, 4), "Northgate": (0, 3, 3)}


def test_the_count_is_refused_while_a_batch_waits_for_its_second_officer(paper_ballot, voters, barton, officer):
    mark(in_ward(voters, barton)[:2])
    _enter(paper_ballot, barton, officer, reselect=1, open=1)
    ballot_close(ballot=paper_ballot, actor=officer)

    with pytest.raises(BallotStateError, match="1 paper batch is waiting for a second officer"):
        ballot_count_check(ballot=paper_ballot)
    with pytest.raises(BallotStateError, match="waiting for a second officer"):
        ballot_count_with_key(paper_ballot, actor=officer)
    assert not WardVoteCount.objects.filter(ballot=paper_ballot).exists()


def test_the_count_is_refused_while_marked_members_are_in_no_batch(
    officer_client, paper_ballot, voters, barton, officer, second_officer
):
    mark(in_ward(voters, barton)[:2])
    ballot_close(ballot=paper_ballot, actor=officer)

    with pytest.raises(BallotStateError, match="2 marked votes are in no batch, in 1 ward"):
        ballot_count_with_key(paper_ballot, actor=officer)
    page = officer_client.get(reverse("ballots:ballot_count", args=[paper_ballot.pk]))
    assert "The votes cannot be counted" in page.content.decode()
    assert "in no batch" in page.content.decode()

    batch = _enter(paper_ballot, barton, officer, reselect=2, open=0)
    paper_batch_confirm(ballot=paper_ballot, batch_id=batch.pk, actor=second_officer)
    ballot_count_check(ballot=paper_ballot)
