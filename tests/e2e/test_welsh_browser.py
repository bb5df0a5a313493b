"""A bilingual ballot in a real browser, in Welsh, on a 360-pixel phone: the member switches to
Welsh, votes end to end (switching to English and back on the ballot paper without losing their
place), gets a Welsh receipt; a reader opens a declared bilingual result in Welsh. The lang
attribute is right on every page and the switch, and axe-core finds nothing serious."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.ballots.voting.voting_pages import choices_recorded
from tests.e2e.conftest import assert_no_serious_axe_violations
from tests.factories import ConstituencyFactory, make_ballot_with_votes, open_ballot_with_voters

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SITTING_MP = "Alex Morgan"


def welsh(msgid: str, **values) -> str:
    with translation.override("cy"):
        text = translation.gettext(msgid)
    return text % values if values else text


def assert_fits_the_screen(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"


def assert_in_welsh(page):
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert_fits_the_screen(page)
    assert_no_serious_axe_violations(page)


def test_a_member_votes_in_welsh_on_a_phone_and_a_reader_reads_the_result_in_welsh(phone_page, live_server):
    page = phone_page
    constituency = ConstituencyFactory(name="Aberconwy", sitting_mp=SITTING_MP)
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1, sitting_mp=SITTING_MP, bilingual=True)

    page.goto(live_server.url + "/vote/")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    switch = page.get_by_role("link", name="Cymraeg")
    expect(switch).to_have_attribute("lang", "cy")
    switch.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(welsh("Vote in a trigger ballot"))
    assert_in_welsh(page)

    page.get_by_label(welsh("Membership number")).fill(voter.membership_number)
    page.get_by_label(welsh("Voting code")).fill(voter.code)
    page.get_by_role("button", name=welsh("Continue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(welsh("Your ballot paper"))
    page.get_by_label(welsh("Hold an open selection")).check()
    assert_in_welsh(page)

    # To English and back, on the ballot paper: the same step, the ticked choice kept.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot paper")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(welsh("Your ballot paper"))
    page.get_by_label(welsh("Hold an open selection")).check()
    page.get_by_role("button", name=welsh("Continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(welsh("Check your vote"))
    expect(page.locator(".ballot-confirm")).to_contain_text(welsh("Hold an open selection"))
    assert_in_welsh(page)
    page.get_by_role("button", name=welsh("Cast my vote")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(welsh("Your vote has been cast"))
    expect(page.locator("#receipt-code")).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    assert_in_welsh(page)
    assert choices_recorded(ballot.pk) == ["open"]

    # A declared bilingual result, read in Welsh.
    declared = make_ballot_with_votes(
        constituency=ConstituencyFactory(name="Arfon", sitting_mp="Bea Jones"),
        wards=(("Bangor", 30, 20, 60), ("Caernarfon", 10, 25, 40), ("Llanberis", 12, 12, 30)),
        affiliates=(("Unite Cymru", "trade_union", "reselect", 120), ("GMB Cymru", "trade_union", "open", 80)),
        bilingual=True,
    )
    # The member chose Welsh (the language cookie): a bilingual result opens in Welsh at once,
    # offering English; a reader who has never chosen uses the switch.
    page.goto(f"{live_server.url}/ballots/{declared.pk}/results")
    assert_in_welsh(page)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/ballots/{declared.pk}/results")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    page.get_by_role("link", name="Cymraeg").click()
    assert_in_welsh(page)
    main = page.locator("main").inner_text()
    assert "Bangor" in main and "Caernarfon" in main
    assert "Open selection" not in main and "is reselected" not in main
    # The count's explanation and the smallest flip, in Welsh with their exact figures.
    assert "Cyfrifwyd yn ôl" in main and "58.333%" in main
    assert "Byddai'r canlyniad wedi newid" in main
    assert welsh("Results") in page.locator("header").inner_text()
