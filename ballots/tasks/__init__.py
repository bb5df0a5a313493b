"""Queued work (django-tasks), a module per job; each task takes ids only, never a code."""

from ballots.tasks.code_email import voting_codes_email_send

__all__ = ["voting_codes_email_send"]
