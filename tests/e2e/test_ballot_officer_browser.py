"""An officer runs a ballot in a real browser: creates it through the form, checks the roll, opens it,
downloads the voting codes, records an affiliate's decision, closes and declares it. Every page is
checked with axe-core (no serious or critical violation) and within the Content-Security-Policy."""

import csv
import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ballots.codes import voting_code_matches
from ballots.models import AffiliateVote, RollEntry, TriggerBallot
from tests.e2e.conftest import assert_no_serious_axe_violations, key_taken_and_entered_back, log_in, votes_counted_with
from tests.factories import (
    OFFICER_PASSWORD,
    AffiliateFactory,
    ConstituencyFactory,
    MemberFactory,
    OfficerFactory,
    WardFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def canterbury(db):
    constituency = ConstituencyFactory(name="Canterbury", sitting_mp="Alex Morgan")
    for name in ("Barton", "Northgate", "Westgate"):
        ward = WardFactory(constituency=constituency, name=name)
        MemberFactory.create_batch(3, ward=ward)
    MemberFactory(ward=ward, joined_on=timezone.localdate(), last_name="Newcomer")
    AffiliateFactory(constituency=constituency, name="Unite Canterbury branch", delegate_name="Pat Jones")
    AffiliateFactory(constituency=constituency, name="Fabian Society")
    OfficerFactory(username="secretary", constituencies=[constituency])
    return constituency


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_officer_creates_opens_issues_codes_records_an_affiliate_closes_and_declares(page, live_server, canterbury):
    log_in(page, live_server, "secretary", OFFICER_PASSWORD)

    page.goto(f"{live_server.url}/constituencies/{canterbury.pk}/")
    page.get_by_role("link", name="Ballots").click()
    expect(page.get_by_role("heading", name="Trigger ballots in Canterbury")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="New ballot").click()
    expect(page.get_by_label("Sitting MP", exact=True)).to_have_value("Alex Morgan")
    assert_no_serious_axe_violations(page)
    # First a mistake: closing before opening.
    now = timezone.now()
    page.get_by_label("Freeze date", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_label("Voting opens (UK time)").fill(local_input(now - dt.timedelta(hours=1)))
    page.get_by_label("Voting closes (UK time)").fill(local_input(now - dt.timedelta(hours=2)))
    page.get_by_role("button", name="Save the draft ballot").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Voting closes (UK time)").fill(local_input(now + dt.timedelta(days=2)))
    page.get_by_role("button", name="Save the draft ballot").click()

    expect(page.get_by_role("heading", name="Trigger ballot for Alex Morgan")).to_be_visible()
    expect(page.get_by_text("Draft ballot created")).to_be_visible()
    expect(page.get_by_text(re.compile(r"(GMT|BST) \(UK time\)")).first).to_be_visible()
    assert_no_serious_axe_violations(page)
    ballot = TriggerBallot.objects.get()

    page.get_by_role("link", name="who would be on the roll", exact=True).click()
    expect(page.get_by_role("heading", name="Who would be on the roll")).to_be_visible()
    expect(page.get_by_role("cell", name="Newcomer, ", exact=False)).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.go_back()

    page.get_by_role("link", name="Open the ballot…").click()
    key = key_taken_and_entered_back(page)
    expect(page.get_by_text("its votes sealed to key")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Voting codes").first.click()
    expect(page.get_by_role("heading", name="Voting codes", exact=True)).to_be_visible()
    assert_no_serious_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download new codes (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == RollEntry.objects.filter(ballot=ballot).count() == 9
    entry = RollEntry.objects.get(ballot=ballot, membership_number=rows[0]["membership_number"])
    assert voting_code_matches(ballot_id=ballot.pk, code=rows[0]["voting_code"], code_hash=entry.code_hash)
    assert f"/vote/link/?ballot={ballot.pk}&member=" in rows[0]["voting_link"]
    page.reload()
    expect(page.get_by_text(rows[0]["voting_code"])).to_have_count(0)

    # One member lost their code: find them, re-issue it, read the new one once.
    page.get_by_label("Membership number").fill(rows[1]["membership_number"])
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("not yet", exact=True)).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Re-issue and show the new code once").click()
    expect(page.get_by_text("This code is shown once.", exact=False)).to_be_visible()
    new_code = page.locator(".code").inner_text()
    assert new_code != rows[1]["voting_code"]
    assert_no_serious_axe_violations(page)

    page.goto(f"{live_server.url}/ballots/{ballot.pk}/manage/")
    page.get_by_role("link", name="Affiliates' votes").first.click()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Record the decision of Unite Canterbury branch").click()
    expect(page.get_by_label("Delegate who gave the decision")).to_have_value("Pat Jones")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Hold an open selection").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Unite Canterbury branch: decision recorded.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Unite Canterbury branch Hold an open selection Pat Jones"))
    expect(row).to_be_visible()
    assert AffiliateVote.objects.get().choice == "open"

    page.goto(f"{live_server.url}/ballots/{ballot.pk}/manage/")
    expect(page.get_by_role("table", name="Members' turnout by ward")).to_be_visible()
    expect(page.get_by_text("1 of 2 eligible affiliates' decisions recorded", exact=False)).to_be_visible()
    page.get_by_role("link", name="Close the ballot now…").click()
    page.get_by_role("button", name="Close the ballot now").click()
    expect(page.get_by_text("The ballot is closed.")).to_be_visible()
    assert_no_serious_axe_violations(page)
    votes_counted_with(page, key)
    expect(page.get_by_text("0 votes counted")).to_be_visible()
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/manage/")
    page.get_by_role("link", name="Declare the result…").click()
    page.get_by_role("button", name="Declare the result").click()
    expect(page.get_by_text("The result is declared and published.")).to_be_visible()
    assert_no_serious_axe_violations(page)
    ballot.refresh_from_db()
    assert ballot.status == TriggerBallot.Status.DECLARED

    page.get_by_role("link", name="Audit log").click()
    # Each entry in plain words, as a sentence of what happened.
    sentences = (
        "Declared the result: it is now public.",
        "Counted the sealed votes with the ballot's key: 0 votes.",
        "Closed the ballot by hand: 0 members of",
        "Recorded the vote of",
        "Made voting codes for",
        "Opened the ballot. The roll froze with",
    )
    for sentence in sentences:
        expect(page.get_by_role("cell").filter(has_text=sentence).first).to_be_visible()
    assert_no_serious_axe_violations(page)
