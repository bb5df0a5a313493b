"""Demo ballots for seed_demo: one declared ballot with a realistic result, one draft ready to open
(taking votes online, by post and at branch meetings).

The declared ballot is run through the same services as a real one, with the clock set back:
opened in the past (roll frozen then), codes issued through `voting_codes_issue`, every vote
cast through `ballots.voting.services.vote_cast` (the members' own service) with the code just issued,
affiliates' decisions recorded, closed at its closing time, counted and declared. The codes
live only in memory for the moment each vote is cast; they are never printed or stored. So
does the ballot's sealing key: made here, used for the count, then forgotten, as an officer's
would be kept away from the server.

Both belong to the region's demo round (ROUND_NAME), with a draft for a second constituency of
the region, so the region's dashboard, the round's forecast and its public overview have
something to show.

Idempotent: a constituency that already has a declared (or a draft) ballot is left alone.
Random choices come from a fixed seed, so every fresh database gets the same result.
"""

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from ballots import counting
from ballots.models import BallotAffiliate, Round, TriggerBallot
from ballots.officer import services
from ballots.sealing import ballot_key_generate, public_key_of
from ballots.voting.services import vote_cast

SEED = 20220314
ROUND_NAME = "Trigger ballots, this Parliament"

# Wards where hardly anyone votes, so that the public page withholds their counts (fewer than
# the disclosure threshold of 10 votes).
QUIET_WARDS = {"Nailbourne", "Reculver", "Greenhill"}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def _declared_ballot(constituency, actor, rng: random.Random) -> TriggerBallot:
    today = timezone.localdate()
    opens_at = _at(today - dt.timedelta(days=120), 9)
    closes_at = _at(today - dt.timedelta(days=106), 17)
    ballot = services.ballot_create(
        actor=actor,
        constituency=constituency,
        rules=counting.DEFAULT_RULES,
        freeze_date=(opens_at - dt.timedelta(days=14)).date(),
        opens_at=opens_at,
        closes_at=closes_at,
    )
    # Set up three weeks before it opened (the audit log still says when the demo really ran).
    TriggerBallot.objects.filter(pk=ballot.pk).update(created_at=opens_at - dt.timedelta(days=21))
    voting_time = opens_at + dt.timedelta(hours=1)
    private_key = ballot_key_generate()
    services.ballot_open(
        ballot=ballot, public_key=public_key_of(private_key), actor=actor, now=opens_at - dt.timedelta(hours=2)
    )
    issued = services.voting_codes_issue(ballot=ballot, actor=actor, now=opens_at - dt.timedelta(hours=1))

    by_ward = defaultdict(list)
    for entry, code in issued:
        by_ward[entry.ward.name].append((entry, code))
    for ward_name in sorted(by_ward):
        entries = by_ward[ward_name]
        turnout = rng.uniform(0.05, 0.09) if ward_name in QUIET_WARDS else rng.uniform(0.22, 0.42)
        reselect_share = rng.uniform(0.35, 0.68)
        voters = rng.sample(entries, round(len(entries) * turnout))
        for entry, code in voters:
            choice = "reselect" if rng.random() < reselect_share else "open"
            vote_cast(
                ballot=ballot, membership_number=entry.membership_number, code=code, choice=choice, now=voting_time
            )
    del issued, by_ward  # the codes go no further

    affiliates = BallotAffiliate.objects.filter(ballot=ballot).select_related("affiliate").order_by("affiliate__name")
    for row in affiliates:
        if rng.random() < 0.2:
            continue  # some affiliates never report a decision
        choice = rng.choices(["reselect", "open", "abstain"], weights=[6, 3, 1])[0]
        services.affiliate_vote_record(
            ballot=ballot,
            affiliate=row.affiliate,
            choice=choice,
            delegate_name=row.affiliate.delegate_name or "The branch secretary",
            actor=actor,
            now=voting_time + dt.timedelta(days=rng.randint(1, 12)),
        )
    services.ballot_close(ballot=ballot, actor=actor, now=closes_at)
    services.ballot_count(ballot=ballot, private_key=private_key, actor=actor, now=closes_at + dt.timedelta(hours=1))
    del private_key
    services.ballot_declare(ballot=ballot, actor=actor, now=closes_at + dt.timedelta(hours=18))
    return ballot


def _draft_ballot(constituency, actor) -> TriggerBallot:
    today = timezone.localdate()
    return services.ballot_create(
        actor=actor,
        constituency=constituency,
        rules=counting.DEFAULT_RULES,
        freeze_date=today - dt.timedelta(days=7),
        opens_at=_at(today, 9),
        closes_at=_at(today + dt.timedelta(days=14), 17),
        # Members vote online, by post (papers in by three days before the close) or at
        # branch meetings, so every channel can be tried once it opens.
        paper_voting=True,
        paper_closes_at=_at(today + dt.timedelta(days=11), 17),
        meeting_voting=True,
    )


@transaction.atomic
def demo_ballots_seed(*, constituency, actor=None, stdout=None, other_constituency=None) -> dict:
    """Add the demo's declared and draft ballots to `constituency` unless it has them already, and,
    when `constituency` is in a region, put them in the region's demo round with a draft for
    `other_constituency`."""
    ballots = TriggerBallot.objects.filter(constituency=constituency)
    made = {"declared": None, "draft": None}
    if not ballots.filter(status=TriggerBallot.Status.DECLARED).exists():
        made["declared"] = _declared_ballot(constituency, actor, random.Random(SEED))
    if not ballots.filter(status=TriggerBallot.Status.DRAFT).exists():
        made["draft"] = _draft_ballot(constituency, actor)
    if constituency.region_id is not None:
        demo_round, _ = Round.objects.get_or_create(region_id=constituency.region_id, name=ROUND_NAME)
        for ballot in made.values():
            if ballot is not None:
                TriggerBallot.objects.filter(pk=ballot.pk).update(round=demo_round)
        if other_constituency is not None and not other_constituency.ballots.exists():
            draft = _draft_ballot(other_constituency, actor)
            TriggerBallot.objects.filter(pk=draft.pk).update(round=demo_round)
    if stdout is not None:
        declared = made["declared"]
        if declared is not None:
            voted = declared.roll.filter(has_voted=True).count()
            stdout.write(
                f"Demo ballots: declared ballot {declared.pk} in {constituency.name} "
                f"({voted} of {declared.roll.count()} members voted)."
            )
        if made["draft"] is not None:
            stdout.write(f"Demo ballots: draft ballot {made['draft'].pk} in {constituency.name}, ready to open.")
        if declared is None and made["draft"] is None:
            stdout.write(f"Demo ballots: {constituency.name} already has its declared and draft ballots.")
    return made
