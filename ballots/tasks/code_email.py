"""The task that emails a ballot's queued voting codes (the sending is in code_delivery.py).

It takes the ballot's id and returns counts. The task queue stores its arguments, its result
and, when it fails, its traceback: none of them may hold a code, a membership number with
its code, or a receipt, so an unexpected error is replaced by one that names only its type.
"""

import logging

from django_tasks import task

from ballots.officer.services.code_delivery import MailServerUnavailable, voting_codes_email_deliver

logger = logging.getLogger(__name__)


class CodeEmailFailed(Exception):
    """The batch stopped on an unexpected error; the entries not yet sent are still queued."""


@task()
def voting_codes_email_send(ballot_id: int) -> dict[str, int]:
    """Email every queued roll entry of the ballot a fresh code; return how many went and failed."""
    try:
        return voting_codes_email_deliver(ballot_id=ballot_id).as_result()
    except MailServerUnavailable as error:
        raise MailServerUnavailable(str(error)) from None
    except Exception as error:
        # `from None`: the stored traceback then holds neither the original message nor its frames' text.
        logger.error("Emailing voting codes of ballot %s stopped on %s", ballot_id, type(error).__name__)
        raise CodeEmailFailed(
            f"Emailing voting codes stopped on {type(error).__name__}; the rest are still queued."
        ) from None
