"""The task that makes a voting-code letter pack (the making is in code_letters.py).

It takes the pack's id and returns how many letters were made. As with the email task, an
unexpected error is replaced by one that names only its type, so that the task queue's
stored traceback can hold no code.
"""

import logging

from django_tasks import task

from ballots.officer.services.code_letters import letter_pack_build

logger = logging.getLogger(__name__)


class LetterPackFailed(Exception):
    """The pack could not be made; no member's code was changed."""


@task()
def voting_code_letters_build(pack_id: int) -> dict[str, int]:
    """Make the letter pack `pack_id`: a fresh code for each of its members, the PDF stored sealed."""
    try:
        return {"letters": letter_pack_build(pack_id=pack_id)}
    except Exception as error:
        # `from None`: the stored traceback then holds neither the original message nor its frames' text.
        logger.error("Making letter pack %s stopped on %s", pack_id, type(error).__name__)
        raise LetterPackFailed(f"The letter pack could not be made ({type(error).__name__}).") from None
