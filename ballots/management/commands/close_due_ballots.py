"""Close every open ballot whose closing time has passed (run it from cron, e.g. every minute).

Votes after the closing time are refused whether or not this runs; it makes the recorded state
and the audit log match the clock. Officer pages never close a ballot while being read: they
show an overdue ballot as closed until this runs (or a late vote is refused).
"""

from django.core.management.base import BaseCommand

from ballots.officer.services import ballot_close_due


class Command(BaseCommand):
    help = "Close every open trigger ballot whose closing time has passed."

    def handle(self, *args, **options):
        closed = ballot_close_due()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Closed {closed} ballot{'s' if closed != 1 else ''}.")
