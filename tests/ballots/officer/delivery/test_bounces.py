"""Bounces and spam complaints reported by the mail provider's webhook (Postmark's, through
django-anymail) mark the member's entry bounced with a plain reason and an audit event; a
report with the wrong credentials or about no email of ours changes nothing; and the code
email asks for no click or open tracking and carries a reference that is not the entry's id."""

import base64
import importlib
import json

import pytest
from django.core import mail
from django.urls import clear_url_caches

import config.urls
from ballots.models import RollEntry
from ballots.officer import services
from ballots.officer.services import code_delivery
from ballots.officer.services.code_bounces import delivery_reference
from members.models import AuditEvent
from tests.test_settings_parsing import start_up

pytestmark = pytest.mark.django_db

WEBHOOK_URL = "/anymail/postmark/tracking/"
SECRET = "postmark:webhook-password"

# The shape of Postmark's documented bounce and spam complaint webhooks.
POSTMARK_BOUNCE = {
    "RecordType": "Bounce",
    "MessageStream": "outbound",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Name": "Hard bounce",
    "Tag": "",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Metadata": {},
    "ServerID": 23,
    "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
    "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    "Email": "",
    "From": "ballots@localhost",
    "BouncedAt": "2026-11-05T16:33:54.9070259Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": True,
    "Subject": "Your voting code",
    "Content": "<Full dump of bounce>",
}
POSTMARK_COMPLAINT = {
    **POSTMARK_BOUNCE,
    "RecordType": "SpamComplaint",
    "ID": 42,
    "Type": "SpamComplaint",
    "TypeCode": 512,
    "Name": "Spam complaint",
    "Description": "",
    "Details": "Test spam complaint details",
    "Content": "<Abuse report dump>",
}


@pytest.fixture
def webhook(settings):
    """The anymail webhook switched on, as ANYMAIL_WEBHOOK_SECRET does at start-up."""
    settings.ANYMAIL_WEBHOOK_SECRET = SECRET
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.ANYMAIL_WEBHOOK_SECRET = ""
    settings.ANYMAIL = {}
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def emailed_ballot(open_ballot, officer):
    """`open_ballot` with every member sent their code by email (Django's locmem backend)."""
    services.voting_codes_email_queue(ballot=open_ballot, actor=officer)
    code_delivery.voting_codes_email_deliver(ballot_id=open_ballot.pk)
    return open_ballot


def sent_entry(ballot):
    return RollEntry.objects.select_related("member").filter(ballot=ballot).order_by("pk").first()


def report(payload, entry, *, reference=None):
    return {
        **payload,
        "Email": entry.member.email,
        "Metadata": {"roll_entry": entry.delivery_reference if reference is None else reference},
    }


def post(client, payload, *, credentials=SECRET):
    auth = base64.b64encode(credentials.encode()).decode()
    return client.post(
        WEBHOOK_URL, data=json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Basic {auth}"
    )


def bounce_events():
    return AuditEvent.objects.filter(action__startswith="voting_code_email_")


def test_a_sent_code_email_asks_for_no_tracking_and_carries_a_reference_that_is_not_the_id(emailed_ballot):
    entry = sent_entry(emailed_ballot)
    message = next(message for message in mail.outbox if message.to == [entry.member.email])

    assert message.track_clicks is False
    assert message.track_opens is False
    assert message.metadata == {"roll_entry": entry.delivery_reference}
    assert entry.delivery_reference == delivery_reference(entry_id=entry.pk, code_hash=entry.code_hash)
    assert str(entry.pk) != entry.delivery_reference
    assert len({e.delivery_reference for e in RollEntry.objects.filter(ballot=emailed_ballot)}) == 9


def test_a_bounce_marks_the_entry_bounced_with_a_plain_reason_and_an_audit_event(client, webhook, emailed_ballot):
    entry = sent_entry(emailed_ballot)

    response = post(client, report(POSTMARK_BOUNCE, entry))

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.delivery_state == RollEntry.DeliveryState.BOUNCED
    assert entry.delivery_failure == "The member's mail server refused it (bounced)."
    event = bounce_events().get()
    assert event.action == "voting_code_email_bounced"
    assert event.ballot_id == emailed_ballot.pk
    assert event.detail["membership_number"] == entry.membership_number
    # The provider's report (which may quote the message) is stored nowhere.
    assert "550" not in json.dumps(event.detail) and "550" not in entry.delivery_failure
    others = RollEntry.objects.filter(ballot=emailed_ballot).exclude(pk=entry.pk)
    assert set(others.values_list("delivery_state", flat=True)) == {RollEntry.DeliveryState.SENT}


def test_a_spam_complaint_marks_the_entry_bounced_with_the_spam_reason(client, webhook, emailed_ballot):
    entry = sent_entry(emailed_ballot)

    response = post(client, report(POSTMARK_COMPLAINT, entry))

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.delivery_state == RollEntry.DeliveryState.BOUNCED
    assert entry.delivery_failure == "The member reported it as spam."
    assert bounce_events().get().action == "voting_code_email_reported_as_spam"


def test_wrong_credentials_are_refused_and_change_nothing(client, webhook, emailed_ballot):
    entry = sent_entry(emailed_ballot)

    response = post(client, report(POSTMARK_BOUNCE, entry), credentials="postmark:guessed")

    assert response.status_code in (400, 403)
    entry.refresh_from_db()
    assert entry.delivery_state == RollEntry.DeliveryState.SENT
    assert not bounce_events().exists()


@pytest.mark.parametrize("reference", ["0" * 64, "not-a-reference", ""])
def test_a_report_about_no_email_of_ours_is_accepted_and_changes_nothing(client, webhook, emailed_ballot, reference):
    response = post(client, report(POSTMARK_BOUNCE, sent_entry(emailed_ballot), reference=reference))

    assert response.status_code == 200
    states = set(RollEntry.objects.filter(ballot=emailed_ballot).values_list("delivery_state", flat=True))
    assert states == {RollEntry.DeliveryState.SENT}
    assert not bounce_events().exists()


def test_a_late_bounce_of_an_email_since_replaced_changes_nothing(client, webhook, emailed_ballot, officer):
    entry = sent_entry(emailed_ballot)
    old_reference = entry.delivery_reference
    services.voting_code_send(roll_entry=entry, actor=officer)
    code_delivery.voting_codes_email_deliver(ballot_id=emailed_ballot.pk)

    response = post(client, report(POSTMARK_BOUNCE, entry, reference=old_reference))

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.delivery_reference != old_reference
    assert entry.delivery_state == RollEntry.DeliveryState.SENT
    assert not bounce_events().exists()


def test_a_delivery_report_changes_nothing(client, webhook, emailed_ballot):
    entry = sent_entry(emailed_ballot)
    delivered = {
        "RecordType": "Delivery",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": entry.member.email,
        "DeliveredAt": "2026-11-05T16:33:54Z",
        "Details": "Test delivery webhook details",
        "Metadata": {"roll_entry": entry.delivery_reference},
        "ServerID": 23,
        "Tag": "",
    }

    assert post(client, delivered).status_code == 200
    entry.refresh_from_db()
    assert entry.delivery_state == RollEntry.DeliveryState.SENT


def test_without_a_webhook_secret_there_is_no_webhook(client, emailed_ballot):
    response = post(client, report(POSTMARK_BOUNCE, sent_entry(emailed_ballot)))

    assert response.status_code == 404


def test_a_webhook_secret_that_is_not_user_and_password_stops_start_up():
    status, stderr = start_up(ANYMAIL_WEBHOOK_SECRET="just-a-password")

    assert status != 0
    assert "ANYMAIL_WEBHOOK_SECRET must be user:password" in stderr


def test_a_webhook_secret_starts_up_with_the_webhook():
    status, stderr = start_up(ANYMAIL_WEBHOOK_SECRET=SECRET)

    assert status == 0, stderr
