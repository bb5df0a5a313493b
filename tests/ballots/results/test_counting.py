"""Counting from the database gives what counting the same figures directly gives."""

import pytest

from ballots import counting
from ballots.results.exports import result_as_dict
from ballots.results.presenter import ballot_result
from ballots.results.scenario import ballot_scenario
from ballots.results.selectors import ballot_tally
from tests.factories import make_ballot_with_votes

WARDS = (
    ("Barton", 30, 20, 70),
    ("Northgate", 10, 25, 40),
    ("Westgate", 12, 12, 30),
    ("Wincheap", 0, 0, 12),
    ("Blean Forest", 14, 3, 20),
)
AFFILIATES = (
    ("Unite Canterbury", "trade_union", "reselect", 120),
    ("GMB Kent", "trade_union", "open", 80),
    ("Fabian Society", "socialist_society", "open", 15),
    ("Co-operative Party", "cooperative", "abstain", 40),
    ("Unison Kent", "trade_union", None, 300),
)

# The results list wards and affiliates by name; the direct count takes them in that order too.
DIRECT = {
    "branches": [{"name": name, "reselect": r, "open": o} for name, r, o, _ in sorted(WARDS)],
    "affiliates": [
        {"name": name, "vote": vote or "none", "members": members} for name, _kind, vote, members in sorted(AFFILIATES)
    ],
}

SETTINGS = [
    ("labour-2021", {"member_counting": m, "affiliate_counting": a, "tied_branch": t})
    for m in ("branch", "individual")
    for a in ("unit", "weighted")
    for t in counting.TIE_OPTIONS
] + [(rules, {"tied_branch": t}) for rules in ("labour-2018", "labour-pre-2018") for t in counting.TIE_OPTIONS]


@pytest.mark.parametrize(("rules", "options"), SETTINGS)
def test_counting_from_the_database_equals_counting_the_figures_directly(db, rules, options):
    ballot = make_ballot_with_votes(wards=WARDS, affiliates=AFFILIATES, rules=rules, **options)
    from_db = ballot_result(ballot, public=False).result
    direct = counting.count(counting.scenario_from_dict({**DIRECT, "rules": rules, "options": options}))
    assert from_db.to_dict() == direct.to_dict()


def test_the_tally_has_every_ward_on_the_roll_with_its_votes_and_turnout(db):
    ballot = make_ballot_with_votes(wards=WARDS, affiliates=AFFILIATES)
    tally = ballot_tally(ballot)
    rows = {w.name: (w.reselect, w.open, w.eligible, w.voted) for w in tally.wards}
    assert rows == {name: (r, o, roll, r + o) for name, r, o, roll in WARDS}
    assert tally.eligible == sum(w[3] for w in WARDS)
    assert tally.voted == tally.votes_cast == sum(w[1] + w[2] for w in WARDS)


def test_affiliates_that_did_not_vote_count_as_none_and_keep_their_snapshot_membership(db):
    ballot = make_ballot_with_votes(wards=WARDS, affiliates=AFFILIATES)
    scenario = ballot_scenario(ballot, tally=ballot_tally(ballot))
    votes = {a.name: (a.vote, a.members) for a in scenario.affiliates}
    assert votes["Unison Kent"] == ("none", 300)
    assert votes["Co-operative Party"] == ("abstain", 40)


def test_another_ballots_votes_are_not_counted(db):
    ballot = make_ballot_with_votes(wards=WARDS, affiliates=AFFILIATES)
    make_ballot_with_votes(
        constituency=ballot.constituency,
        wards=(("Sturry", 50, 0, 50),),
        affiliates=(("Other union", "trade_union", "reselect", 10),),
    )
    names = {w.name for w in ballot_tally(ballot).wards}
    assert "Sturry" not in names
    assert {a.name for a in ballot_tally(ballot).affiliates} == {a[0] for a in AFFILIATES}


def test_the_json_carries_the_whatif_fields_and_the_other_rules(db):
    ballot = make_ballot_with_votes(wards=WARDS, affiliates=AFFILIATES)
    data = result_as_dict(ballot_result(ballot, public=False))
    direct = counting.count(counting.scenario_from_dict(DIRECT)).to_dict()
    for key in ("rules", "options", "outcome", "open_share", "reselect_share", "explanation"):
        assert data[key] == direct[key]
    assert data["ballot"]["id"] == ballot.pk
    assert data["provisional"] is False
    assert len(data["other_rules"]) == len(counting.compare_rules(counting.scenario_from_dict(DIRECT)))
    assert sum(1 for row in data["other_rules"] if row["applied"]) == 1
    assert all(row["for_information"] for row in data["other_rules"] if not row["applied"])
