"""Bounces and spam complaints of voting-code emails, reported by the mail provider's webhook.

SMTP refusals are recorded as the message is handed over (code_delivery.py). A message the
server took may still bounce later, or the member may mark it as spam; a provider set up
through django-anymail reports these to its tracking webhook (`anymail/<provider>/tracking/`),
and anymail sends its `tracking` signal, received here (connected in ballots/apps.py).

Matching a report to a roll entry puts nothing secret in the provider's hands: each email
carries, as anymail metadata, a reference that is a keyed hash (under SECRET_KEY) of the roll
entry's id and that email's code hash. The provider learns neither the id nor anything about
the code, and a report about an older email matches no entry once a newer code was made (by
email, by letter or by hand), since the reference is recomputed from the entry's current code
hash before anything changes.

Only a short plain reason is stored, never the provider's report: it may quote the message.
"""

import logging
import re
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType  # type: ignore[import-untyped]
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ballots.models import RollEntry
from ballots.officer.services.common import ballot_audit_record

logger = logging.getLogger(__name__)

State = RollEntry.DeliveryState
METADATA_KEY = "roll_entry"
REFERENCE_PATTERN = re.compile(r"[0-9a-f]{64}")
# What each report means, in words for the officer; other reports (delivered, deferred,
# opened...) change nothing.
REASONS = {
    EventType.BOUNCED: "The member's mail server refused it (bounced).",
    EventType.REJECTED: "The mail provider would not deliver it to this address (rejected).",
    EventType.COMPLAINED: "The member reported it as spam.",
}
AUDIT_ACTIONS = {
    EventType.BOUNCED: "voting_code_email_bounced",
    EventType.REJECTED: "voting_code_email_bounced",
    EventType.COMPLAINED: "voting_code_email_reported_as_spam",
}


def delivery_reference(*, entry_id: int, code_hash: str) -> str:
    """The reference of the email carrying the code hashed as `code_hash` to roll entry `entry_id`."""
    return salted_hmac("ballots.voting-code-email", f"{entry_id}:{code_hash}", algorithm="sha256").hexdigest()


@transaction.atomic
def voting_code_bounce_record(*, reference: str, event_type: str, provider: str = "") -> bool:
    """Mark the entry whose latest email has `reference` bounced; return False if none matches.

    Only an email entry that is sent (or still being sent) changes: one re-queued, re-issued
    or already marked bounced since is left as it is.
    """
    reason = REASONS[event_type]
    entry = (
        RollEntry.objects.select_for_update(of=("self",))
        .select_related("ballot__constituency")
        .filter(delivery_reference=reference)
        .first()
    )
    if entry is None:
        logger.info("A %s report from the mail provider matched no voting-code email", event_type)
        return False
    current = delivery_reference(entry_id=entry.pk, code_hash=entry.code_hash)
    if (
        not constant_time_compare(current, reference)
        or entry.delivery_channel != RollEntry.DeliveryChannel.EMAIL
        or entry.delivery_state not in (State.SENT, State.SENDING)
    ):
        logger.info("A %s report from the mail provider is about an email since replaced", event_type)
        return False
    entry.delivery_state, entry.delivery_failure = State.BOUNCED, reason
    entry.delivery_changed_at = timezone.now()
    entry.save(update_fields=["delivery_state", "delivery_failure", "delivery_changed_at"])
    ballot_audit_record(
        action=AUDIT_ACTIONS[event_type],
        actor=None,
        ballot=entry.ballot,
        membership_number=entry.membership_number,
        reason=reason,
        provider=provider,
    )
    logger.warning("Voting code email to membership number %s: %s", entry.membership_number, reason)
    return True


def delivery_tracking_receive(*, event: AnymailTrackingEvent, esp_name: str = "", **kwargs: Any) -> None:
    """anymail's `tracking` signal: record bounces and complaints of voting-code emails."""
    if event.event_type not in REASONS:
        return
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    reference = metadata.get(METADATA_KEY)
    if not isinstance(reference, str) or not REFERENCE_PATTERN.fullmatch(reference):
        # Not one of ours (or its metadata was lost): nothing to match, and nothing of it logged.
        logger.info("A %s report from the mail provider carried no voting-code reference", event.event_type)
        return
    voting_code_bounce_record(reference=reference, event_type=event.event_type, provider=esp_name)
