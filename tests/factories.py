"""Factories for the whole suite: factory-boy factories for single rows, and builders for whole ballots.

The ballot builders make a ballot in one of the states the tests start from:
- `draft_ballot_ready_to_open` and `open_ballot_with_roll`: the officer's path, opened through
  the real `ballot_open` service, so the roll is whatever the service freezes.
- `open_ballot_with_voters`: an open ballot whose roll entries are written directly, each with a
  known voting code, so the voting tests hold the codes that only a member would see.
- `make_ballot_with_votes`: a closed or declared ballot with votes in it, written as rows in bulk,
  for the results pages and their query counts at any size.

Every ballot that is not a draft is sealed to one key pair made for the test run,
`BALLOT_KEY` (private) and `BALLOT_PUBLIC_KEY`: `ballot_count_with_key` counts with it, as an
officer would with the key handed over when the ballot opened.
"""

import datetime as dt
import itertools
from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from ballots.codes import voting_code_generate, voting_code_hash
from ballots.models import AffiliateVote, BallotAffiliate, RollEntry, Round, SealedVote, TriggerBallot, WardVoteCount
from ballots.officer import services as officer_services
from ballots.sealing import VoteOpener, ballot_key_generate, public_key_of, vote_seal
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

OFFICER_PASSWORD = "correct horse battery staple"

BALLOT_KEY = ballot_key_generate()
BALLOT_PUBLIC_KEY = public_key_of(BALLOT_KEY)
_SEALED = (TriggerBallot.Status.OPEN, TriggerBallot.Status.CLOSED, TriggerBallot.Status.DECLARED)
_COUNTED = (TriggerBallot.Status.CLOSED, TriggerBallot.Status.DECLARED)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Region {n}")


class ConstituencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Constituency {n}")
    sitting_mp = factory.Faker("name", locale="en_GB")


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    constituency = factory.SubFactory(ConstituencyFactory)
    name = factory.Sequence(lambda n: f"Ward {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    membership_number = factory.Sequence(lambda n: f"L{100000 + n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda m: f"{m.membership_number.lower()}@example.org")
    ward = factory.SubFactory(WardFactory)
    joined_on = dt.date(2015, 1, 1)
    status = Member.Status.ACTIVE


class AffiliateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliate

    constituency = factory.SubFactory(ConstituencyFactory)
    name = factory.Sequence(lambda n: f"Union branch {n}")
    kind = Affiliate.Kind.TRADE_UNION
    affiliated_on = dt.date(2015, 1, 1)
    affiliated_members = 100
    delegate_name = factory.Faker("name", locale="en_GB")
    delegate_email = factory.Sequence(lambda n: f"delegate{n}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", OFFICER_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def officers_group():
    """The Officers group (made by a data migration, and put back after a flush by post_migrate)."""
    return Group.objects.get(name=OFFICERS_GROUP)


class OfficerFactory(UserFactory):
    """A user in the Officers group, assigned to the given constituencies."""

    username = factory.Sequence(lambda n: f"officer{n}")

    @factory.post_generation
    def constituencies(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.groups.add(officers_group())
        for constituency in extracted or []:
            constituency.officers.add(obj)


class RegionalOfficerFactory(UserFactory):
    """A user in the Regional officers group, running the given regions."""

    username = factory.Sequence(lambda n: f"regional{n}")

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.groups.add(Group.objects.get(name=REGIONAL_OFFICERS_GROUP))
        for region in extracted or []:
            region.officers.add(obj)


class ScrutineerFactory(UserFactory):
    """A user in the Scrutineers group, given the ballots of the given constituencies."""

    username = factory.Sequence(lambda n: f"scrutineer{n}")

    @factory.post_generation
    def constituencies(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.groups.add(Group.objects.get(name=SCRUTINEERS_GROUP))
        for constituency in extracted or []:
            constituency.scrutineers.add(obj)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Round {n}")


class TriggerBallotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TriggerBallot

    constituency = factory.SubFactory(ConstituencyFactory)
    sitting_mp = factory.LazyAttribute(lambda b: b.constituency.sitting_mp)
    freeze_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    status = TriggerBallot.Status.DRAFT
    seal_public_key = factory.LazyAttribute(lambda b: BALLOT_PUBLIC_KEY if b.status in _SEALED else "")
    key_custody = factory.LazyAttribute(lambda b: TriggerBallot.KeyCustody.WHOLE if b.status in _SEALED else "")
    # A closed or declared ballot from the factory has been counted, unless a test says counted_at=None.
    counted_at = factory.LazyAttribute(lambda b: b.closes_at if b.status in _COUNTED else None)


class RollEntryFactory(factory.django.DjangoModelFactory):
    """A member's entry on a ballot's roll, snapshotting the ward and number as `ballot_open` does."""

    class Meta:
        model = RollEntry

    ballot = factory.SubFactory(TriggerBallotFactory)
    member = factory.SubFactory(MemberFactory)
    ward = factory.LazyAttribute(lambda entry: entry.member.ward)
    membership_number = factory.LazyAttribute(lambda entry: entry.member.membership_number)


# Officer side: ballots made and opened through the officer services.


def members_in(wards, per_ward=3):
    """`per_ward` eligible members in each ward (joined 2015, active)."""
    return [member for ward in wards for member in MemberFactory.create_batch(per_ward, ward=ward)]


def draft_ballot_ready_to_open(*, constituency, wards):
    """A draft ballot in `constituency` with three eligible members per ward and two affiliates."""
    members_in(wards)
    AffiliateFactory.create_batch(2, constituency=constituency)
    return TriggerBallotFactory(constituency=constituency)


def open_ballot_with_roll(*, constituency, wards, per_ward=3, affiliates=2, actor=None, **ballot_values):
    """A ballot opened through the service: its roll holds `per_ward` members per ward and `affiliates` affiliates."""
    members_in(wards, per_ward)
    AffiliateFactory.create_batch(affiliates, constituency=constituency)
    ballot = TriggerBallotFactory(constituency=constituency, **ballot_values)
    officer_services.ballot_open(ballot=ballot, public_key=BALLOT_PUBLIC_KEY, actor=actor)
    return ballot


def ballot_count_with_key(ballot, *, actor=None, now=None):
    """Count `ballot`'s sealed votes with the test run's key, as its officer would at close."""
    return officer_services.ballot_count(ballot=ballot, private_key=BALLOT_KEY, actor=actor, now=now)


# Voting side: an open ballot whose voters' codes the test knows.


@dataclass
class Voter:
    membership_number: str
    code: str
    entry: RollEntry


def open_ballot_with_voters(constituency, *, voters=3, wards=None, **ballot_fields):
    """An open ballot in `constituency` and `voters` members on its roll, each with a code.

    The roll entries are written directly (as `ballot_open` would leave them, with a code issued)
    because only the member ever sees a code: this is the one way a test can hold it.
    """
    ballot_fields.setdefault("status", TriggerBallot.Status.OPEN)
    ballot = TriggerBallotFactory(constituency=constituency, **ballot_fields)
    wards = wards or [WardFactory(constituency=constituency)]
    people = []
    for index in range(voters):
        member = MemberFactory(ward=wards[index % len(wards)])
        code = voting_code_generate()
        entry = RollEntryFactory(
            ballot=ballot,
            member=member,
            code_hash=voting_code_hash(ballot_id=ballot.pk, code=code),
            code_issued_at=timezone.now(),
        )
        people.append(Voter(member.membership_number, code, entry))
    return ballot, people


# Results side: a ballot with its votes, written in bulk so a test can make thousands.

_roll_numbers = itertools.count(1)


def make_ballot_with_votes(
    *,
    constituency=None,
    wards=(("Barton", 30, 20, 60), ("Northgate", 10, 25, 40)),
    affiliates=(("Unite Canterbury", "trade_union", "reselect", 120),),
    status=TriggerBallot.Status.DECLARED,
    **ballot_fields,
):
    """A ballot with member votes per ward and affiliate votes.

    ``wards``: (name, reselect, open, on_roll) — on_roll at least reselect + open; the first
    reselect + open roll entries are marked as voted. ``affiliates``: (name, kind, vote,
    affiliated members) with vote ``reselect``/``open``/``abstain``, or ``None`` for eligible
    but did not vote. No officer or voting service is used, so the results tests depend only
    on the models.
    """
    constituency = constituency or ConstituencyFactory()
    now = timezone.now()
    defaults = {
        "opens_at": now - dt.timedelta(days=15),
        "closes_at": now - dt.timedelta(days=1),
        "opened_at": now - dt.timedelta(days=15),
    }
    if status in (TriggerBallot.Status.CLOSED, TriggerBallot.Status.DECLARED):
        defaults["closed_at"] = now - dt.timedelta(days=1)
    if status == TriggerBallot.Status.DECLARED:
        defaults["declared_at"] = now - dt.timedelta(hours=20)
    defaults.update(ballot_fields)
    ballot = TriggerBallotFactory(constituency=constituency, status=status, **defaults)
    votes, sealed, members, entries = [], [], [], []
    for name, reselect, open_, on_roll in wards:
        ward = WardFactory(constituency=constituency, name=name)
        if ballot.counted_at is not None:
            votes.append(WardVoteCount(ballot=ballot, ward=ward, reselect=reselect, open=open_))
        elif ballot.seal_public_key:  # still sealed: what voting leaves until the count (a draft takes none)
            sealed += [
                SealedVote(ballot=ballot, sealed=_sealed(ballot, ward, choice))
                for choice, n in (("reselect", reselect), ("open", open_))
                for _ in range(n)
            ]
        for i in range(max(on_roll, reselect + open_)):
            number = f"R{next(_roll_numbers):07d}"
            member = Member(
                membership_number=number,
                first_name="A",
                last_name="Member",
                email="",
                ward=ward,
                joined_on=dt.date(2015, 1, 1),
            )
            members.append(member)
            entries.append((member, ward, number, i < reselect + open_))
    WardVoteCount.objects.bulk_create(votes, batch_size=2000)
    SealedVote.objects.bulk_create(sealed, batch_size=2000)
    Member.objects.bulk_create(members, batch_size=2000)
    if not members or members[0].pk is None:  # SQLite before 3.35 returns no ids
        numbers = [member.membership_number for member in members]
        by_number = dict(Member.objects.filter(membership_number__in=numbers).values_list("membership_number", "pk"))
        for member in members:
            member.pk = by_number[member.membership_number]
    RollEntry.objects.bulk_create(
        [
            RollEntry(ballot=ballot, member=member, ward=ward, membership_number=number, has_voted=voted)
            for member, ward, number, voted in entries
        ],
        batch_size=2000,
    )
    made = Affiliate.objects.bulk_create(
        [
            AffiliateFactory.build(constituency=constituency, name=name, kind=kind, affiliated_members=count)
            for name, kind, _vote, count in affiliates
        ]
    )
    if made and made[0].pk is None:
        made = list(Affiliate.objects.filter(constituency=constituency, name__in=[a[0] for a in affiliates]))
    by_name = {affiliate.name: affiliate for affiliate in made}
    BallotAffiliate.objects.bulk_create(
        [
            BallotAffiliate(ballot=ballot, affiliate=by_name[name], affiliated_members=count)
            for name, _kind, _vote, count in affiliates
        ]
    )
    AffiliateVote.objects.bulk_create(
        [
            AffiliateVote(
                ballot=ballot, affiliate=by_name[name], choice=vote, delegate_name="A Delegate", recorded_at=now
            )
            for name, _kind, vote, _count in affiliates
            if vote is not None
        ]
    )
    return ballot


def sealed_votes_opened(ballot):
    """The ballot's sealed votes opened with the test run's key: sorted (ward id, choice) pairs."""
    opener = VoteOpener(private_key=BALLOT_KEY, ballot_id=ballot.pk)
    return sorted(
        opener.open(sealed) for sealed in SealedVote.objects.filter(ballot=ballot).values_list("sealed", flat=True)
    )


def _sealed(ballot, ward, choice):
    return vote_seal(public_key=ballot.seal_public_key, ballot_id=ballot.pk, ward_id=ward.pk, choice=choice)
