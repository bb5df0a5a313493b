"""The voting-code email: one message to one member, carrying their code and personal link.

The message is built at the moment of sending (ballots/officer/services/code_delivery.py)
and never stored or logged: it holds a code. Sent through a mail provider (django-anymail),
it asks for no click or open tracking: a tracked link is rewritten to pass through the
provider, and the personal link holds the code. It carries the entry's delivery reference
as metadata, so bounce reports can be matched (code_bounces.py); Django's SMTP backend
ignores both.
"""

from typing import Any

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from ballots.language import subject_in_each_language, text_in_each_language
from ballots.models import RollEntry, TriggerBallot
from ballots.officer.services.code_bounces import METADATA_KEY
from ballots.officer.services.voting_codes import personal_voting_link


def voting_code_context(
    *, ballot: TriggerBallot, entry: RollEntry, code: str, replaces_earlier: bool = False
) -> dict[str, Any]:
    """What the code email's templates (and the reminder's) are drawn from."""
    return {
        "ballot": ballot,
        "member": entry.member,
        "membership_number": entry.membership_number,
        "ward": entry.ward,
        "code": code,
        "replaces_earlier": replaces_earlier,
        "link": personal_voting_link(ballot=ballot, membership_number=entry.membership_number, code=code),
        "vote_url": f"{settings.SITE_URL}{reverse('ballots:vote_start')}",
    }


def voting_code_message(
    *, ballot: TriggerBallot, entry: RollEntry, code: str, connection: Any = None, replaces_earlier: bool = False
) -> mail.EmailMessage:
    """The email of `code` to `entry`'s member; `replaces_earlier` adds that any earlier code stopped working."""
    context = voting_code_context(ballot=ballot, entry=entry, code=code, replaces_earlier=replaces_earlier)
    # A bilingual ballot's email carries both texts, Welsh first (ballots/language.py).
    message = mail.EmailMessage(
        subject=subject_in_each_language(
            ballot.bilingual,
            lambda: gettext("Your voting code: trigger ballot in %(constituency)s")
            % {"constituency": ballot.constituency.name},
        ),
        body=text_in_each_language(
            ballot.bilingual, lambda: render_to_string("ballots/officer/email/voting_code.txt", context)
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[entry.member.email],
        connection=connection,
    )
    # anymail's per-message options, read from any EmailMessage (the attributes need no subclass).
    message.track_clicks = False  # type: ignore[attr-defined]
    message.track_opens = False  # type: ignore[attr-defined]
    if entry.delivery_reference:
        message.metadata = {METADATA_KEY: entry.delivery_reference}  # type: ignore[attr-defined]
    return message
