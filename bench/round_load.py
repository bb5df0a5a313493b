"""Benchmark: a round of 200 ballots over 400,000 members and 100,000 votes: the dashboard and the public overview.

    .venv/bin/python bench/round_load.py [--ballots N] [--members M] [--votes V] [--repeat R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_round .venv/bin/python bench/round_load.py

PostgreSQL only (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/bench_round). A
throwaway database (``test_bench_round``) is created and migrated here and dropped at the end.

Data, loaded in bulk (``bulk_create`` for the few thousand rows, INSERT ... SELECT for the rest):
one region and one round of --ballots ballots, each in a constituency of its own with 10 wards,
10 affiliates and --members / ballots members (92% active, 5% in arrears, 3% lapsed; one in
twenty joined too recently). Of the ballots 30% are declared, 10% closed (counted, not
declared), 50% open and 10% drafts; the drafts ask for 6 or 12 months' membership, so the
dashboard's draft count has two sets of rules to count. Every opened ballot's roll holds its
eligible members (codes sent to nine in ten); --votes of them have voted, spread evenly, and the
counted ballots hold their votes as the count leaves them (one ``WardVoteCount`` row per ward).
Each affiliate of an opened ballot is eligible; those of the counted ballots and half of the
open ones' have a recorded decision. Then VACUUM ANALYZE.

Timed in the same run, in alternating rounds (so that outside load falls on all alike), each
with one warm-up first; the median of --repeat rounds is printed:

* dashboard raw: the aggregate SQL the dashboard needs, by hand through a cursor (the region's
  ballots; one GROUP BY ballot over the roll; one over the eligible affiliates; the drafts'
  members and affiliates by constituency; the declared ballots' ward counts, ward names and
  affiliates' decisions);
* dashboard page: GET /regions/<pk>/dashboard/ through Django's test client, as the region's
  regional officer (first page of the table, both charts over all 200 ballots);
* overview raw: the reads a public overview of the round needs (its ballots; turnout by ballot
  from the roll; the declared ballots' ward counts, ward names and affiliates' decisions);
* overview page: GET /rounds/<pk>/ (``ballots:round_overview``), anonymous.

It prints each median and the ratio page/raw. The aims: each page under 1 s, and within twice
its raw queries. This is a benchmark, never a test: nothing here asserts a time.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_round")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
# A failing page's warnings would interleave with the figures; its status is checked below.
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

WARDS_PER_BALLOT = 10
AFFILIATES_PER_BALLOT = 10
FREEZE = dt.date(2026, 1, 15)

# The dashboard's reads, as plain SQL (the same aggregates its selectors ask the ORM for).
RAW_BALLOTS = """
    SELECT b.id, b.status, b.closes_at, b.rules, b.freeze_date, b.min_membership_months, b.arrears_allowed,
           b.affiliate_min_days, c.name, r.name
    FROM ballots_triggerballot b JOIN members_constituency c ON c.id = b.constituency_id
    LEFT JOIN ballots_round r ON r.id = b.round_id
    WHERE c.region_id = %s ORDER BY c.name
"""
RAW_ROLL = """
    SELECT ballot_id, count(*), count(*) FILTER (WHERE has_voted), count(*) FILTER (WHERE delivery_state = 'sent')
    FROM ballots_rollentry WHERE ballot_id = ANY(%s) GROUP BY ballot_id
"""
RAW_AFFILIATES = """
    SELECT ba.ballot_id, count(*), count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM ballots_affiliatevote v WHERE v.ballot_id = ba.ballot_id AND v.affiliate_id = ba.affiliate_id))
    FROM ballots_ballotaffiliate ba WHERE ba.ballot_id = ANY(%s) GROUP BY ba.ballot_id
"""
RAW_DRAFT_MEMBERS = """
    SELECT w.constituency_id,
           count(*) FILTER (WHERE m.status = 'active' AND m.joined_on <= %s),
           count(*) FILTER (WHERE m.status = 'active' AND m.joined_on <= %s)
    FROM members_member m JOIN members_ward w ON w.id = m.ward_id
    WHERE w.constituency_id = ANY(%s) GROUP BY w.constituency_id
"""
RAW_DRAFT_AFFILIATES = """
    SELECT constituency_id, count(*) FILTER (WHERE affiliated_on <= %s)
    FROM members_affiliate WHERE constituency_id = ANY(%s) GROUP BY constituency_id
"""
RAW_VOTES = (
    "SELECT ballot_id, ward_id, channel, reselect, open, spoilt FROM ballots_wardvotecount WHERE ballot_id = ANY(%s)"
)
RAW_WARD_NAMES = "SELECT id, name FROM members_ward WHERE constituency_id = ANY(%s)"
RAW_DECLARED_AFFILIATES = """
    SELECT ba.ballot_id, ba.affiliate_id, a.name, a.kind, ba.affiliated_members, v.choice
    FROM ballots_ballotaffiliate ba JOIN members_affiliate a ON a.id = ba.affiliate_id
    LEFT JOIN ballots_affiliatevote v ON v.ballot_id = ba.ballot_id AND v.affiliate_id = ba.affiliate_id
    WHERE ba.ballot_id = ANY(%s) ORDER BY a.name
"""
RAW_ROUND_BALLOTS = """
    SELECT b.id, b.status, b.closes_at, c.name FROM ballots_triggerballot b
    JOIN members_constituency c ON c.id = b.constituency_id WHERE b.round_id = %s ORDER BY c.name
"""
RAW_TURNOUT = """
    SELECT ballot_id, count(*), count(*) FILTER (WHERE has_voted) FROM ballots_rollentry
    WHERE ballot_id = ANY(%s) GROUP BY ballot_id
"""


def load(*, ballots: int, members: int, votes: int):
    """Build the region, its round and its ballots; return (region, round, regional officer)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from ballots.models import AffiliateVote, BallotAffiliate, Round, TriggerBallot
    from members.models import REGIONAL_OFFICERS_GROUP, Affiliate, Constituency, Region, Ward

    now = timezone.now()
    region = Region.objects.create(name="Bench region")
    officer = get_user_model().objects.create_user(username="regional", password="bench-password-1234")
    officer.groups.add(Group.objects.get(name=REGIONAL_OFFICERS_GROUP))
    region.officers.add(officer)
    round_ = Round.objects.create(region=region, name="Bench round")
    constituencies = Constituency.objects.bulk_create(
        [Constituency(name=f"Bench {i:03d}", sitting_mp=f"Member {i:03d}", region=region) for i in range(ballots)]
    )
    Ward.objects.bulk_create(
        [Ward(constituency=c, name=f"Ward {w:02d}") for c in constituencies for w in range(WARDS_PER_BALLOT)]
    )
    kinds = ["trade_union", "socialist_society", "cooperative", "other"]
    affiliates = Affiliate.objects.bulk_create(
        [
            Affiliate(
                constituency=c,
                name=f"Affiliate {c.pk}-{a}",
                kind=kinds[a % 4],
                affiliated_on=dt.date(2015, 1, 1) if a < 8 else FREEZE,
                affiliated_members=50 + a,
            )
            for c in constituencies
            for a in range(AFFILIATES_PER_BALLOT)
        ]
    )

    def status_of(i: int) -> str:
        share = i % 10
        return "declared" if share < 3 else "closed" if share == 3 else "draft" if share == 4 else "open"

    made = []
    for i, c in enumerate(constituencies):
        status = status_of(i)
        done = status in ("declared", "closed")
        made.append(
            TriggerBallot(
                constituency=c,
                round=round_,
                sitting_mp=c.sitting_mp,
                freeze_date=FREEZE,
                min_membership_months=12 if status == "draft" and i % 20 == 4 else 6,
                opens_at=now - dt.timedelta(days=10),
                closes_at=now + dt.timedelta(days=4) if not done else now - dt.timedelta(days=1),
                status=status,
                opened_at=None if status == "draft" else now - dt.timedelta(days=10),
                closed_at=now - dt.timedelta(days=1) if done else None,
                counted_at=now - dt.timedelta(hours=20) if done else None,
                declared_at=now - dt.timedelta(hours=12) if status == "declared" else None,
                seal_public_key="" if status == "draft" else "ab" * 32,
                key_custody="" if status == "draft" else "whole",
            )
        )
    made = TriggerBallot.objects.bulk_create(made)
    opened = [b for b in made if b.status != "draft"]
    by_constituency: dict[int, list] = {}
    for affiliate in affiliates:
        by_constituency.setdefault(affiliate.constituency_id, []).append(affiliate)
    BallotAffiliate.objects.bulk_create(
        [
            BallotAffiliate(ballot=b, affiliate=a, affiliated_members=a.affiliated_members)
            for b in opened
            for a in by_constituency[b.constituency_id]
        ]
    )
    choices = ["reselect", "open", "abstain"]
    AffiliateVote.objects.bulk_create(
        [
            AffiliateVote(
                ballot=b, affiliate=a, choice=choices[(a.pk * 7) % 3], delegate_name="Delegate", recorded_at=now
            )
            for b in opened
            for n, a in enumerate(by_constituency[b.constituency_id])
            if b.status != "open" or n % 2 == 0
        ]
    )
    per_ward = max(members // (ballots * WARDS_PER_BALLOT), 1)
    with connection.cursor() as cursor:
        # Member i of a ward: lapsed when i % 100 >= 97, in arrears when >= 92; joined too recently when i % 20 == 7.
        cursor.execute(
            """
            INSERT INTO members_member (membership_number, first_name, last_name, email, ward_id, joined_on, status,
                                        address, postcode)
            SELECT 'B' || w.id || '-' || i, 'Bench', 'Member', 'm' || w.id || '-' || i || '@example.org', w.id,
                   CASE WHEN i %% 20 = 7 THEN DATE '2025-12-01' ELSE DATE '2015-01-01' END,
                   CASE WHEN i %% 100 >= 97 THEN 'lapsed' WHEN i %% 100 >= 92 THEN 'arrears' ELSE 'active' END,
                   '', ''
            FROM members_ward w JOIN members_constituency c ON c.id = w.constituency_id,
                 generate_series(0, %s - 1) AS i
            WHERE c.region_id = %s
            """,
            [per_ward, region.pk],
        )
        # The roll: the eligible members of each opened ballot (active, joined on or before 15 July 2025).
        cursor.execute(
            """
            INSERT INTO ballots_rollentry (ballot_id, member_id, ward_id, membership_number, code_hash, has_voted,
                                           vote_channel, marked_session, delivery_state, delivery_channel,
                                           delivery_failure, delivery_reference)
            SELECT b.id, m.id, m.ward_id, m.membership_number, md5(m.membership_number), false, '', '',
                   CASE WHEN m.id %% 10 = 0 THEN 'not_sent' ELSE 'sent' END, 'email', '', ''
            FROM ballots_triggerballot b JOIN members_ward w ON w.constituency_id = b.constituency_id
            JOIN members_member m ON m.ward_id = w.id
            WHERE b.round_id = %s AND b.status <> 'draft' AND m.status = 'active' AND m.joined_on <= DATE '2025-07-15'
            """,
            [round_.pk],
        )
        # `votes` voters, spread evenly: the first few hundred of each opened ballot's roll.
        each, extra = divmod(votes, len(opened))
        cursor.execute(
            """
            UPDATE ballots_rollentry e SET has_voted = true, vote_channel = 'online'
            FROM (SELECT id, ballot_id, row_number() OVER (PARTITION BY ballot_id ORDER BY id) AS n,
                         dense_rank() OVER (ORDER BY ballot_id) AS b FROM ballots_rollentry) AS r
            WHERE r.id = e.id AND r.n <= %s + CASE WHEN r.b <= %s THEN 1 ELSE 0 END
            """,
            [each, extra],
        )
        # The counted ballots' votes as the count leaves them; ballot b reselects with 30% .. 70%.
        cursor.execute(
            """
            INSERT INTO ballots_wardvotecount (ballot_id, ward_id, channel, reselect, open, spoilt)
            SELECT e.ballot_id, e.ward_id, 'online',
                   count(*) FILTER (WHERE (e.member_id * 7919) % 1000 < 300 + (e.ballot_id % 9) * 50),
                   count(*) FILTER (WHERE (e.member_id * 7919) % 1000 >= 300 + (e.ballot_id % 9) * 50), 0
            FROM ballots_rollentry e JOIN ballots_triggerballot b ON b.id = e.ballot_id
            WHERE e.has_voted AND b.counted_at IS NOT NULL GROUP BY e.ballot_id, e.ward_id
            """
        )
        cursor.execute("SELECT count(*) FROM members_member")
        n_members = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE has_voted) FROM ballots_rollentry")
        n_roll, n_voted = cursor.fetchone()
    return region, round_, officer, made, (n_members, n_roll, n_voted)


def vacuum_analyze():
    with connection.cursor() as cursor:
        for table in (
            "ballots_rollentry",
            "ballots_wardvotecount",
            "members_member",
            "members_ward",
            "ballots_ballotaffiliate",
            "ballots_affiliatevote",
            "ballots_triggerballot",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--members", type=int, default=400_000)
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (to study plans)")
    parser.add_argument("--profile", action="store_true", help="profile both pages")
    args = parser.parse_args()

    database = connection.settings_dict
    if connection.vendor != "postgresql":
        print("round_load needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite is not measured).")
        return 2
    database["TEST"]["NAME"] = f"test_{database['NAME']}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from django.test import Client
        from django.urls import reverse

        from members.selectors import months_before

        start = time.perf_counter()
        region, round_, officer, ballots, (n_members, n_roll, n_voted) = load(
            ballots=args.ballots, members=args.members, votes=args.votes
        )
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        vacuum_analyze()
        vacuumed = time.perf_counter() - start
        by_status: dict[str, int] = {}
        for ballot in ballots:
            by_status[ballot.status] = by_status.get(ballot.status, 0) + 1
        print(
            f"loaded {len(ballots)} ballots ({', '.join(f'{n} {s}' for s, n in sorted(by_status.items()))}), "
            f"{n_members:,} members, {n_roll:,} roll entries, {n_voted:,} votes in {loaded:.1f}s; "
            f"VACUUM ANALYZE {vacuumed:.1f}s"
        )

        opened = [b.pk for b in ballots if b.status != "draft"]
        drafts = [b.constituency_id for b in ballots if b.status == "draft"]
        declared = [b for b in ballots if b.status == "declared"]
        declared_ids = [b.pk for b in declared]
        declared_constituencies = [b.constituency_id for b in declared]
        six, twelve = months_before(FREEZE, 6), months_before(FREEZE, 12)

        def declared_reads(cursor):
            cursor.execute(RAW_VOTES, [declared_ids])
            cursor.fetchall()
            cursor.execute(RAW_WARD_NAMES, [declared_constituencies])
            cursor.fetchall()
            cursor.execute(RAW_DECLARED_AFFILIATES, [declared_ids])
            cursor.fetchall()

        def dashboard_raw():
            with connection.cursor() as cursor:
                cursor.execute(RAW_BALLOTS, [region.pk])
                cursor.fetchall()
                cursor.execute(RAW_ROLL, [opened])
                cursor.fetchall()
                cursor.execute(RAW_AFFILIATES, [opened])
                cursor.fetchall()
                cursor.execute(RAW_DRAFT_MEMBERS, [six, twelve, drafts])
                cursor.fetchall()
                cursor.execute(RAW_DRAFT_AFFILIATES, [FREEZE, drafts])
                cursor.fetchall()
                declared_reads(cursor)

        def overview_raw():
            with connection.cursor() as cursor:
                cursor.execute(RAW_ROUND_BALLOTS, [round_.pk])
                cursor.fetchall()
                cursor.execute(RAW_TURNOUT, [opened])
                cursor.fetchall()
                declared_reads(cursor)

        officer_client, public_client = Client(), Client()
        officer_client.force_login(officer)
        dashboard_url = reverse("ballots:region_dashboard", args=[region.pk])
        overview_url = reverse("ballots:round_overview", args=[round_.pk])
        overview_status: list[int] = []

        def dashboard_page():
            response = officer_client.get(dashboard_url)
            assert response.status_code == 200, response.status_code
            return response

        def overview_page():
            response = public_client.get(overview_url)
            overview_status.append(response.status_code)
            return response

        first = dashboard_page()
        assert len(first.context["table"].data.data) == len(ballots)
        steps = {"dashboard raw": dashboard_raw, "dashboard page": dashboard_page}
        steps |= {"overview raw": overview_raw, "overview page": overview_page}
        for step in steps.values():
            step()  # warm-up
        times: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(args.repeat):
            for name, step in steps.items():
                start = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - start)
        median = {name: statistics.median(values) for name, values in times.items()}

        if args.profile:
            import cProfile
            import pstats

            for step in (dashboard_page, overview_page):
                profiler = cProfile.Profile()
                profiler.runcall(step)
                pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + RAW_ROLL, [opened])
            roll_plan = [row[0] for row in cursor.fetchall()]
        roll_scan = next((line.strip() for line in roll_plan if "Scan" in line), "?")

        def line(name, value, ratio_to=None):
            ratio = f"   ratio {value / median[ratio_to]:.2f}" if ratio_to else ""
            print(f"{name + ':':36}{value * 1000:9.1f} ms{ratio}")

        line("dashboard, raw aggregate SQL", median["dashboard raw"])
        line("dashboard page (regional officer)", median["dashboard page"], "dashboard raw")
        line("overview, raw aggregate SQL", median["overview raw"])
        line("overview page (public, anonymous)", median["overview page"], "overview raw")
        print(f"(roll GROUP BY: {roll_scan})")
        built = set(overview_status) == {200}
        if not built:
            print(
                f"the round overview answered {sorted(set(overview_status))}: it is still a placeholder, so its "
                "time is the 404's, not the page's"
            )
        aims = []
        for page, raw in (("dashboard page", "dashboard raw"), ("overview page", "overview raw")):
            met = median[page] < 1.0 and median[page] / median[raw] <= 2.0
            verdict = "met" if met else "NOT met"
            if page == "overview page" and not built:
                verdict = "not measured (placeholder)"
            aims.append(f"{page.split()[0]}: {verdict}")
        print(f"aims (under 1 s, within 2x the raw queries): {'; '.join(aims)}")
        return 0
    finally:
        if args.keep:
            print(f"kept database {database['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
