"""Fixtures of the reminder tests: the delivery tests' real mail server and database task backend,
and an open ballot whose members were all emailed a code, one has voted, one has no email."""

import pytest
from django.db.models import F

from ballots.models import RollEntry
from ballots.officer import services
from members.models import Member
from tests.ballots.officer.delivery.conftest import database_tasks, smtp_server

__all__ = ["database_tasks", "emailed_ballot", "smtp_server"]


@pytest.fixture
def emailed_ballot(open_ballot, officer, smtp_server, django_capture_on_commit_callbacks):
    """`open_ballot` after its first email round: then one member voted, one lost their email."""
    with django_capture_on_commit_callbacks(execute=True):
        services.voting_codes_email_queue(ballot=open_ballot, actor=officer)
    entries = list(RollEntry.objects.filter(ballot=open_ballot).order_by("ward__name", "membership_number"))
    RollEntry.objects.filter(pk=entries[0].pk).update(has_voted=True)
    Member.objects.filter(pk=entries[1].member_id).update(email="", first_name=F("first_name"))
    open_ballot.voted_entry, open_ballot.no_email_entry = entries[0], entries[1]
    return open_ballot
