"""Queued work (django-tasks), a module per job; each task takes ids only, never a code."""

from ballots.tasks.code_email import voting_codes_email_send
from ballots.tasks.letters import voting_code_letters_build
from ballots.tasks.reminders import voting_code_reminder_send

__all__ = ["voting_code_letters_build", "voting_code_reminder_send", "voting_codes_email_send"]
