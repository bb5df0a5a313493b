"""Turnout while a ballot is open: voted of eligible per ward, affiliates recorded of eligible, and never
a tally of choices before close; the dashboard's queries do not grow with the number of wards or voters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ballots.models import BallotAffiliate
from ballots.officer import services
from ballots.officer.selectors import ballot_turnout
from ballots.voting.services import vote_cast
from tests.factories import WardFactory, open_ballot_with_roll

# Session, user and the user's two permission sets (4), the ballot with its constituency (1),
# the officer runs it (1), turnout per ward (1), affiliates (1), codes (1). Reading writes nothing.
MANAGE_QUERIES = 9


def cast(ballot, issued, choices):
    """Cast one vote per (roll entry, code) pair through the members' service."""
    for (entry, code), choice in zip(issued, choices, strict=False):
        vote_cast(ballot=ballot, membership_number=entry.membership_number, code=code, choice=choice)


def test_turnout_counts_who_voted_per_ward_and_affiliates_recorded(constituency, wards, officer):
    ballot = open_ballot_with_roll(constituency=constituency, wards=wards, per_ward=4, affiliates=3)
    issued = services.voting_codes_issue(ballot=ballot)  # ordered by ward name: Barton, Northgate, Westgate
    cast(ballot, issued[:3] + issued[4:5], ["open", "reselect", "open", "open"])
    affiliate = BallotAffiliate.objects.filter(ballot=ballot).first().affiliate
    services.affiliate_vote_record(
        ballot=ballot, affiliate=affiliate, choice="abstain", delegate_name="Jo", actor=officer
    )

    turnout = ballot_turnout(ballot)

    assert [(w.name, w.voted, w.eligible, w.percent) for w in turnout.wards] == [
        ("Barton", 3, 4, "75.0%"),
        ("Northgate", 1, 4, "25.0%"),
        ("Westgate", 0, 4, "0.0%"),
    ]
    assert (turnout.voted, turnout.eligible, turnout.percent) == (4, 12, "33.3%")
    assert (turnout.affiliates_recorded, turnout.affiliates_eligible) == (1, 3)


def test_the_dashboard_shows_turnout_but_no_tally_of_choices_while_open(officer_client, open_ballot):
    issued = services.voting_codes_issue(ballot=open_ballot)
    cast(open_ballot, issued[:3], ["open", "open", "open"])

    with CaptureQueriesContext(connection) as queries:
        response = officer_client.get(reverse("ballots:ballot_manage", args=[open_ballot.pk]))

    content = response.content.decode()
    assert "Members&#x27; turnout by ward" in content or "Members' turnout by ward" in content
    assert '<td class="num">3</td>' in content
    assert not any("membervote" in query["sql"].lower() for query in queries.captured_queries)
    for label in ("Reselect the sitting MP", "Hold an open selection", "Reselect", "Open selection"):
        assert label not in content


def a_ballot_with(constituency, officer, ward_count, per_ward):
    wards = [WardFactory(constituency=constituency, name=f"Ward {i:02}") for i in range(ward_count)]
    ballot = open_ballot_with_roll(constituency=constituency, wards=wards, per_ward=per_ward, affiliates=ward_count)
    cast(ballot, services.voting_codes_issue(ballot=ballot)[::2], ["open", "reselect"] * ward_count * per_ward)
    return ballot


@pytest.mark.parametrize(("ward_count", "per_ward"), [(2, 1), (20, 5)])
def test_the_dashboards_queries_do_not_grow_with_wards_or_voters(
    officer_client, constituency, officer, django_assert_num_queries, ward_count, per_ward
):
    ballot = a_ballot_with(constituency, officer, ward_count, per_ward)

    with django_assert_num_queries(MANAGE_QUERIES):
        response = officer_client.get(reverse("ballots:ballot_manage", args=[ballot.pk]))

    assert response.status_code == 200
    assert len(response.context["turnout"].wards) == ward_count
