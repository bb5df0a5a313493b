"""Benchmark: a declared ballot's results page and JSON with 1,000,000 member votes, against raw SQL.

    .venv/bin/python bench/bench_results.py [--votes N] [--wards W] [--affiliates A] [--repeat R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_results .venv/bin/python bench/bench_results.py

PostgreSQL only (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/bench_results).
A throwaway database (``test_bench_results``) is created and migrated here and dropped at the end.

Data, loaded with SQL (INSERT ... SELECT generate_series) in about a minute: 1 constituency,
100 wards, 300 affiliates (each eligible, with a vote: reselect, open or abstain), 1,200,000
members, all on the ballot's roll, of whom the first 1,000,000 have voted; 1,000,000 member
votes spread over the wards, each ward with its own split, stored as the count leaves them
(one online ``WardVoteCount`` row per ward: the sealed votes are gone once counted). Then VACUUM
ANALYZE, as a ballot's tables are once its count has run.

Timed in the same run (median of --repeat runs, after one warm-up each):

* raw: the reads the tally needs, by hand through a cursor: the ward counts
  (``SELECT ward_id, reselect, open FROM ballots_wardvotecount WHERE ballot_id = %s``) and the
  GROUP BY over ``ballots_rollentry`` by (ward_id, has_voted) for turnout;
* page: GET /ballots/<id>/results through Django's test client (anonymous: the public page);
* json: GET /ballots/<id>/results.json.

It prints each time and the ratios page/raw and json/raw. The aim: under a second, and within
twice the raw queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_results")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RAW_VOTES = "SELECT ward_id, reselect, open FROM ballots_wardvotecount WHERE ballot_id = %s"
RAW_ROLL = "SELECT ward_id, has_voted, count(*) FROM ballots_rollentry WHERE ballot_id = %s GROUP BY 1, 2"


def load(*, votes: int, members: int, wards: int, affiliates: int):
    """Build the constituency, the declared ballot and its votes; return the ballot."""
    import datetime as dt

    from django.utils import timezone

    from ballots.models import AffiliateVote, BallotAffiliate, TriggerBallot
    from members.models import Affiliate, Constituency, Ward

    constituency = Constituency.objects.create(name="Bench", sitting_mp="A Member")
    Ward.objects.bulk_create([Ward(constituency=constituency, name=f"Ward {i:03d}") for i in range(wards)])
    ward_ids = list(Ward.objects.filter(constituency=constituency).order_by("name").values_list("pk", flat=True))
    kinds = ["trade_union", "socialist_society", "cooperative", "other"]
    Affiliate.objects.bulk_create(
        [
            Affiliate(
                constituency=constituency,
                name=f"Affiliate {i:03d}",
                kind=kinds[i % 4],
                affiliated_on=dt.date(2015, 1, 1),
                affiliated_members=50 + i,
            )
            for i in range(affiliates)
        ]
    )
    now = timezone.now()
    ballot = TriggerBallot.objects.create(
        constituency=constituency,
        sitting_mp="A Member",
        freeze_date=dt.date(2024, 1, 1),
        opens_at=now - dt.timedelta(days=20),
        closes_at=now - dt.timedelta(days=2),
        status="declared",
        opened_at=now - dt.timedelta(days=20),
        closed_at=now - dt.timedelta(days=2),
        counted_at=now - dt.timedelta(days=2),
        declared_at=now - dt.timedelta(days=1),
    )
    made = list(Affiliate.objects.filter(constituency=constituency).order_by("name"))
    BallotAffiliate.objects.bulk_create(
        [BallotAffiliate(ballot=ballot, affiliate=a, affiliated_members=a.affiliated_members) for a in made]
    )
    choices = ["reselect", "open", "abstain"]
    AffiliateVote.objects.bulk_create(
        [
            AffiliateVote(
                ballot=ballot, affiliate=a, choice=choices[(i * 7) % 3], delegate_name="Delegate", recorded_at=now
            )
            for i, a in enumerate(made)
        ]
    )
    first_ward, n_wards = ward_ids[0], len(ward_ids)
    assert ward_ids == list(range(first_ward, first_ward + n_wards)), "ward ids are expected to be consecutive"
    with connection.cursor() as cursor:
        # Member i lives in ward (i mod W); the first `votes` members have voted.
        cursor.execute(
            """
            INSERT INTO members_member (membership_number, first_name, last_name, email, ward_id, joined_on, status,
                                        address, postcode)
            SELECT 'B' || lpad(i::text, 8, '0'), 'Bench', 'Member', '', %s + (i %% %s), DATE '2015-01-01', 'active',
                   '', ''
            FROM generate_series(0::bigint, %s - 1) AS i
            """,
            [first_ward, n_wards, members],
        )
        cursor.execute(
            """
            INSERT INTO ballots_rollentry (ballot_id, member_id, ward_id, membership_number, code_hash, has_voted,
                                           vote_channel, marked_session, delivery_state, delivery_channel,
                                           delivery_failure, delivery_reference)
            SELECT %s, m.id, m.ward_id, m.membership_number, '', substr(m.membership_number, 2)::int < %s,
                   '', '', 'sent', 'email', '', ''
            FROM members_member m WHERE m.membership_number LIKE 'B%%'
            """,
            [ballot.pk, votes],
        )
        # Each ward has its own split: ward w reselects with probability 35% .. 65%. Stored as
        # the count leaves it: one row per ward.
        cursor.execute(
            """
            INSERT INTO ballots_wardvotecount (ballot_id, ward_id, channel, reselect, open, spoilt)
            SELECT %s, ward_id, 'online', count(*) FILTER (WHERE reselects), count(*) FILTER (WHERE NOT reselects), 0
            FROM (
                SELECT %s + (i %% %s) AS ward_id,
                       ((i * 7919) %% 1000) < 350 + 300 * (i %% %s) / %s AS reselects
                FROM generate_series(0::bigint, %s - 1) AS i
            ) AS votes
            GROUP BY ward_id
            """,
            [ballot.pk, first_ward, n_wards, n_wards, max(n_wards - 1, 1), votes],
        )
    return ballot


def vacuum_analyze():
    with connection.cursor() as cursor:
        for table in ("ballots_wardvotecount", "ballots_rollentry", "members_member"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def timed(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=1_200_000, help="on the roll (at least --votes)")
    parser.add_argument("--wards", type=int, default=100)
    parser.add_argument("--affiliates", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (to study plans)")
    args = parser.parse_args()
    args.members = max(args.members, args.votes)

    database = connection.settings_dict
    if connection.vendor != "postgresql":
        print("bench_results needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite is not measured).")
        return 2
    database["TEST"]["NAME"] = f"test_{database['NAME']}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from django.test import Client
        from django.urls import reverse

        start = time.perf_counter()
        ballot = load(votes=args.votes, members=args.members, wards=args.wards, affiliates=args.affiliates)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        vacuum_analyze()
        vacuumed = time.perf_counter() - start
        print(
            f"loaded {args.votes:,} votes, {args.members:,} roll entries, {args.wards} wards, "
            f"{args.affiliates} affiliates in {loaded:.1f}s; VACUUM ANALYZE {vacuumed:.1f}s"
        )

        def raw_votes():
            with connection.cursor() as cursor:
                cursor.execute(RAW_VOTES, [ballot.pk])
                return cursor.fetchall()

        def raw_both():
            with connection.cursor() as cursor:
                cursor.execute(RAW_VOTES, [ballot.pk])
                rows = cursor.fetchall()
                cursor.execute(RAW_ROLL, [ballot.pk])
                return rows, cursor.fetchall()

        assert sum(reselect + open_ for _, reselect, open_ in raw_votes()) == args.votes
        client = Client()
        page_url = reverse("ballots:results", args=[ballot.pk])
        json_url = reverse("ballots:results_json", args=[ballot.pk])

        def page():
            response = client.get(page_url)
            assert response.status_code == 200, response.status_code
            return response

        def json_():
            response = client.get(json_url)
            assert response.status_code == 200, response.status_code
            return response

        data = json_().json()
        assert data["turnout"]["voted"] == args.votes and len(data["branches"]) == args.wards
        assert len(data["affiliates"]) == args.affiliates

        t_votes = timed(raw_votes, args.repeat)
        t_raw = timed(raw_both, args.repeat)
        t_page = timed(page, args.repeat)
        t_json = timed(json_, args.repeat)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + RAW_VOTES, [ballot.pk])
            plan = [row[0] for row in cursor.fetchall()]
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + RAW_ROLL, [ballot.pk])
            roll_plan = [row[0] for row in cursor.fetchall()]
        scan = next((line.strip() for line in plan if "Scan" in line), "?")
        roll_scan = next((line.strip() for line in roll_plan if "Scan" in line), "?")

        print(f"raw read, ward counts only:        {t_votes * 1000:8.1f} ms   ({scan})")
        print(f"raw reads, counts + turnout:       {t_raw * 1000:8.1f} ms   (the baseline; roll: {roll_scan})")
        print(
            f"results page (public, anonymous):  {t_page * 1000:8.1f} ms   ratio {t_page / t_raw:.2f} "
            f"(to the ward counts alone: {t_page / t_votes:.2f})"
        )
        print(
            f"results JSON:                      {t_json * 1000:8.1f} ms   ratio {t_json / t_raw:.2f} "
            f"(to the ward counts alone: {t_json / t_votes:.2f})"
        )
        verdict = "met" if max(t_page, t_json) < 1.0 and max(t_page, t_json) / t_raw <= 2.0 else "NOT met"
        print(f"aim (under 1 s, within 2x the raw queries): {verdict}")
        return 0
    finally:
        if args.keep:
            print(f"kept database {database['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
