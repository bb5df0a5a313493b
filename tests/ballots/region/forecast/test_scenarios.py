"""Building a round's forecast scenarios: eligible members per ward, eligible affiliates, the
assumption or a ballot's override, drafts only, and two queries whatever the number of drafts.
"""

import datetime as dt

import pytest

from ballots.models import TriggerBallot
from ballots.region.forecast import Assumption, draft_scenarios, round_drafts
from ballots.simulation.round_forecast import round_forecast
from tests.factories import (
    AffiliateFactory,
    ConstituencyFactory,
    MemberFactory,
    RoundFactory,
    TriggerBallotFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

ASSUMPTION = Assumption(0.4, 0.05, 0.5, 0.1, 0.45, 0.45, 0.1)


def make_round(drafts):
    round_ = RoundFactory()
    for _ in range(drafts):
        constituency = ConstituencyFactory()
        ballot = TriggerBallotFactory(constituency=constituency, round=round_, status=TriggerBallot.Status.DRAFT)
        for w in range(2):
            ward = WardFactory(constituency=constituency, name=f"Ward {w}")
            MemberFactory.create_batch(w + 1, ward=ward, joined_on=dt.date(2010, 1, 1))
        AffiliateFactory(constituency=constituency, affiliated_on=dt.date(2015, 1, 1))
        AffiliateFactory(constituency=constituency, affiliated_on=ballot.freeze_date + dt.timedelta(days=1))
    return round_


@pytest.mark.parametrize("drafts", [2, 8])
def test_every_drafts_scenario_is_built_in_two_queries(drafts, django_assert_num_queries):
    round_ = make_round(drafts)
    ballots = round_drafts(round_.pk)
    with django_assert_num_queries(2):
        scenarios = draft_scenarios(ballots, ASSUMPTION)
    assert len(scenarios) == drafts
    for scenario in scenarios:
        assert [(b["name"], b["members"]) for b in scenario["branches"]] == [("Ward 0", 1), ("Ward 1", 2)]
        assert len(scenario["affiliates"]) == 1  # the one affiliated after the freeze date is left out


def test_a_ballots_override_replaces_the_assumed_turnout_and_support():
    round_ = make_round(2)
    first, second = round_drafts(round_.pk)
    scenarios = draft_scenarios([first, second], ASSUMPTION, {first.pk: {"turnout_mean": 0.9, "support_mean": 0.2}})
    assert scenarios[0]["branches"][0]["turnout"] == {"mean": 0.9, "sd": 0.05}
    assert scenarios[0]["branches"][0]["support"] == {"mean": 0.2, "sd": 0.1}
    assert scenarios[1]["branches"][0]["turnout"] == {"mean": 0.4, "sd": 0.05}


def test_only_draft_ballots_are_forecast_from_their_preview():
    round_ = make_round(2)
    TriggerBallotFactory(round=round_, status=TriggerBallot.Status.CLOSED)
    assert len(round_drafts(round_.pk)) == 2


def test_the_built_scenarios_can_be_forecast():
    round_ = make_round(3)
    result = round_forecast(draft_scenarios(round_drafts(round_.pk), ASSUMPTION), 500, 1)
    assert sum(result.distribution) == 500
    assert len(result.ballots) == 3
