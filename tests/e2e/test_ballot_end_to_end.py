"""The whole ballot in real browsers: an officer opens a ballot, saving its key and entering it back, and
downloads the codes; a member votes on a phone with the personal link from the CSV; a second submission
is refused; the officer sees the turnout (and no tally), records an affiliate, closes, counts the sealed
votes with the key and declares; the public result shows the vote."""

import csv

import pytest
from playwright.sync_api import expect

from ballots.models import SealedVote, TriggerBallot
from tests.e2e.conftest import assert_no_serious_axe_violations, log_in
from tests.factories import (
    OFFICER_PASSWORD,
    AffiliateFactory,
    ConstituencyFactory,
    MemberFactory,
    OfficerFactory,
    TriggerBallotFactory,
    WardFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(db):
    constituency = ConstituencyFactory(name="Canterbury", sitting_mp="Alex Morgan")
    for name in ("Barton", "Westgate"):
        MemberFactory.create_batch(2, ward=WardFactory(constituency=constituency, name=name))
    AffiliateFactory(constituency=constituency, name="GMB Kent", delegate_name="Sam Lee")
    OfficerFactory(username="secretary", constituencies=[constituency])
    return TriggerBallotFactory(constituency=constituency, sitting_mp="Alex Morgan")


def test_a_ballot_from_opening_to_a_declared_result(page, phone_page, live_server, settings, draft):
    settings.SITE_URL = live_server.url
    manage = f"{live_server.url}/ballots/{draft.pk}/manage/"
    log_in(page, live_server, "secretary", OFFICER_PASSWORD)
    page.goto(manage)
    page.get_by_role("link", name="Open the ballot…").click()
    expect(page.get_by_label("One key, kept by me")).to_be_checked()
    page.get_by_role("button", name="Open the ballot: show me its key").click()

    # The key's page: the key shown once, saved as a file, then entered back to open the ballot.
    expect(page.get_by_text("nobody can ever count the votes")).to_be_visible()
    key = page.locator("[data-key-text]").inner_text().strip()
    with page.expect_download() as key_download:
        page.get_by_role("link", name="Save the key as a text file").click()
    assert key_download.value.suggested_filename == f"ballot-{draft.pk}-key.txt"
    with open(key_download.value.path(), encoding="utf-8") as handle:
        assert key in handle.read()
    assert TriggerBallot.objects.get().status == "draft"
    assert_no_serious_axe_violations(page)
    page.get_by_label("The ballot's key, or two of its shares").fill(key)
    page.get_by_label("I have kept the key safe").check()
    page.get_by_role("button", name="Open the ballot", exact=True).click()
    expect(page.get_by_text("its votes sealed to key")).to_be_visible()
    assert TriggerBallot.objects.get().status == "open"
    page.get_by_role("link", name="Voting codes").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download new codes (CSV)").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as handle:
        voter = next(csv.DictReader(handle))

    phone_page.goto(voter["voting_link"])
    phone_page.wait_for_url("**/vote/ballot/")
    assert voter["voting_code"].replace("-", "") not in phone_page.url
    assert_no_serious_axe_violations(phone_page)
    phone_page.get_by_label("Hold an open selection").tap()
    phone_page.get_by_role("button", name="Continue").tap()
    phone_page.wait_for_url("**/vote/confirm/")
    phone_page.get_by_role("button", name="Cast my vote").tap()
    # The receipt is the answer to the POST itself (no redirect: nothing about the vote is kept).
    expect(phone_page.get_by_role("heading", name="Your vote has been cast")).to_be_visible()
    assert_no_serious_axe_violations(phone_page)

    phone_page.goto(voter["voting_link"])  # the same link, a second time
    expect(phone_page.get_by_text("has already voted in this ballot")).to_be_visible()
    assert SealedVote.objects.count() == 1

    page.goto(manage)
    expect(page.get_by_role("row", name="All wards 1 4 25.0%")).to_be_visible()
    expect(page.get_by_text("Hold an open selection")).to_have_count(0)
    page.goto(f"{manage}affiliates/")
    page.get_by_role("link", name="Record the decision of GMB Kent").click()
    page.get_by_label("Reselect the sitting MP").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("GMB Kent: decision recorded.")).to_be_visible()

    page.goto(manage)
    page.get_by_role("link", name="Close the ballot now…").click()
    page.get_by_role("button", name="Close the ballot now").click()
    expect(page.get_by_text("Votes are sealed until counted with the ballot's key")).to_be_visible()
    page.get_by_role("link", name="Count the votes").click()
    assert_no_serious_axe_violations(page)
    page.get_by_label("The ballot's key, or two of its shares").fill(key)
    page.get_by_role("button", name="Count the votes").click()
    expect(page.get_by_text("1 vote counted")).to_be_visible()
    page.goto(manage)
    page.get_by_role("link", name="Declare the result…").click()
    page.get_by_role("button", name="Declare the result").click()
    expect(page.get_by_text("The result is declared and published.")).to_be_visible()
    assert TriggerBallot.objects.get().status == "declared"

    phone_page.goto(f"{live_server.url}/ballots/{draft.pk}/results")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    expect(phone_page.get_by_text("GMB Kent").first).to_be_visible()
    assert_no_serious_axe_violations(phone_page)
