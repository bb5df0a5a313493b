"""The round forecast page over the whole round: counted ballots are known outcomes (chance 0 or
1, counted in the distribution and named as known), open ballots are forecast from their frozen
roll and say so, chosen ballots take their own turnout and support (bad figures are form errors
with status 400), and the page runs the same number of queries for 3 ballots as for 30.
"""

import pytest
from django.urls import reverse

from ballots.models import TriggerBallot
from ballots.region.forecast import FROZEN, KNOWN, round_ballots, round_entries
from ballots.simulation.round_forecast import KnownOutcome
from tests.ballots.region.forecast.test_page import GOOD
from tests.ballots.region.forecast.test_scenarios import ASSUMPTION, make_round
from tests.factories import RegionalOfficerFactory, TriggerBallotFactory, make_ballot_with_votes

pytestmark = pytest.mark.django_db

OPEN_RESULT = {
    "wards": (("Abbey", 1, 10, 20), ("Bridge", 2, 9, 20)),
    "affiliates": (("U", "trade_union", "open", 100),),
}


# No uncertainty and every affiliate for open selection: a ballot given turnout 1 and support 0
# goes to open selection in every trial.
CERTAIN = {**GOOD, "turnout_sd": "0", "support_sd": "0", "p_reselect": "0", "p_open": "1", "p_abstain": "0"}


def url(round_):
    return reverse("ballots:round_forecast", kwargs={"round_pk": round_.pk})


def logged_in(client, round_):
    client.force_login(RegionalOfficerFactory(regions=[round_.region]))
    return client


def test_a_declared_ballot_is_a_known_outcome_counted_in_every_trial(client):
    round_ = make_round(2)
    make_ballot_with_votes(round=round_, **OPEN_RESULT)
    entries = round_entries(round_ballots(round_.pk), ASSUMPTION)
    known = [e for e in entries if e.kind == KNOWN]
    assert [e.item for e in known] == [KnownOutcome(open_selection=True)]
    text = logged_in(client, round_).get(url(round_), GOOD).content.decode()
    assert "Open selection (known: 100%)" in text and "Result known" in text
    assert "counting 1 result already known" in text
    assert "0 in " not in text.split("Number of open selections")[1]  # never fewer than the known one


def test_a_counted_but_undeclared_ballot_is_known_too():
    round_ = make_round(1)
    make_ballot_with_votes(round=round_, status=TriggerBallot.Status.CLOSED)
    kinds = [e.kind for e in round_entries(round_ballots(round_.pk), ASSUMPTION)]
    assert kinds.count(KNOWN) == 1


def test_an_open_ballot_is_forecast_from_its_frozen_roll_and_says_so(client):
    round_ = make_round(1)
    ballot = make_ballot_with_votes(round=round_, status=TriggerBallot.Status.OPEN)
    entry = next(e for e in round_entries(round_ballots(round_.pk), ASSUMPTION) if e.ballot.pk == ballot.pk)
    assert entry.kind == FROZEN
    assert isinstance(entry.item, dict)
    assert [(b["name"], b["members"]) for b in entry.item["branches"]] == [("Barton", 60), ("Northgate", 40)]
    text = logged_in(client, round_).get(url(round_), GOOD).content.decode()
    assert "Open: forecast from its frozen roll" in text
    assert text.count("percentage points") == 2


def test_a_voided_ballot_is_left_out():
    round_ = make_round(1)
    TriggerBallotFactory(
        round=round_, status=TriggerBallot.Status.CLOSED, voided_at="2026-01-01T00:00Z", void_reason="x"
    )
    assert len(round_ballots(round_.pk)) == 1


def test_a_chosen_ballot_takes_its_own_turnout_and_support(client):
    round_ = make_round(2)
    first, second = round_ballots(round_.pk)
    response = logged_in(client, round_).get(
        url(round_),
        {**CERTAIN, f"turnout_{first.pk}": "1", f"support_{first.pk}": "0"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert f'<th scope="row">{first.constituency.name}</th><td>100.0%</td>' in text
    assert "its own turnout 1; its own support 0" in text
    assert "1 ballot was given its own turnout or support" in text


@pytest.mark.parametrize("value", ["1.5", "-0.1", "lots"])
def test_a_bad_override_is_a_form_error_with_status_400(client, value):
    round_ = make_round(2)
    first = round_ballots(round_.pk)[0]
    response = logged_in(client, round_).get(url(round_), {**GOOD, f"support_{first.pk}": value})
    assert response.status_code == 400
    assert b"There is a problem" in response.content


def test_overrides_for_ballots_not_in_the_round_are_ignored(client):
    round_ = make_round(2)
    assert logged_in(client, round_).get(url(round_), {**GOOD, "turnout_999999": "zzz"}).status_code == 200


def _mixed_round(drafts):
    round_ = make_round(drafts)
    make_ballot_with_votes(round=round_, **OPEN_RESULT)
    make_ballot_with_votes(round=round_, status=TriggerBallot.Status.OPEN)
    return round_


def test_the_page_runs_the_same_queries_for_3_ballots_as_for_30(client, django_assert_num_queries):
    small, large = _mixed_round(1), _mixed_round(28)
    officer = RegionalOfficerFactory(regions=[small.region, large.region])
    client.force_login(officer)
    client.get(url(small), GOOD)  # warm up (content types, session)
    with django_assert_num_queries(15) as small_queries:
        assert client.get(url(small), {**GOOD, "trials": "100"}).status_code == 200
    with django_assert_num_queries(len(small_queries.captured_queries)):
        assert client.get(url(large), {**GOOD, "trials": "100"}).status_code == 200
