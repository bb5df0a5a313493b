"""Close every open ballot whose closing time has passed, and finish the housekeeping secrecy needs.

Run it from cron, e.g. every minute. Votes after the closing time are refused whether or not
this runs; it makes the recorded state and the audit log match the clock. Officer pages never
close a ballot while being read: they show an overdue ballot as closed until this runs (or a
late vote is refused).

It also finishes what a count may have left: when the rewrite of the vote tables after a count
failed or was cut off (ballots/officer/services/vote_count.py), it runs it again; and it
removes expired sessions (officers' only: voting uses none) and, on the database cache,
expired rate-limit entries (Django's database cache keeps them until it is full), and letter
packs and uploaded import files (with their previews) over a day old, so no old row outlives
its use. It is the backstop of
scheduled reminders too: it starts any whose time has passed (once only), records those whose
emails have all gone, and cancels those of a ballot that has closed.
"""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache.backends.db import DatabaseCache
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from ballots.officer.services import (
    ballot_close_due,
    letter_packs_expire,
    vote_storage_compact,
    vote_storage_compact_pending,
)
from ballots.officer.services.code_reminders import code_reminders_due
from members.import_runs import member_imports_expire


class Command(BaseCommand):
    help = "Close every open trigger ballot whose closing time has passed; finish any count's table rewrite."

    def handle(self, *args, **options):
        closed = ballot_close_due()
        compacted = vote_storage_compact_pending() and vote_storage_compact()
        expired, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        cache_entries = _expired_cache_entries_delete()
        # A letter pack holds codes: one not downloaded within a day is deleted, its codes withdrawn.
        packs = letter_packs_expire()
        reminders = code_reminders_due()
        # An uploaded import file holds members' details: kept a day at most.
        imports = member_imports_expire()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Closed {closed} ballot{'s' if closed != 1 else ''}.")
            if compacted:
                self.stdout.write("Rewrote the vote tables of a counted ballot.")
            if expired:
                self.stdout.write(f"Removed {expired} expired session{'s' if expired != 1 else ''}.")
            if packs:
                self.stdout.write(f"Deleted {packs} letter pack{'s' if packs != 1 else ''} not downloaded in time.")
            if imports:
                self.stdout.write(f"Deleted {imports} import file{'s' if imports != 1 else ''} over a day old.")
            if reminders["started"]:
                self.stdout.write(f"Started {reminders['started']} reminder{'s' if reminders['started'] != 1 else ''}.")
            if reminders["cancelled"]:
                self.stdout.write(
                    f"Cancelled {reminders['cancelled']} reminder{'s' if reminders['cancelled'] != 1 else ''} "
                    "of closed ballots."
                )
            if cache_entries:
                self.stdout.write(f"Removed {cache_entries} expired cache entr{'ies' if cache_entries != 1 else 'y'}.")


def _expired_cache_entries_delete() -> int:
    """Delete the database cache's expired rows (the rate limits'); 0 on any other cache backend."""
    config = settings.CACHES["default"]
    if not issubclass(_backend(config["BACKEND"]), DatabaseCache):
        return 0
    table = connection.ops.quote_name(config["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [timezone.now()])  # noqa: S608 - from settings
        return cursor.rowcount


def _backend(path: str) -> type:
    module, _, name = path.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)
