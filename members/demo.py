"""Synthetic demo data for the members domain: constituencies, wards, members, affiliates, officers.

Everything is invented (names come from short built-in lists, driven by a fixed random seed),
and the function is idempotent: records are found by their natural keys (constituency name,
ward name, membership number, affiliate name, username) and only the missing ones are made,
so a second run changes nothing. Join dates are spread relative to the day of the first run,
so that some members are always too recent to be eligible.
"""

import os
import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from members.models import (
    OFFICERS_GROUP,
    REGIONAL_OFFICERS_GROUP,
    SCRUTINEERS_GROUP,
    Affiliate,
    Constituency,
    Member,
    Region,
    Ward,
)

SEED = 20190920

REGION = "South East"
CANTERBURY = "Canterbury"
CANTERBURY_MP = "Alex Morgan"
CANTERBURY_WARDS = {
    # ward: members (about 2,400 in all, uneven as real branches are)
    "Barton": 212,
    "Blean Forest": 168,
    "Chartham & Stone Street": 121,
    "Chestfield": 139,
    "Gorrell": 226,
    "Greenhill": 97,
    "Herne & Broomfield": 158,
    "Heron": 187,
    "Nailbourne": 74,
    "Northgate": 203,
    "Reculver": 83,
    "St Stephen's": 195,
    "Sturry": 132,
    "Tankerton": 164,
    "Westgate": 241,
}
FOLKESTONE = "Folkestone and Hythe"
FOLKESTONE_MP = "Sam Okafor"
FOLKESTONE_WARDS = {"Folkestone Harbour": 61, "Hythe": 48, "Cheriton": 37, "Romney Marsh": 22}

AFFILIATES = [
    # name, kind, affiliated members, years affiliated (None: affiliated recently, in days)
    ("Unite Canterbury branch", "trade_union", 412, 22, None),
    ("GMB Kent", "trade_union", 268, 30, None),
    ("UNISON Kent County branch", "trade_union", 355, 18, None),
    ("CWU East Kent", "trade_union", 96, 15, None),
    ("Usdaw Canterbury", "trade_union", 141, 12, None),
    ("ASLEF Canterbury", "trade_union", 38, 25, None),
    ("TSSA South East", "trade_union", 21, 9, None),
    ("Musicians' Union Kent", "trade_union", 17, 7, None),
    ("FBU Kent", "trade_union", 44, 11, None),
    ("Bakers' Union South East", "trade_union", 12, 6, None),
    ("Community Union Kent", "trade_union", 29, 4, None),
    ("NUM Kent Area", "trade_union", 9, 35, None),
    ("Co-operative Party Canterbury", "cooperative", 88, 40, None),
    ("Fabian Society", "socialist_society", 52, 28, None),
    ("SERA", "socialist_society", 19, 10, None),
    ("Jewish Labour Movement", "socialist_society", 14, 8, None),
    ("Labour Women's Network", "socialist_society", 23, 5, None),
    ("Christians on the Left", "socialist_society", 16, 12, None),
    ("Disability Labour", "socialist_society", 11, None, 40),
    ("Labour Campaign for Mental Health", "other", 8, None, 75),
]

FIRST_NAMES = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Grace",
    "Sophie",
    "Emily",
    "Ella",
    "Poppy",
    "Freya",
    "Evie",
    "Lily",
    "Ruby",
    "Chloe",
    "Zoë",
    "Siân",
    "Aisha",
    "Priya",
    "Fatima",
    "Niamh",
    "Saoirse",
    "Margaret",
    "Susan",
    "Janet",
    "Patricia",
    "Helen",
    "Karen",
    "Joanne",
    "Rachel",
    "Claire",
    "Nicola",
    "Oliver",
    "George",
    "Harry",
    "Noah",
    "Jack",
    "Leo",
    "Arthur",
    "Oscar",
    "Charlie",
    "Thomas",
    "James",
    "William",
    "Henry",
    "Alfie",
    "Joshua",
    "Mohammed",
    "Amir",
    "Ravi",
    "Tomasz",
    "Dylan",
    "Rhys",
    "Callum",
    "Eoin",
    "David",
    "Paul",
    "Stephen",
    "Mark",
    "Andrew",
    "Peter",
    "Michael",
    "John",
    "Robert",
    "Gareth",
    "Kwame",
    "Chidi",
    "Jamal",
    "Femi",
    "Ali",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
    "Miller",
    "Cox",
    "Hussain",
    "Marshall",
    "Simpson",
    "Price",
    "Anderson",
    "Adams",
    "Wilkinson",
    "Ali",
    "Ahmed",
    "Foster",
    "Ellis",
    "Murphy",
    "Chapman",
    "Mason",
    "Gray",
    "Richards",
    "Webb",
    "Griffiths",
    "Hunt",
    "Palmer",
    "Campbell",
    "Holmes",
    "Mills",
    "Rogers",
    "Barnes",
    "Knight",
    "Matthews",
    "Barker",
    "Powell",
    "Stevens",
    "Kaur",
    "Dawson",
    "O'Brien",
    "Okafor",
    "Nowak",
    "Brontë",
    "MacLeod",
]


@dataclass
class DemoMembers:
    constituency: Constituency
    other_constituency: Constituency
    officer_username: str
    regional_username: str
    region: Region
    scrutineer_username: str
    password: str | None  # None when existing accounts kept their password
    created: dict = field(default_factory=dict)


def _join_date(rng: random.Random, today: date) -> date:
    """Most joined years ago; about one in ten within the last six months (too recent to vote)."""
    roll = rng.random()
    if roll < 0.10:
        return today - timedelta(days=rng.randint(1, 180))
    if roll < 0.17:
        return today - timedelta(days=rng.randint(181, 365))
    if roll < 0.45:  # the 2015-17 surge
        return date(2015, 5, 8) + timedelta(days=rng.randint(0, 900))
    return date(1975, 1, 1) + timedelta(days=rng.randint(0, (today - date(1975, 1, 1)).days - 366))


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return Member.Status.ARREARS
    if roll < 0.08:
        return Member.Status.LAPSED
    return Member.Status.ACTIVE


def _members(constituency: Constituency, wards: dict, number_base: int, rng: random.Random, today: date) -> int:
    """Create the members not there yet; the generated data is the same on every run."""
    ward_ids = dict(Ward.objects.filter(constituency=constituency).values_list("name", "pk"))
    planned = []
    number = number_base
    for ward_name, count in wards.items():
        for _ in range(count):
            number += rng.randint(1, 37)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            joined, status = _join_date(rng, today), _status(rng)
            has_email = rng.random() < 0.85
            membership_number = f"L{number:07d}"
            planned.append(
                Member(
                    membership_number=membership_number,
                    first_name=first,
                    last_name=last,
                    email=f"{membership_number.lower()}@members.example.org" if has_email else "",
                    ward_id=ward_ids[ward_name],
                    joined_on=joined,
                    status=status,
                )
            )
    existing = set(
        Member.objects.filter(membership_number__in=[m.membership_number for m in planned]).values_list(
            "membership_number", flat=True
        )
    )
    missing = [member for member in planned if member.membership_number not in existing]
    Member.objects.bulk_create(missing, batch_size=1000)
    return len(missing)


def _constituency(name: str, mp: str, wards: dict, number_base: int, rng, today, created: dict) -> Constituency:
    constituency, made = Constituency.objects.get_or_create(name=name, defaults={"sitting_mp": mp})
    created["constituencies"] = created.get("constituencies", 0) + int(made)
    have = set(Ward.objects.filter(constituency=constituency).values_list("name", flat=True))
    new_wards = [Ward(constituency=constituency, name=ward) for ward in wards if ward not in have]
    Ward.objects.bulk_create(new_wards)
    created["wards"] = created.get("wards", 0) + len(new_wards)
    created["members"] = created.get("members", 0) + _members(constituency, wards, number_base, rng, today)
    return constituency


def _officer(
    username: str, first: str, last: str, password: str | None, constituencies, created: dict, group=OFFICERS_GROUP
):
    User = get_user_model()
    user, made = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"}
    )
    if made or password is not None:
        user.set_password(password)
        user.save()
    created["users"] = created.get("users", 0) + int(made)
    user.groups.add(Group.objects.get(name=group))
    for constituency in constituencies:
        # A scrutineer is given the constituency's ballots to read; an officer runs them.
        (constituency.scrutineers if group == SCRUTINEERS_GROUP else constituency.officers).add(user)
    return user, made


@transaction.atomic
def demo_members_seed(*, officer_password: str | None = None, stdout=None) -> DemoMembers:
    """Make (or complete) the demo constituencies, members, affiliates and officer accounts."""
    rng = random.Random(SEED)
    today = timezone.localdate()
    created: dict = {}
    canterbury = _constituency(CANTERBURY, CANTERBURY_MP, CANTERBURY_WARDS, 4_100_000, rng, today, created)
    folkestone = _constituency(FOLKESTONE, FOLKESTONE_MP, FOLKESTONE_WARDS, 6_300_000, rng, today, created)
    region, _ = Region.objects.get_or_create(name=REGION)
    for constituency in (canterbury, folkestone):
        if constituency.region_id is None:
            constituency.region = region
            constituency.save(update_fields=["region"])

    have = set(Affiliate.objects.filter(constituency=canterbury).values_list("name", flat=True))
    new_affiliates = []
    for index, (name, kind, affiliated_members, years, recent_days) in enumerate(AFFILIATES, start=1):
        # Draw the random values before skipping, so every run makes the same ones.
        month, day = 1 + rng.randrange(12), 1 + rng.randrange(28)
        delegate = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name in have:
            continue
        if years is not None:
            affiliated_on = date(today.year - years, month, day)
        else:
            affiliated_on = today - timedelta(days=recent_days)
        new_affiliates.append(
            Affiliate(
                constituency=canterbury,
                name=name,
                kind=kind,
                affiliated_on=affiliated_on,
                affiliated_members=affiliated_members,
                delegate_name=delegate,
                delegate_email=f"delegate{index}@affiliates.example.org",
            )
        )
    Affiliate.objects.bulk_create(new_affiliates)
    created["affiliates"] = len(new_affiliates)

    password = officer_password or os.environ.get("DEMO_OFFICER_PASSWORD") or None
    User = get_user_model()
    usernames = ["officer", "regional", "scrutineer"]
    if password is None and not User.objects.filter(username__in=usernames).count() == len(usernames):
        password = secrets.token_urlsafe(12)
    _officer("officer", "Olu", "Adeyemi", password, [canterbury], created)
    # The regional officer runs both constituencies through the region, not by name.
    regional, _ = _officer("regional", "Jo", "Fairweather", password, [], created, group=REGIONAL_OFFICERS_GROUP)
    region.officers.add(regional)
    _officer("scrutineer", "Sam", "Ellery", password, [canterbury], created, group=SCRUTINEERS_GROUP)

    if stdout is not None:
        stdout.write(
            f"Demo members: {created['constituencies']} constituencies, {created['wards']} wards, "
            f"{created['members']} members, {created['affiliates']} affiliates, {created['users']} officer accounts "
            "created (existing ones left as they were)."
        )
        if password is None:
            stdout.write("The demo officers already exist and no password was given: their password is unchanged.")
    return DemoMembers(
        constituency=canterbury,
        other_constituency=folkestone,
        officer_username="officer",
        regional_username="regional",
        region=region,
        scrutineer_username="scrutineer",
        password=password,
        created=created,
    )
