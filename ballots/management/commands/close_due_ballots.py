"""Close every open ballot whose closing time has passed, and finish the housekeeping secrecy needs.

Run it from cron, e.g. every minute. Votes after the closing time are refused whether or not
this runs; it makes the recorded state and the audit log match the clock. Officer pages never
close a ballot while being read: they show an overdue ballot as closed until this runs (or a
late vote is refused).

It also finishes what a count may have left: when the rewrite of the vote tables after a count
failed or was cut off (ballots/officer/services/vote_count.py), it runs it again; and it
removes expired sessions (officers' only: voting uses none) so no old row outlives its use.
"""

from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from ballots.officer.services import ballot_close_due, vote_storage_compact, vote_storage_compact_pending


class Command(BaseCommand):
    help = "Close every open trigger ballot whose closing time has passed; finish any count's table rewrite."

    def handle(self, *args, **options):
        closed = ballot_close_due()
        compacted = vote_storage_compact_pending() and vote_storage_compact()
        expired, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Closed {closed} ballot{'s' if closed != 1 else ''}.")
            if compacted:
                self.stdout.write("Rewrote the vote tables of a counted ballot.")
            if expired:
                self.stdout.write(f"Removed {expired} expired session{'s' if expired != 1 else ''}.")
