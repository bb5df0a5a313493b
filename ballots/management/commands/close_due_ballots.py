"""Close every open ballot whose closing time has passed (run it from cron, e.g. every minute).

Votes after the closing time are refused whether or not this runs; it makes the recorded state
and the audit log match the clock.
"""

from django.core.management.base import BaseCommand

from ballots.officer.services import ballot_close_due


class Command(BaseCommand):
    help = "Close every open trigger ballot whose closing time has passed."

    def handle(self, *args, **options):
        closed = ballot_close_due()
        self.stdout.write(f"Closed {closed} ballot{'s' if closed != 1 else ''}.")
