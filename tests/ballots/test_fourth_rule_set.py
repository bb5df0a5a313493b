"""A fourth rule set, registered here and nowhere else, works on every page that shows a count.

The toy rule: one section (the members, one member one vote); open selection when at least
two thirds of the member votes want it. It is built the way ``counting/rules/labour_2021.py``
builds its rule set, registered for each test and unregistered afterwards. The what-if page,
the forecast page, a declared ballot's results page, its JSON, CSV and chart all work with it
without knowing its name, and readers see its title, not its identifier.
"""

import csv
import io
import re
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from django.urls import reverse

from ballots import counting
from ballots.results import charts
from ballots.results.presenter import ballot_result
from tests.factories import make_ballot_with_votes

NAME = "toy-two-thirds"
TITLE = "Two thirds of the member votes"
THRESHOLD = counting.Threshold("at least", Fraction(2, 3), "the member votes")
SVG = "{http://www.w3.org/2000/svg}"


def member_share(counts, options):
    """The open share of the member votes as (numerator, denominator): ints or int arrays."""
    return counts.v_open, counts.v_open + counts.v_reselect


def decide(counts, options):
    return THRESHOLD.met(*member_share(counts, options))


def count_two_thirds(scenario, options, rule_set, ignored):
    counts = counting.counts_from_scenario(scenario, need_branch_counts=True)
    total = counts.v_open + counts.v_reselect
    share = Fraction(counts.v_open, total) if total else None
    members = counting.SectionResult(
        name=counting.MEMBERS,
        counted_by="individual",
        weight=Fraction(1) if total else None,
        units=total,
        units_reselect=Fraction(counts.v_reselect),
        units_open=Fraction(counts.v_open),
        tied=0,
        excluded=sum(1 for b in scenario.branches if not (b.reselect or b.open)),
        open_fraction=share,
        open_share=share,
        reselect_share=None if share is None else 1 - share,
        votes={"reselect": counts.v_reselect, "open": counts.v_open},
    )

    def contributions():
        return [
            counting.Contribution(counting.MEMBERS, b.name, side, Fraction(votes, total))
            for b in scenario.branches
            for side, votes in ((counting.RESELECT, b.reselect), (counting.OPEN, b.open))
            if votes
        ]

    def explanation(result):
        words = "there is an open selection" if result.open_selection else "the MP is reselected"
        return (
            f"Counted under {rule_set.title}: {counts.v_open} of {total} member votes were for open "
            f"selection ({counting.format_percent(share)}); an open selection needs at least two thirds, "
            f"so {words}."
        )

    return counting.Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=bool(THRESHOLD.met(counts.v_open, total)),
        open_share=share,
        sections=[members],
        threshold=THRESHOLD,
        no_valid_votes=not total,
        contributions=contributions,
        explanation=explanation,
    )


RULE_SET = counting.RuleSet(
    name=NAME,
    title=TITLE,
    description="One member, one vote. Open selection when at least two thirds of the member votes want it.",
    options=(),
    sections=(counting.MEMBERS,),
    threshold=THRESHOLD,
    chart="pooled",
    pool_label="the member votes",
    share_label="open share of the member votes",
    decide=decide,
    forecast_share=member_share,
    counter=count_two_thirds,
)

# 45 of 60 member votes for open (75%): open selection under the toy rule, while under the 2021
# college (both branches open, the one affiliate reselect) the open share is exactly 50%.
WARDS = (("Barton", 10, 30, 50), ("Northgate", 5, 15, 30))
AFFILIATES = (("Unite Canterbury", "trade_union", "reselect", 120),)


@pytest.fixture(autouse=True)
def two_thirds_rule_set():
    counting.register_rule_set(RULE_SET)
    yield RULE_SET
    counting.unregister_rule_set(NAME)


@pytest.fixture
def ballot(constituency):
    return make_ballot_with_votes(constituency=constituency, wards=WARDS, affiliates=AFFILIATES, rules=NAME)


def _formset(prefix, rows, fields):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "60",
    }
    for i, row in enumerate(rows):
        for field, value in zip(fields, row, strict=True):
            data[f"{prefix}-{i}-{field}"] = value
    return data


def test_the_toy_rule_set_counts_as_written():
    exactly = counting.Scenario(branches=(counting.Branch("A", reselect=10, open=20),), rules=NAME)
    below = counting.Scenario(branches=(counting.Branch("A", reselect=11, open=20),), rules=NAME)
    assert counting.count(exactly).open_selection
    assert not counting.count(below).open_selection
    assert [s.name for s in counting.count(exactly).sections] == [counting.MEMBERS]


def test_the_what_if_page_counts_under_the_fourth_rule_set_and_names_it_in_words(client, db):
    page = client.get(reverse("ballots:simulator"))
    assert page.status_code == 200
    assert f">{TITLE}</option>" in page.content.decode()
    data = {"s-rules": NAME, "action": "recount"}
    data.update(
        _formset(
            "b", [("Barton", "10", "30", ""), ("Northgate", "5", "15", "")], ("name", "reselect", "open", "outcome")
        )
    )
    data.update(_formset("a", [("Unite", "reselect", "")], ("name", "vote", "members")))
    response = client.post(reverse("ballots:simulator"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["errors"] == []
    result = response.context["result"]
    assert result.rules == NAME and result.open_selection
    assert f"Open selection under {TITLE}</h2>" in html
    assert response.context["flip"] is not None
    rows = [row for row in response.context["comparison"] if row["result"].rules == NAME]
    assert len(rows) == 1 and rows[0]["selected"] and rows[0]["share"] == "75.000%"
    assert f'<th scope="row">{TITLE}' in html


def test_the_forecast_page_runs_under_the_fourth_rule_set(client, db):
    data = {"s-rules": NAME, "s-trials": "200", "s-seed": "3", "action": "run"}
    data.update(
        _formset(
            "b",
            [("Barton", "100", "40", "5", "30", "10")],
            ("name", "members", "turnout", "turnout_sd", "support", "support_sd"),
        )
    )
    data.update(
        _formset("a", [("Unite", "50", "50", "0", "")], ("name", "p_reselect", "p_open", "p_abstain", "members"))
    )
    response = client.post(reverse("ballots:simulator_forecast"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["errors"] == []
    result = response.context["result"]
    assert result.rules == NAME and NAME in result.by_rules
    assert response.context["main_row"]["title"] == TITLE
    assert f"under {TITLE}, and the MP was reselected" in html  # the headline names the rules
    assert "open share of the member votes" in html  # the histogram says what it shows
    assert "Open selection needs at least 66.7%" in html
    assert NAME not in re.sub(r"<[^>]*>", "", html)  # readers see no identifier (a select's value aside)


def test_a_declared_ballots_results_page_shows_the_fourth_rule_sets_outcome_in_words(client, ballot):
    response = client.get(reverse("ballots:results", args=[ballot.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "banner-open" in html
    assert "Open share of the member votes: <strong>75.000%</strong>" in html
    assert "open selection needs at least 66.667%" in html
    assert f"<dd>{TITLE}:" in html
    assert "These rules do not count the affiliates' votes" in html
    assert "What would change it:" in html  # the smallest flip works under it too
    assert NAME not in html  # the identifier is for the JSON and the CSV only


def test_its_json_carries_the_identifier_the_title_and_only_the_members_section(client, ballot):
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    assert data["rules"] == NAME
    assert data["rules_title"] == TITLE
    assert data["outcome"] == counting.OUTCOME_OPEN_SELECTION
    assert data["open_share"] == 75
    assert [s["name"] for s in data["sections"]] == [counting.MEMBERS]
    assert data["affiliates"][0]["weight"] is None  # listed, but not counted
    applied = [row for row in data["other_rules"] if row["applied"]]
    assert [row["rules"] for row in applied] == [NAME]


def test_its_csv_has_the_outcome_row_with_the_identifier(client, ballot):
    response = client.get(reverse("ballots:results_csv", args=[ballot.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    outcome = next(row for row in rows if row[0] == "outcome")
    assert outcome[1:3] == [counting.OUTCOME_OPEN_SELECTION, NAME]
    assert outcome[9] == "75.000"
    total = next(row for row in rows if row[0] == "members_total")
    assert total[9] == "100.000"


def test_its_chart_draws_one_bar_of_the_member_votes_with_the_two_thirds_line(ballot):
    result = ballot_result(ballot, public=True).result
    root = ET.fromstring(str(charts.result_chart_svg(result)))
    bars = [el for el in root.iter(SVG + "g") if el.get("class") == "chart-bar"]
    assert len(bars) == 1
    inner = charts.WIDTH - 2 * charts.MARGIN
    line = next(el for el in root.iter(SVG + "line") if el.get("class") == "chart-threshold")
    assert abs(float(line.get("x1")) - (charts.MARGIN + inner * 2 / 3)) < 0.01
    segments = [
        el.get("class").split()[1] for el in root.iter(SVG + "rect") if "chart-segment" in (el.get("class") or "")
    ]
    assert segments == ["chart-members-reselect", "chart-members-open"]
    text = charts.result_chart_text(result)
    assert text.startswith("Of the member votes, members gave 25.000% to reselection and 75.000%")
    assert "needs at least 66.667%" in text


def test_an_officer_loads_the_ballot_into_the_what_if_and_the_forecast(officer_client, ballot):
    whatif = officer_client.get(reverse("ballots:simulator"), {"ballot": ballot.pk})
    assert whatif.status_code == 200
    assert whatif.context["result"].rules == NAME
    assert whatif.context["result"].open_selection
    forecast = officer_client.get(reverse("ballots:simulator_forecast"), {"ballot": ballot.pk})
    assert forecast.status_code == 200
    assert forecast.context["settings_form"].initial["rules"] == NAME
