"""The task that sends a reminder with a fresh code to every member yet to vote (code_reminders.py).

It takes the reminder's id and returns counts. As with the email task, an unexpected error is
replaced by one that names only its type, so that the task queue's stored traceback holds no code.
"""

import logging

from django_tasks import task

from ballots.officer.services.code_delivery import MailServerUnavailable
from ballots.officer.services.code_reminders import code_reminder_send

logger = logging.getLogger(__name__)


class ReminderFailed(Exception):
    """The reminder stopped on an unexpected error; the emails not yet sent are still queued."""


@task()
def voting_code_reminder_send(reminder_id: int) -> dict[str, int]:
    """Start the reminder `reminder_id` (once only) and email its members their new codes."""
    try:
        return code_reminder_send(reminder_id=reminder_id)
    except MailServerUnavailable as error:
        raise MailServerUnavailable(str(error)) from None
    except Exception as error:
        # `from None`: the stored traceback then holds neither the original message nor its frames' text.
        logger.error("Reminder %s stopped on %s", reminder_id, type(error).__name__)
        raise ReminderFailed(f"The reminder stopped on {type(error).__name__}; the rest are still queued.") from None
