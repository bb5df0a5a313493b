"""Members voting in a real browser: on a 360-pixel phone, by keyboard alone, by personal link,
with and without JavaScript; axe-core clean and within the Content-Security-Policy on every
page, and never a session cookie."""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.ballots.voting.voting_pages import choices_recorded
from tests.e2e.conftest import assert_no_serious_axe_violations
from tests.factories import ConstituencyFactory, open_ballot_with_voters

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ALREADY = "This membership number has already voted in this ballot."


@pytest.fixture
def ballot_and_voters(db):
    constituency = ConstituencyFactory(name="Canterbury", sitting_mp="Alex Morgan")
    return open_ballot_with_voters(constituency, voters=2, sitting_mp="Alex Morgan")


def assert_no_session_cookie(page):
    assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}


def assert_fits_the_screen(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"


def test_a_member_votes_on_a_phone_sees_a_receipt_and_cannot_vote_again(phone_page, live_server, ballot_and_voters):
    page = phone_page
    ballot, [voter, _] = ballot_and_voters

    page.goto(live_server.url + "/vote/")
    assert_no_serious_axe_violations(page)
    assert_fits_the_screen(page)
    page.get_by_label("Membership number").fill(voter.membership_number)
    page.get_by_label("Voting code").fill(voter.code.lower())
    page.get_by_role("button", name="Continue").tap()

    expect(page.get_by_role("heading", name="Your ballot paper")).to_be_visible()
    group = page.get_by_role("group", name=re.compile("Do you want Alex Morgan to be automatically reselected"))
    expect(group).to_be_visible()
    assert_no_serious_axe_violations(page)
    assert_fits_the_screen(page)
    page.get_by_label("Reselect Alex Morgan automatically").tap()
    page.get_by_role("button", name="Continue").tap()

    page.wait_for_url("**/vote/confirm/")
    expect(page.get_by_text("Your vote: Reselect Alex Morgan automatically")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Go back and change").tap()
    expect(page.get_by_label("Reselect Alex Morgan automatically")).to_be_checked()
    page.get_by_label("Hold an open selection").tap()
    page.get_by_role("button", name="Continue").tap()
    expect(page.get_by_text("Your vote: Hold an open selection")).to_be_visible()
    page.get_by_role("button", name="Cast my vote").tap()

    expect(page.get_by_role("heading", name="Your vote has been cast")).to_be_visible()
    receipt = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", receipt)
    assert_no_serious_axe_violations(page)
    assert_fits_the_screen(page)
    page.get_by_role("link", name="Check a receipt code").tap()
    expect(page.get_by_label("Ballot")).to_have_value(str(ballot.pk))

    page.goto(live_server.url + "/vote/")
    page.get_by_label("Membership number").fill(voter.membership_number)
    page.get_by_label("Voting code").fill(voter.code)
    page.get_by_role("button", name="Continue").tap()
    alert = page.get_by_role("alert")
    assert ALREADY in alert.inner_text()
    assert_no_serious_axe_violations(page)

    page.goto(live_server.url + "/vote/receipt/")
    page.get_by_label("Receipt code").fill(receipt)
    page.get_by_role("button", name="Check").tap()
    expect(page.get_by_role("heading", name="Counted")).to_be_visible()
    assert_no_serious_axe_violations(page)
    assert choices_recorded(ballot.pk) == ["open"]
    assert_no_session_cookie(page)


def test_a_wrong_code_is_announced_and_focused_for_screen_readers(page, live_server, ballot_and_voters):
    ballot, [voter, _] = ballot_and_voters
    page.goto(live_server.url + "/vote/")
    page.get_by_label("Membership number").fill(voter.membership_number)
    page.get_by_label("Voting code").fill("AAAA-BBBB-CCCC-DDDD")
    page.get_by_role("button", name="Continue").click()

    alert = page.get_by_role("alert")
    assert "We could not match that membership number and voting code." in alert.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert_no_serious_axe_violations(page)


def test_a_member_votes_with_the_keyboard_alone(page, live_server, ballot_and_voters):
    ballot, [voter, _] = ballot_and_voters
    page.goto(live_server.url + "/vote/")

    page.get_by_label("Membership number").focus()
    page.keyboard.type(voter.membership_number)
    page.keyboard.press("Tab")
    page.keyboard.type(voter.code)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Continue"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your ballot paper")).to_be_visible()
    page.keyboard.press("Tab")  # skip link
    for _ in range(12):
        if page.evaluate("document.activeElement.name") == "choice":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "keep"
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys
    page.keyboard.press("Space")
    assert page.get_by_label("Hold an open selection").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    page.wait_for_url("**/vote/confirm/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Cast my vote":
            break
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your vote has been cast")).to_be_visible()
    assert choices_recorded(ballot.pk) == ["open"]


def test_the_personal_link_ends_at_a_clean_address(page, live_server, ballot_and_voters):
    ballot, [voter, _] = ballot_and_voters
    query = urlencode({"ballot": ballot.pk, "member": voter.membership_number, "code": voter.code})

    page.goto(f"{live_server.url}/vote/link/?{query}")

    assert page.url == live_server.url + "/vote/ballot/"
    assert voter.code not in page.content()
    page.get_by_label(re.compile("Reselect Alex Morgan")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", name="Your vote has been cast")).to_be_visible()
    assert voter.code not in page.content()
    assert choices_recorded(ballot.pk) == ["reselect"]
    assert_no_session_cookie(page)


def test_a_member_votes_with_javascript_switched_off(browser, live_server, ballot_and_voters):
    ballot, [voter, _] = ballot_and_voters
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/vote/")
        page.get_by_label("Membership number").fill(voter.membership_number)
        page.get_by_label("Voting code").fill(voter.code)
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Hold an open selection").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Go back and change").click()
        expect(page.get_by_label("Hold an open selection")).to_be_checked()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Cast my vote").click()
        expect(page.get_by_role("heading", name="Your vote has been cast")).to_be_visible()
        assert choices_recorded(ballot.pk) == ["open"]
        assert_no_session_cookie(page)
    finally:
        context.close()


def test_a_personal_link_without_javascript_still_votes(browser, live_server, ballot_and_voters):
    ballot, [_, voter] = ballot_and_voters
    query = urlencode({"ballot": ballot.pk, "member": voter.membership_number, "code": voter.code})
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/vote/link/?{query}")
        page.get_by_label("Hold an open selection").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Cast my vote").click()
        expect(page.get_by_role("heading", name="Your vote has been cast")).to_be_visible()
        assert choices_recorded(ballot.pk) == ["open"]
    finally:
        context.close()
