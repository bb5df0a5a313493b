"""The simulator in a real browser: an officer builds a what-if from the draft demo ballot
(recounting with the button, and as they type with JavaScript), then runs a forecast from
the same ballot's roll; both pages are axe-core clean and respect the CSP.
"""

import pytest
from playwright.sync_api import expect

from ballots.models import TriggerBallot
from tests.e2e.conftest import assert_no_serious_axe_violations, log_in
from tests.factories import AffiliateFactory, MemberFactory, TriggerBallotFactory

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
    assert "no valid votes" in page.locator("#outcome").inner_text()

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
    page.get_by_label("Forecast from a draft ballot's roll").select_option(str(draft_demo_ballot.pk))
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
