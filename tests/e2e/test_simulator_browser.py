"""The simulator in a real browser: an officer builds a what-if from the draft demo ballot
(recounting with the button, and as they type with JavaScript), then runs a forecast from
the same ballot's roll; a reader edits a declared result's what-if and reads the difference;
an officer forecasts a draft from its page and reads the headline and the assumptions. Every
page is axe-core clean and respects the CSP.
"""

import pytest
from playwright.sync_api import expect

from ballots.models import TriggerBallot
from tests.e2e.conftest import assert_no_serious_axe_violations, log_in
from tests.factories import (
    AffiliateFactory,
    ConstituencyFactory,
    MemberFactory,
    TriggerBallotFactory,
    make_ballot_with_votes,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft_demo_ballot(constituency, wards):
    for ward, n in zip(wards, (4, 3, 2), strict=True):
        for _ in range(n):
            MemberFactory(ward=ward)
    AffiliateFactory(constituency=constituency, name="Unite Canterbury")
    AffiliateFactory(constituency=constituency, name="Fabian Society")
    return TriggerBallotFactory(constituency=constituency, status=TriggerBallot.Status.DRAFT)


def test_an_officer_builds_a_what_if_from_the_draft_ballot_and_runs_a_forecast(
    page, live_server, officer, officer_password, draft_demo_ballot
):
    log_in(page, live_server, officer.username, officer_password)
    page.goto(live_server.url + "/simulator/")
    assert_no_serious_axe_violations(page)

    page.get_by_label("A ballot of your constituency").select_option(str(draft_demo_ballot.pk))
    page.get_by_role("button", name="Load ballot").click()
    assert page.get_by_label("Ward branch, row 1").input_value() == "Barton"
    assert "No valid votes" in page.locator("#outcome").inner_text()

    # Barton votes for open, Northgate for reselection; the affiliates split.
    page.get_by_label("Open votes, branch row 1").fill("7")
    page.get_by_label("Reselect votes, branch row 1").fill("2")
    page.get_by_label("Reselect votes, branch row 2").fill("5")
    page.get_by_label("Open votes, branch row 2").fill("1")
    page.get_by_label("Vote, affiliate row 1").select_option("open")
    page.get_by_label("Vote, affiliate row 2").select_option("reselect")
    page.get_by_role("button", name="Recount").first.click()
    outcome = page.locator("#outcome")
    assert "The MP is reselected under Labour rules of 2021: members and affiliates 50/50" in outcome.inner_text()
    assert "The smallest change:" in outcome.inner_text()
    assert page.get_by_role("heading", name="Every rule set and tie option").is_visible()
    assert_no_serious_axe_violations(page)

    # With JavaScript the outcome follows the counts without pressing Recount.
    page.get_by_label("Open votes, branch row 2").fill("9")
    expect(page.locator("#outcome-heading")).to_contain_text("Open selection")

    # Add rows without losing what was typed.
    page.get_by_role("button", name="Add branch rows").click()
    assert page.get_by_label("Open votes, branch row 2").input_value() == "9"
    assert page.get_by_label("Ward branch, row 4").input_value() == ""

    page.goto(live_server.url + "/simulator/forecast/")
    page.get_by_label("Forecast from a ballot's roll (draft or open)").select_option(str(draft_demo_ballot.pk))
    page.get_by_role("button", name="Load ballot").click()
    assert page.get_by_label("Eligible members, branch row 1").input_value() == "4"
    page.get_by_label("Trials").fill("5000")
    page.get_by_label("Seed (optional)").fill("2026")
    page.get_by_role("button", name="Run the forecast").first.click()
    assert page.get_by_role("heading", name="Chance of an open selection").is_visible()
    assert page.get_by_role("img", name="Histogram of the open share of the college").is_visible()
    assert "seed 2026" in page.locator("#forecast-results").inner_text()
    assert_no_serious_axe_violations(page)


def test_the_simulator_works_on_a_phone_without_sideways_scrolling(phone_page, live_server, db):
    for path in ("/simulator/", "/simulator/forecast/"):
        phone_page.goto(live_server.url + path)
        # Wide tables scroll inside their own box; the page itself stays phone-wide.
        assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 360
    phone_page.get_by_role("button", name="Run the forecast").first.click()
    assert phone_page.get_by_role("heading", name="Chance of an open selection").is_visible()
    assert_no_serious_axe_violations(phone_page)
    phone_page.goto(live_server.url + "/simulator/")
    phone_page.get_by_role("button", name="Recount").first.click()
    assert phone_page.locator("#outcome").is_visible()
    assert_no_serious_axe_violations(phone_page)


DECLARED_WARDS = (
    ("Barton", 30, 20, 60),
    ("Northgate", 10, 25, 40),
    ("Westgate", 12, 12, 30),
)
DECLARED_AFFILIATES = (
    ("Unite Kent", "trade_union", "reselect", 120),
    ("GMB Kent", "trade_union", "open", 80),
    ("Fabian Society", "socialist_society", "open", 15),
)


def _branch_row(page, name: str) -> int:
    """The what-if's row number (1-based) of the ward branch with this name."""
    row = 1
    while True:
        field = page.get_by_label(f"Ward branch, row {row}", exact=True)
        if field.input_value() == name:
            return row
        row += 1


def test_a_reader_edits_a_declared_result_in_the_what_if_and_an_officer_forecasts_a_draft(
    page, live_server, officer, officer_password, draft_demo_ballot
):
    # Folkestone's declared result: Barton reselects, Northgate opens, Westgate is tied (not
    # counted); two of the three affiliates voted open. 1/3 + 1/3 of the college is open: 66.7%.
    declared = make_ballot_with_votes(
        constituency=ConstituencyFactory(name="Folkestone and Hythe", sitting_mp="Tony Vaughan"),
        wards=DECLARED_WARDS,
        affiliates=DECLARED_AFFILIATES,
    )
    page.goto(f"{live_server.url}/ballots/{declared.pk}/results")
    page.get_by_role("link", name="What if? Change this ballot's votes and recount").click()
    assert "as its public results show it" in page.locator("main").inner_text()
    row = _branch_row(page, "Northgate")
    page.get_by_label(f"Open votes, branch row {row}", exact=True).fill("5")
    page.get_by_role("button", name="Recount").first.click()
    # Northgate now reselects: the members' half is 1/6 open, and 1/6 + 1/3 is exactly 50%,
    # which is not more than half: the MP is reselected.
    outcome = page.locator("#outcome")
    expect(outcome.get_by_role("heading")).to_contain_text("The MP is reselected")
    expect(page.locator("#difference")).to_have_text(
        "Against the real result: With 20 fewer open votes in Northgate the MP would have been reselected."
    )
    expect(page.locator("#flip")).to_contain_text("The smallest change:")
    assert "real: 25" in page.locator(".sim-edited").inner_text()
    expect(page.locator(".sim-reset")).to_contain_text("1 figure differs from the real result")
    assert "labour-2021" not in page.locator("main").inner_text()  # rule sets in words
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Reset to the real figures").click()
    assert page.get_by_label(f"Open votes, branch row {row}", exact=True).input_value() == "25"

    log_in(page, live_server, officer.username, officer_password)
    page.goto(f"{live_server.url}/ballots/{draft_demo_ballot.pk}/manage/")
    page.get_by_role("link", name="Forecast this ballot from its roll").click()
    page.get_by_label("Seed (optional)").fill("19")
    page.get_by_role("button", name="Run the forecast").first.click()
    headline = page.locator("#forecast-headline").inner_text()
    assert "the seat went to open selection in" in headline and "of the trials" in headline
    error = page.locator("#simulation-error").inner_text()
    assert error.startswith("Simulation error:") and "not the uncertainty of the real ballot" in error
    assumptions = page.locator("#assumptions").inner_text()
    assert "9 in 3 ward branches" in assumptions
    assert f"counted from the roll of ballot {draft_demo_ballot.pk} (Canterbury)" in assumptions
    assert "40% in every branch, give or take 10 points" in assumptions
    assert "the simulator's starting guess" in assumptions
    assert "A third each for reselect, open and abstain" in assumptions
    histogram = page.get_by_role("img", name="Histogram of the open share of the college")
    expect(histogram).to_be_visible()
    assert "exactly the threshold is on the reselect side" in page.locator("figcaption").first.inner_text()
    expect(page.get_by_role("img", name="What matters most: how often each was pivotal")).to_be_visible()

    # An edited turnout is then the officer's own, and the page says so.
    page.get_by_label("Turnout %, branch row 1").fill("25")
    page.get_by_role("button", name="Run the forecast").first.click()
    turnout = page.locator("#assumptions div", has_text="Turnout").inner_text()
    assert "25% to 40% from branch to branch" in turnout and "entered on this page" in turnout
    assert_no_serious_axe_violations(page)
