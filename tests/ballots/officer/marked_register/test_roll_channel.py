"""The frozen roll shows each member's channel in plain words (never which way they voted), in a
constant number of queries whatever the roll's size."""

import pytest
from django.urls import reverse

from ballots.models import RollEntry
from ballots.officer.services.marked_register import vote_mark
from ballots.voting.services import vote_cast
from tests.ballots.officer.marked_register.conftest import SESSION
from tests.factories import MemberFactory, RollEntryFactory

pytestmark = pytest.mark.django_db


def roll(client, ballot):
    return client.get(reverse("ballots:ballot_roll", args=[ballot.pk]))


def voted_column(response):
    return {row.record.pk: row.get_cell("voted_how") for row in response.context["roll_table"].page.object_list}


def test_the_roll_says_how_each_member_voted_in_plain_words(officer_client, paper_ballot, voters, officer):
    online, paper, meeting, not_yet = voters
    vote_cast(ballot=paper_ballot, membership_number=online.membership_number, code=online.code, choice="open")
    for voter, channel in ((paper, "paper"), (meeting, "meeting")):
        vote_mark(ballot=paper_ballot, entry_id=voter.entry.pk, channel=channel, actor=officer, session_key=SESSION)

    response = roll(officer_client, paper_ballot)

    assert voted_column(response) == {
        online.entry.pk: "Online",
        paper.entry.pk: "By post or on paper",
        meeting.entry.pk: "At a branch meeting",
        not_yet.entry.pk: "Not yet",
    }
    page = response.content.decode()
    assert '<th scope="col"' in page and "Voted" in page
    assert "At a branch meeting" in page


def test_a_vote_recorded_before_channels_were_kept_counts_as_online(officer_client, paper_ballot, voters):
    RollEntry.objects.filter(pk=voters[0].entry.pk).update(has_voted=True, vote_channel="")

    assert voted_column(roll(officer_client, paper_ballot))[voters[0].entry.pk] == "Online"


@pytest.mark.parametrize("extra", [0, 60])
def test_the_frozen_roll_runs_a_constant_number_of_queries(
    officer_client, paper_ballot, voters, django_assert_num_queries, extra
):
    ward = voters[0].entry.ward
    for _ in range(extra):
        RollEntryFactory(ballot=paper_ballot, member=MemberFactory(ward=ward))

    # Session, user, permissions (2), ballot (1), officer check (1), turnout per ward (1),
    # affiliates (1), the roll's count and page (2). No write.
    with django_assert_num_queries(10):
        response = roll(officer_client, paper_ballot)

    assert response.context["roll_table"].paginator.count == len(voters) + extra
