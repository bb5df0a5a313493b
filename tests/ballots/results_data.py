"""Builders for results tests: a ballot with votes, made from factories and direct model rows.

No officer or voting services are used, so these tests depend only on the models.
"""

import datetime as dt
import itertools

from django.utils import timezone

from ballots.models import AffiliateVote, BallotAffiliate, MemberVote, RollEntry, TriggerBallot
from members.models import Affiliate, Member
from tests.factories import AffiliateFactory, ConstituencyFactory, TriggerBallotFactory, WardFactory

_numbers = itertools.count(1)


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
    but did not vote.
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
    votes, members, entries = [], [], []
    for name, reselect, open_, on_roll in wards:
        ward = WardFactory(constituency=constituency, name=name)
        votes += [MemberVote(ballot=ballot, ward=ward, choice="reselect") for _ in range(reselect)]
        votes += [MemberVote(ballot=ballot, ward=ward, choice="open") for _ in range(open_)]
        for i in range(max(on_roll, reselect + open_)):
            number = f"R{next(_numbers):07d}"
            member = Member(
                membership_number=number, first_name="A", last_name="Member", email="", ward=ward,
                joined_on=dt.date(2015, 1, 1),
            )
            members.append(member)
            entries.append((member, ward, number, i < reselect + open_))
    MemberVote.objects.bulk_create(votes, batch_size=2000)
    Member.objects.bulk_create(members, batch_size=2000)
    if not members or members[0].pk is None:  # SQLite before 3.35 returns no ids
        by_number = dict(Member.objects.filter(membership_number__in=[m.membership_number for m in members])
                         .values_list("membership_number", "pk"))
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
    by_name = {a.name: a for a in made}
    BallotAffiliate.objects.bulk_create(
        [BallotAffiliate(ballot=ballot, affiliate=by_name[name], affiliated_members=count)
         for name, _kind, _vote, count in affiliates]
    )
    AffiliateVote.objects.bulk_create(
        [
            AffiliateVote(ballot=ballot, affiliate=by_name[name], choice=vote, delegate_name="A Delegate",
                          recorded_at=now)
            for name, _kind, vote, _count in affiliates
            if vote is not None
        ]
    )
    return ballot
