"""The declared demo ballot's results in a real browser: banner, chart, tables, JSON; on a phone too;
axe-core finds no serious or critical problem."""

import io
import json
import re

import pytest

from tests.e2e.conftest import assert_no_serious_axe_violations
from tests.factories import ConstituencyFactory, make_ballot_with_votes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WARDS = (
    ("Barton", 30, 20, 60),
    ("Northgate", 10, 25, 40),
    ("Westgate", 12, 12, 30),
    ("Wincheap", 0, 0, 12),
    ("Eastry", 3, 4, 9),
)
AFFILIATES = (
    ("Unite Canterbury", "trade_union", "reselect", 120),
    ("GMB Kent", "trade_union", "open", 80),
    ("Fabian Society", "socialist_society", "open", 15),
    ("Co-operative Party", "cooperative", "abstain", 40),
)


@pytest.fixture
def declared_ballot(db):
    constituency = ConstituencyFactory(name="Canterbury", sitting_mp="Rosie Duffield")
    return make_ballot_with_votes(constituency=constituency, wards=WARDS, affiliates=AFFILIATES)


def test_anyone_reads_the_declared_result_its_chart_and_its_json(page, live_server, declared_ballot):
    page.goto(f"{live_server.url}/ballots/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Canterbury").click()
    banner = page.locator(".banner")
    assert "banner-open" in banner.get_attribute("class")
    assert banner.get_by_role("heading", name="Open selection").is_visible()
    assert "Open share of the college: 66.667%" in banner.inner_text()
    chart = page.get_by_role("img", name="Result chart: open selection")
    assert chart.is_visible()
    assert chart.bounding_box()["width"] > 300
    assert page.locator(".chart-segment").count() == 4
    assert "withheld" in page.locator("tr", has_text="Eastry").inner_text()
    assert page.get_by_role("heading", name="The same votes under other rules (for information)").is_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="JSON").click()
    data = json.loads(page.locator("body").inner_text())
    assert data["outcome"] == "open_selection"
    assert data["ballot"]["constituency"] == "Canterbury"
    assert next(b for b in data["branches"] if b["name"] == "Eastry")["reselect"] is None


def test_the_result_reads_on_a_phone(phone_page, live_server, declared_ballot):
    phone_page.goto(f"{live_server.url}/ballots/{declared_ballot.pk}/results")
    chart = phone_page.get_by_role("img", name="Result chart: open selection")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    # Nothing but the tables' own scrolling containers is wider than the screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_serious_axe_violations(phone_page)


def test_the_declared_demo_ballot_reads_in_the_browser(page, live_server, transactional_db):
    from django.core.management import call_command

    from ballots.models import TriggerBallot

    call_command("seed_demo", officer_password="demo password for the test", stdout=io.StringIO())
    ballot = TriggerBallot.objects.get(status="declared")
    page.goto(f"{live_server.url}/ballots/")
    page.get_by_role("link", name=ballot.constituency.name).click()
    banner = page.locator(".banner")
    assert banner.is_visible()
    assert "Open share of the college" in banner.inner_text()
    assert page.get_by_role("img", name=re.compile("^Result chart: ")).is_visible()
    # The demo's quiet wards are withheld on the public page.
    assert page.locator("tr.withheld").count() >= 1
    assert_no_serious_axe_violations(page)
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/results.json")
    data = json.loads(page.locator("body").inner_text())
    assert data["ballot"]["id"] == ballot.pk
    assert data["provisional"] is False
    assert any(b["withheld"] and b["reselect"] is None for b in data["branches"])
