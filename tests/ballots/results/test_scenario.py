"""One ballot-to-scenario function: the results page and the simulator count a ballot the same way.

Affiliates weighted by their members, with one affiliate whose size was not frozen when the
ballot opened: both pages answer 200, name that affiliate, and agree on the count. Only the
frozen size is read: editing the affiliate afterwards changes nothing.
"""

import pytest
from django.urls import reverse

from ballots.models import BallotAffiliate
from ballots.results.presenter import ballot_result
from ballots.results.scenario import ballot_options, ballot_scenario
from members.models import Affiliate
from tests.factories import make_ballot_with_votes

WARDS = (("Barton", 30, 20, 60), ("Northgate", 10, 25, 40))
AFFILIATES = (
    ("Unite Canterbury", "trade_union", "reselect", 120),
    ("GMB Kent", "trade_union", "open", 80),
    ("Fabian Society", "socialist_society", "open", 15),
)


@pytest.fixture
def weighted_ballot(constituency):
    ballot = make_ballot_with_votes(
        constituency=constituency, wards=WARDS, affiliates=AFFILIATES, affiliate_counting="weighted"
    )
    BallotAffiliate.objects.filter(ballot=ballot, affiliate__name="GMB Kent").update(affiliated_members=None)
    return ballot


def test_the_scenario_reads_the_frozen_sizes_and_counts_an_unknown_one_as_no_weight(weighted_ballot):
    scenario = ballot_scenario(weighted_ballot)
    assert {a.name: a.members for a in scenario.affiliates} == {
        "Unite Canterbury": 120,
        "GMB Kent": 0,
        "Fabian Society": 15,
    }
    assert scenario.options == ballot_options(weighted_ballot)
    assert scenario.options["affiliate_counting"] == "weighted"


def test_editing_an_affiliate_after_the_ballot_opened_changes_no_result(weighted_ballot):
    before = ballot_result(weighted_ballot, public=False).result.to_dict()
    Affiliate.objects.filter(name__in=["GMB Kent", "Unite Canterbury"]).update(affiliated_members=5000)
    assert ballot_result(weighted_ballot, public=False).result.to_dict() == before


def test_the_results_page_answers_and_names_the_affiliate_of_unknown_size(client, weighted_ballot):
    response = client.get(reverse("ballots:results", args=[weighted_ballot.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The affiliated membership of GMB Kent was not recorded when the ballot opened" in html
    assert "not recorded</td>" in html
    data = client.get(reverse("ballots:results_json", args=[weighted_ballot.pk])).json()
    assert data["unknown_affiliate_sizes"] == ["GMB Kent"]
    gmb = next(a for a in data["affiliates"] if a["name"] == "GMB Kent")
    assert gmb["members"] is None and gmb["weight"] == 0


def test_the_simulator_loads_the_same_ballot_without_error_and_counts_it_the_same(officer_client, weighted_ballot):
    response = officer_client.get(reverse("ballots:simulator"), {"ballot": weighted_ballot.pk})
    assert response.status_code == 200
    assert "The affiliated membership of GMB Kent was not recorded when the ballot opened" in (
        response.content.decode()
    )
    assert response.context["errors"] == []
    from_results = ballot_result(weighted_ballot, public=False).result
    assert response.context["result"].to_dict() == from_results.to_dict()
    forecast = officer_client.get(reverse("ballots:simulator_forecast"), {"ballot": weighted_ballot.pk})
    assert forecast.status_code == 200
    assert {f.initial["name"]: f.initial["members"] for f in forecast.context["affiliates"]} == {
        "Unite Canterbury": 120,
        "GMB Kent": 0,
        "Fabian Society": 15,
    }


def test_without_weighting_the_results_page_says_nothing_about_sizes(client, constituency):
    ballot = make_ballot_with_votes(constituency=constituency, wards=WARDS, affiliates=AFFILIATES)
    BallotAffiliate.objects.filter(ballot=ballot).update(affiliated_members=None)
    response = client.get(reverse("ballots:results", args=[ballot.pk]))
    assert response.status_code == 200
    assert "was not recorded" not in response.content.decode()
