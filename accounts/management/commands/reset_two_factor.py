"""`manage.py reset_two_factor USERNAME [--reason TEXT]`: remove an officer's authenticator.

For a lost or replaced phone. The officer's sessions stop counting as verified at once (so they
are logged out), and their next login, after the password, sets up a new authenticator. The
reset is an audit event naming the officer and the reason. Exit 2 for an unknown username.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.two_factor import two_factor_reset


class Command(BaseCommand):
    help = "Remove an officer's authenticator (a lost phone): they set up a new one at their next login."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the officer's username")
        parser.add_argument("--reason", default="", help="why, for the audit log (e.g. 'lost phone')")

    def handle(self, *args, username, reason, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account with the username {username!r}.", returncode=2)
        removed = two_factor_reset(user=user, reason=reason.strip()[:200])
        if options["verbosity"] > 0:
            devices = "authenticator" if removed == 1 else "authenticators"
            self.stdout.write(
                f"Removed {removed} {devices} of {user.get_username()}. "
                "They set up a new one, after their password, at their next login."
            )
