"""An officer reaches every member in a real browser: emails the codes through the task queue
(the database backend's real worker, run in this process between steps, which works on SQLite
and PostgreSQL alike), watches the progress, sees the refused one, fixes its address, resends,
sends a reminder and downloads the letters. A real mail server (aiosmtpd) receives the email,
refusing one recipient; axe-core checks every page visited."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from ballots.codes import voting_code_matches
from ballots.models import CodeReminder, RollEntry
from members.models import Member
from tests.ballots.officer.delivery.conftest import database_tasks, smtp_server
from tests.ballots.officer.delivery.delivery_checks import run_db_worker
from tests.e2e.conftest import assert_no_serious_axe_violations, log_in
from tests.factories import OFFICER_PASSWORD, OfficerFactory, open_ballot_with_roll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

__all__ = ["database_tasks", "smtp_server"]

REFUSED = "nobody@refused.example"


@pytest.fixture
def ballot(constituency, wards):
    """An open ballot of six members: one has no email but a postal address, one an address the server refuses."""
    officer = OfficerFactory(username="secretary", constituencies=[constituency])
    opened = open_ballot_with_roll(constituency=constituency, wards=wards, per_ward=2, actor=officer)
    entries = list(RollEntry.objects.filter(ballot=opened).select_related("member").order_by("membership_number"))
    Member.objects.filter(pk=entries[0].member_id).update(
        email="",
        first_name="Ada",
        last_name="Lovelace",
        address="Flat 2\n14 Castle Street\nCanterbury",
        postcode="CT1 2QD",
    )
    Member.objects.filter(pk=entries[1].member_id).update(email=REFUSED, first_name="Refused", last_name="Member")
    opened.refused_member_id = entries[1].member_id
    return opened


def test_an_officer_emails_codes_fixes_a_refused_address_resends_reminds_and_downloads_letters(
    page, live_server, ballot, smtp_server, database_tasks
):
    smtp_server.refused.add(REFUSED)
    log_in(page, live_server, "secretary", OFFICER_PASSWORD)
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/manage/codes/")
    expect(page.get_by_role("heading", name="Voting codes", exact=True)).to_be_visible()
    assert_no_serious_axe_violations(page)

    # The press only queues: the page returns at once and shows the batch waiting.
    page.get_by_role("button", name="Email new codes").click()
    expect(page.get_by_text("5 emails queued.")).to_be_visible()
    expect(page.get_by_text("Emailing codes: 0 of 5 sent; 0 failed.")).to_be_visible()
    assert smtp_server.count() == 0
    assert_no_serious_axe_violations(page)

    run_db_worker()
    page.get_by_role("link", name="Refresh").click()
    expect(page.get_by_text("Emailing codes:")).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile(r"^Sent 4$"))).to_be_visible()
    attention = page.get_by_role("table", name="Emails that did not get through")
    expect(attention).to_contain_text(REFUSED)
    expect(attention).to_contain_text("550 5.1.1 No such mailbox here")
    assert_no_serious_axe_violations(page)

    # Fix the address, then resend to those that did not get through.
    attention.get_by_role("link", name="Fix the address").click()
    page.get_by_label("Email (optional)").fill("refused.member@example.org")
    page.get_by_role("button", name=re.compile("^Save")).click()
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/manage/codes/")
    page.get_by_role("button", name="Resend to these").click()
    expect(page.get_by_text("1 email queued.")).to_be_visible()
    run_db_worker()
    page.reload()
    expect(page.get_by_role("table", name="Emails that did not get through")).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile(r"^Sent 5$"))).to_be_visible()
    fixed = RollEntry.objects.get(ballot=ballot, member_id=ballot.refused_member_id)
    (code,) = smtp_server.codes_for("refused.member@example.org")
    assert voting_code_matches(ballot_id=ballot.pk, code=code, code_hash=fixed.code_hash)

    # A reminder, with a fresh code, to the five yet to vote with an email address.
    page.get_by_role("link", name="Reminders", exact=True).click()
    expect(page.get_by_role("heading", name="Reminders", exact=True)).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Send a reminder now").click()
    expect(page.get_by_text("The reminder is on its way")).to_be_visible()
    run_db_worker()
    page.reload()
    reminder = CodeReminder.objects.get()
    assert (reminder.state, reminder.sent, reminder.failed, reminder.no_email) == ("sent", 5, 0, 1)
    expect(page.get_by_role("row", name=re.compile(r"Sent 5 0 1"))).to_be_visible()
    assert sum("you have not voted yet" in body for _, body in smtp_server.messages) == 5
    assert_no_serious_axe_violations(page)

    # Another, three days before the close: scheduled, listed, and cancelled.
    page.get_by_role("button", name=re.compile("^3 days before the close")).click()
    expect(page.get_by_text("Reminder scheduled for")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name=re.compile("^Cancel the reminder of")).click()
    expect(page.get_by_text("The reminder is cancelled")).to_be_visible()
    assert list(CodeReminder.objects.values_list("state", flat=True).order_by("pk")) == ["sent", "cancelled"]

    # The member without an email address gets a letter, addressed for a window envelope.
    page.get_by_role("link", name=re.compile("make letters for the 1 yet to vote")).click()
    expect(page.get_by_label("Every member yet to vote without an email address")).to_be_checked()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Make the letters").click()
    expect(page.get_by_text("A pack of 1 letter is being made.")).to_be_visible()
    run_db_worker()
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download once (PDF)").click()
    pdf = download.value.path().read_bytes()
    (text,) = [p.extract_text().replace("\n", " ") for p in PdfReader(io.BytesIO(pdf)).pages]
    assert "Ada Lovelace Flat 2 14 Castle Street Canterbury CT1 2QD" in text
    page.reload()
    expect(page.get_by_role("cell", name=re.compile("^Downloaded"))).to_be_visible()
    assert_no_serious_axe_violations(page)


def test_the_roll_preview_names_the_members_a_letter_cannot_reach(page, live_server, constituency, draft_ballot, wards):
    OfficerFactory(username="secretary", constituencies=[constituency])
    Member.objects.filter(pk=Member.objects.filter(ward=wards[0]).first().pk).update(email="", first_name="Siân")
    log_in(page, live_server, "secretary", OFFICER_PASSWORD)

    page.goto(f"{live_server.url}/ballots/{draft_ballot.pk}/manage/roll/")

    table = page.get_by_role("table", name="Members who need a letter")
    expect(table).to_contain_text("Cannot be reached: no postal address")
    expect(table).to_contain_text("Siân")
    assert_no_serious_axe_violations(page)
