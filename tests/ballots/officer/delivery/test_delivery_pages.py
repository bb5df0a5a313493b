"""The codes page's delivery section: counts per state, the progress line while a batch runs,
the emails that did not get through (with a CSV, a link to fix the address, and a resend)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import RollEntry
from ballots.officer import services
from members.models import AuditEvent

pytestmark = pytest.mark.django_db


def codes_page(client, ballot):
    return client.get(reverse("ballots:ballot_codes", args=[ballot.pk])).content.decode()


def mark(ballot, count, state, reason=""):
    entries = RollEntry.objects.filter(ballot=ballot, delivery_state="not_sent").order_by("pk")[:count]
    RollEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
        delivery_state=state, delivery_channel="email", delivery_failure=reason, delivery_changed_at=timezone.now()
    )


def test_while_a_batch_runs_the_page_shows_its_progress_with_a_refresh_link(officer_client, open_ballot):
    mark(open_ballot, 5, "sent")
    mark(open_ballot, 1, "failed", "550 5.1.1 No such mailbox")
    mark(open_ballot, 3, "queued")

    page = codes_page(officer_client, open_ballot)

    assert "Emailing codes: 5 of 9 sent; 1 failed." in page
    assert f'href="{reverse("ballots:ballot_codes", args=[open_ballot.pk])}">Refresh</a>' in page
    assert "js/refresh.js" in page
    assert "<td>Queued</td><td>3</td>" in page


def test_with_nothing_waiting_there_is_no_progress_line_and_no_script(officer_client, open_ballot):
    mark(open_ballot, 9, "sent")

    page = codes_page(officer_client, open_ballot)

    assert "Emailing codes:" not in page
    assert "js/refresh.js" not in page
    assert "<td>Sent</td><td>9</td>" in page


def test_the_emails_that_failed_are_listed_with_a_link_to_fix_the_address(officer_client, open_ballot):
    mark(open_ballot, 1, "failed", "550 5.1.1 No such mailbox")
    entry = RollEntry.objects.select_related("member").get(ballot=open_ballot, delivery_state="failed")

    page = codes_page(officer_client, open_ballot)

    assert f"{entry.member.first_name} {entry.member.last_name} ({entry.membership_number})" in page
    assert entry.member.email in page
    assert "550 5.1.1 No such mailbox" in page
    assert reverse("members:member_edit", args=[open_ballot.constituency_id, entry.member_id]) in page
    assert reverse("ballots:codes_resend_failed", args=[open_ballot.pk]) in page


def test_the_failures_csv_lists_each_member_whose_email_did_not_get_through(officer_client, open_ballot):
    mark(open_ballot, 2, "failed", "550 5.1.1 No such mailbox")
    mark(open_ballot, 1, "bounced", "=cmd|' /C calc'!A0")

    response = officer_client.get(reverse("ballots:codes_failed_csv", args=[open_ballot.pk]))

    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    assert {row["state"] for row in rows} == {"Failed", "Bounced"}
    assert not any(row["reason"].startswith("=") for row in rows)  # spreadsheet-safe


def test_resend_to_these_queues_the_failed_and_bounced_and_says_how_many(
    officer_client, open_ballot, django_capture_on_commit_callbacks
):
    mark(open_ballot, 2, "failed", "550 5.1.1 No such mailbox")
    mark(open_ballot, 1, "bounced")
    mark(open_ballot, 6, "sent")

    with django_capture_on_commit_callbacks() as enqueued:
        response = officer_client.post(reverse("ballots:codes_resend_failed", args=[open_ballot.pk]), follow=True)

    assert "3 emails queued." in response.content.decode()
    assert len(enqueued) == 1
    assert RollEntry.objects.filter(ballot=open_ballot, delivery_state="queued").count() == 3
    assert AuditEvent.objects.get(action="voting_codes_email_queued").detail["resend_failed"] is True


def test_the_delivery_pages_are_for_the_ballots_officers_only(client, open_ballot, other_officer):
    client.force_login(other_officer)

    assert client.get(reverse("ballots:codes_failed_csv", args=[open_ballot.pk])).status_code == 403
    assert client.post(reverse("ballots:codes_resend_failed", args=[open_ballot.pk])).status_code == 403
    assert not RollEntry.objects.filter(ballot=open_ballot, delivery_state="queued").exists()


def test_resending_is_refused_once_voting_has_closed(officer_client, open_ballot, officer):
    mark(open_ballot, 1, "failed")
    services.ballot_close(ballot=open_ballot, actor=officer)

    response = officer_client.post(reverse("ballots:codes_resend_failed", args=[open_ballot.pk]), follow=True)

    assert "no more codes can be issued" in response.content.decode()
    assert not RollEntry.objects.filter(ballot=open_ballot, delivery_state="queued").exists()


def test_finding_one_member_shows_how_their_code_is_reaching_them(officer_client, open_ballot):
    mark(open_ballot, 1, "failed", "550 5.1.1 No such mailbox")
    entry = RollEntry.objects.get(ballot=open_ballot, delivery_state="failed")

    url = reverse("ballots:ballot_codes", args=[open_ballot.pk])
    page = officer_client.get(f"{url}?membership_number={entry.membership_number}").content.decode()

    assert "<dt>Delivery</dt><dd>Failed, email, " in page
    assert "(550 5.1.1 No such mailbox)</dd>" in page
