"""What the two-officer re-issue tests check with: the CSV read back, the codes still working, and
how many bulk inserts the per-member audit events take."""

import csv
import io
import math

from django.db import connection

from ballots.codes import voting_code_matches
from ballots.models import RollEntry
from ballots.officer.services.voting_codes import AUDIT_BATCH
from members.models import AuditEvent


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def codes_still_working(ballot, issued):
    """How many of the (roll entry, code) pairs in `issued` still match what is stored."""
    stored = dict(RollEntry.objects.filter(ballot=ballot).values_list("pk", "code_hash"))
    return sum(
        voting_code_matches(ballot_id=ballot.pk, code=code, code_hash=stored[entry.pk]) for entry, code in issued
    )


def audit_insert_batches(members: int) -> int:
    """How many bulk inserts `members` audit events take: one, unless the database's limit on a
    query's parameters (999 on SQLite) splits them."""
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    batch = min(AUDIT_BATCH, connection.ops.bulk_batch_size(fields, [None] * members))
    return math.ceil(members / batch)
