"""Queued work (django-tasks), a module per job; each task takes ids only, never a code."""

from ballots.tasks.code_email import voting_codes_email_send
from ballots.tasks.letters import voting_code_letters_build

__all__ = ["voting_code_letters_build", "voting_codes_email_send"]
