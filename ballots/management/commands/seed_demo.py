"""python manage.py seed_demo [--officer-password P]

Idempotent demo data: the members side (members.demo) and then the ballots side. Running it
twice changes nothing. The officers' password comes from --officer-password, else the
DEMO_OFFICER_PASSWORD environment variable, else a random one that is printed; existing demo
officers keep their password when none is given.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from ballots.demo import demo_ballots_seed
from members.demo import demo_members_seed


class Command(BaseCommand):
    help = "Create the demo constituencies, members, affiliates, officers and ballots (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--officer-password", default=None, help="Password for the demo officer accounts.")

    def handle(self, *args, **options):
        members = demo_members_seed(officer_password=options["officer_password"], stdout=self.stdout)

        officer = get_user_model().objects.filter(username=members.officer_username).first()
        demo_ballots_seed(
            constituency=members.constituency,
            other_constituency=members.other_constituency,
            actor=officer,
            stdout=self.stdout,
        )

        self.stdout.write("")
        self.stdout.write(f"Log in at {settings.SITE_URL}/accounts/login/")
        self.stdout.write(f"  username: {members.officer_username}  (runs {members.constituency.name})")
        self.stdout.write(
            f"  username: {members.regional_username}  (regional officer of {members.region.name}: runs "
            f"{members.constituency.name} and {members.other_constituency.name}, their round and dashboard)"
        )
        self.stdout.write(
            f"  username: {members.scrutineer_username}  (scrutineer of {members.constituency.name}: reads, "
            "changes nothing)"
        )
        if members.password is not None:
            self.stdout.write(f"  password: {members.password}")
        else:
            self.stdout.write("  password: unchanged (pass --officer-password to set one)")
