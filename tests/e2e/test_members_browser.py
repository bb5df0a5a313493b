"""An officer in a real browser: logs in with the form, opens the member list from the overview,
filters it by ward, imports a file with mistakes and reads the report; axe-core finds no serious
or critical problem on any page visited."""

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_no_serious_axe_violations, log_in
from tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).parent.parent / "members" / "data"


@pytest.fixture
def members(wards):
    barton, northgate, westgate = wards
    MemberFactory(membership_number="L0001", first_name="Ann", last_name="Archer", ward=barton)
    MemberFactory(membership_number="L0002", first_name="Bob", last_name="Baker", ward=northgate)
    MemberFactory(membership_number="L0003", first_name="Cat", last_name="Cole", ward=westgate)
    MemberFactory(membership_number="L0004", first_name="Dan", last_name="Dyer", ward=northgate)


def test_officer_filters_the_member_list_by_ward(page, live_server, officer, officer_password, members):
    page.goto(live_server.url + "/accounts/login/")
    assert_no_serious_axe_violations(page)
    log_in(page, live_server, officer.username, officer_password)

    page.get_by_role("link", name="Constituencies").click()
    page.get_by_role("link", name="Canterbury", exact=True).click()
    assert page.get_by_role("heading", name="Canterbury", level=1).is_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Members (4)").click()
    assert page.get_by_role("heading", name="Members of Canterbury").is_visible()
    rows = page.locator("table tbody tr")
    assert rows.count() == 4
    assert_no_serious_axe_violations(page)

    page.get_by_label("Ward").select_option(label="Northgate")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"[?&]ward=\d+"))
    assert rows.count() == 2
    assert sorted(rows.locator("td:nth-child(1)").all_inner_texts()) == ["L0002", "L0004"]
    assert set(rows.locator("td:nth-child(3)").all_inner_texts()) == {"Northgate"}
    assert_no_serious_axe_violations(page)


def test_officer_imports_a_file_with_mistakes_and_reads_every_problem(
    page, live_server, officer, officer_password, wards
):
    log_in(page, live_server, officer.username, officer_password)
    import_url = f"{live_server.url}/constituencies/{wards[0].constituency_id}/import/"
    page.goto(import_url)
    assert_no_serious_axe_violations(page)
    page.get_by_label("CSV file").set_input_files(str(DATA / "members_every_error.csv"))
    page.get_by_role("button", name="Upload and preview").click()
    assert page.get_by_role("alert").filter(has_text="This file cannot be imported yet").is_visible()
    assert page.get_by_role("link", name="Download every problem as a spreadsheet (CSV)").is_visible()
    assert_no_serious_axe_violations(page)

    page.goto(import_url)
    page.get_by_label("CSV file").set_input_files(str(DATA / "members_new_wards.csv"))
    page.get_by_label("Create missing wards").check()
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Confirm and import").click()
    assert page.get_by_role("status").filter(has_text="Imported 4 members: 4 created").is_visible()
    assert_no_serious_axe_violations(page)
