"""The queued task that emails an invitation, and the email itself.

The task takes only the invitation's id: the link's token is made here, at the moment of
sending (services.invitation_token_issue), and is never stored, queued or logged. It records
`sent_at`, or a plain `send_failure` that names only the error's type.
"""

import logging

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.two_factor import two_factor_required
from ballots.officer.services.letter_pdf import uk_time
from members.models import Invitation
from members.regions.services import invitation_token_issue

logger = logging.getLogger(__name__)


def invitation_message(invitation: Invitation, token: str) -> mail.EmailMessage:
    link = settings.SITE_URL + reverse("members:invitation_accept", args=[token])
    context = {
        "invitation": invitation,
        "place": invitation.constituency.name if invitation.constituency else invitation.region.name,
        "link": link,
        "expires": uk_time(invitation.expires_at),
        "two_factor": two_factor_required(),
    }
    message = mail.EmailMessage(
        subject=f"You are invited to the trigger ballot tool as {invitation.get_role_display().lower()}",
        body=render_to_string("emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    message.track_clicks = False  # type: ignore[attr-defined]
    message.track_opens = False  # type: ignore[attr-defined]
    return message


@task()
def invitation_email_send(invitation_id: int) -> dict[str, int]:
    """Email the invitation; return {"sent": 1} or {"failed": 1}."""
    invitation = Invitation.objects.select_related("region", "constituency").filter(pk=invitation_id).first()
    if invitation is None or invitation.revoked_at or invitation.accepted_at:
        return {"sent": 0, "failed": 0}
    try:
        # The new token's hash is committed first: the link works as soon as the email arrives.
        invitation_message(invitation, invitation_token_issue(invitation)).send()
    except Exception as error:  # noqa: BLE001 - recorded on the invitation, shown on the people page
        logger.error("Emailing invitation %s failed on %s", invitation_id, type(error).__name__)
        Invitation.objects.filter(pk=invitation_id).update(
            send_failure=f"The mail server refused it ({type(error).__name__})."
        )
        return {"sent": 0, "failed": 1}
    Invitation.objects.filter(pk=invitation_id).update(sent_at=timezone.now(), send_failure="")
    return {"sent": 1, "failed": 0}
