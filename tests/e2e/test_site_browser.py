"""The site shell in a real browser: home and login pages, CSP respected, axe-core clean."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_serious_axe_violations, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_offers_voting_and_results_and_is_accessible(page, live_server):
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="Vote in a trigger ballot").is_visible()
    assert_no_serious_axe_violations(page)


def test_officer_logs_in_and_sees_their_constituency(page, live_server, officer, officer_password):
    page.goto(live_server.url + "/accounts/login/")
    assert_no_serious_axe_violations(page)
    log_in(page, live_server, officer.username, officer_password)
    # expect() waits for the page the form's post brings; is_visible() would read the old one.
    expect(page.get_by_role("heading", name="Your constituencies")).to_be_visible()
    assert page.get_by_role("link", name="Canterbury").is_visible()
    assert_no_serious_axe_violations(page)


def test_wrong_password_says_so_plainly(page, live_server, officer):
    log_in(page, live_server, officer.username, "not the password")
    # The refusal comes back at the same address, so wait for its alert, not for a new URL.
    expect(page.get_by_role("alert")).to_be_visible()
