"""Benchmark: importing a 100,000-row members CSV against a plain bulk_create of the same rows.

    .venv/bin/python bench/bench_member_import.py [--rows N] [--repeat R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/members .venv/bin/python bench/bench_member_import.py

Both runs happen in the same process on the same throwaway database (a temporary SQLite file,
or `bench_<name>` on PostgreSQL, made and dropped here), each starting from no members:

- baseline: the rows, already in memory as Python values, written with Member.objects.bulk_create
  in batches of 2,000 inside one transaction: the least any import could do;
- import: members.imports.member_import on the CSV file, shaped like a real export (headers such
  as "Membership No." and "Date Joined", status words such as "Current", dates in three forms,
  address columns joined): decoding, both passes (check every row, then write in batches), the
  fingerprint of the constituency's members, and its lookups.

It prints rows per second for each, the ratio (import / baseline; the aim is at least 0.5), the
times of a dry run (against no members: all would be created; against all of them: all
unchanged) and of an unchanged re-import, and the import's peak memory measured with
tracemalloc in a separate, untimed run.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

WARDS = [
    "Barton",
    "Blean Forest",
    "Chartham & Stone Street",
    "Chestfield",
    "Gorrell",
    "Greenhill",
    "Herne & Broomfield",
    "Heron",
    "Nailbourne",
    "Northgate",
    "Reculver",
    "St Stephen's",
    "Sturry",
    "Tankerton",
    "Westgate",
]
FIRST = ["Zoë", "Siân", "Amir", "Olivia", "George", "Priya", "Tomasz", "Niamh", "Kwame", "Ruby", "Harry", "Aisha"]
LAST = ["Brontë", "O'Neill", "Smith", "Patel", "Jones", "Nowak", "Okafor", "Taylor", "Khan", "MacLeod", "Evans"]
STATUSES = ["active"] * 92 + ["arrears"] * 5 + ["lapsed"] * 3
STATUS_WORDS = {"active": "Current", "arrears": "In Arrears", "lapsed": "Lapsed"}
STREETS = ["High Street", "Station Road", "Church Lane", "St Dunstan's Street", "Wincheap"]


def make_rows(count: int) -> list[tuple]:
    rng = random.Random(1)
    rows = []
    for n in range(count):
        number = f"L{1_000_000 + n}"
        joined = date(1990, 1, 1) + timedelta(days=rng.randrange(12_000))
        email = f"{number.lower()}@members.example.org" if rng.random() < 0.85 else ""
        address = f"{rng.randrange(1, 200)} {rng.choice(STREETS)}\nCanterbury"
        postcode = f"CT{rng.randrange(1, 7)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLN')}{rng.choice('PQRSTUWXYZ')}"
        rows.append(
            (
                number,
                rng.choice(FIRST),
                rng.choice(LAST),
                email,
                rng.choice(WARDS),
                joined,
                rng.choice(STATUSES),
                address,
                postcode,
            )
        )
    return rows


def write_csv(rows: list[tuple], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Membership No.", "Forename", "Surname", "Email Address", "Ward Name", "Date Joined",
             "Membership Status", "Address Line 1", "Town", "Post Code"]
        )  # fmt: skip
        for i, (number, first, last, email, ward, joined, status, address, postcode) in enumerate(rows):
            # Dates in three of the accepted forms, as exports from different systems mix them.
            day = [joined.isoformat(), joined.strftime("%d/%m/%Y"), f"{joined.day} {joined:%B %Y}"][i % 3]
            street, town = address.split("\n")
            writer.writerow([number, first, last, email, ward, day, STATUS_WORDS[status], street, town, postcode])


def clear_members():
    from members.models import Member

    with transaction.atomic():
        Member.objects.all()._raw_delete(connection.alias)


def baseline(rows, ward_ids) -> float:
    from members.models import Member

    start = time.perf_counter()
    with transaction.atomic():
        Member.objects.bulk_create(
            (
                Member(
                    membership_number=number,
                    first_name=first,
                    last_name=last,
                    email=email,
                    ward_id=ward_ids[ward],
                    joined_on=joined,
                    status=status,
                    address=address,
                    postcode=postcode,
                )
                for number, first, last, email, ward, joined, status, address, postcode in rows
            ),
            batch_size=2000,
        )
    return time.perf_counter() - start


def run_import(constituency, path, dry_run=False) -> tuple[float, object]:
    from members.imports import member_import

    start = time.perf_counter()
    report = member_import(constituency=constituency, file=path, dry_run=dry_run)
    elapsed = time.perf_counter() - start
    assert report.ok, report.errors[:5]
    return elapsed, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each; the best is reported")
    args = parser.parse_args()

    database = connection.settings_dict
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    # A file, not SQLite's in-memory test default, so the figures are those of a real database.
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(workdir / "bench.sqlite3")
    else:
        database["TEST"]["NAME"] = f"bench_{database['NAME']}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from members.models import Constituency, Member, Ward

        constituency = Constituency.objects.create(name="Bench", sitting_mp="Nobody")
        Ward.objects.bulk_create([Ward(constituency=constituency, name=name) for name in WARDS])
        ward_ids = dict(Ward.objects.values_list("name", "pk"))
        rows = make_rows(args.rows)
        path = workdir / "members.csv"
        write_csv(rows, path)
        size_mb = path.stat().st_size / 1e6

        base_times, import_times, dry_times = [], [], []
        for _ in range(args.repeat):
            clear_members()
            elapsed, report = run_import(constituency, path, dry_run=True)
            dry_times.append(elapsed)
            assert report.created == args.rows and Member.objects.count() == 0
            clear_members()
            base_times.append(baseline(rows, ward_ids))
            clear_members()
            elapsed, report = run_import(constituency, path)
            import_times.append(elapsed)
            assert report.created == args.rows and Member.objects.count() == args.rows

        dry_full_time, dry_full = run_import(constituency, path, dry_run=True)  # a preview of a re-import
        assert dry_full.unchanged == args.rows
        reimport_time, reimport = run_import(constituency, path)  # every row unchanged: nothing written
        assert reimport.unchanged == args.rows
        assert reimport.fingerprint == dry_full.fingerprint

        clear_members()
        tracemalloc.start()
        run_import(constituency, path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        base, imp = min(base_times), min(import_times)
        vendor = connection.vendor
        print(f"database: {vendor}; rows: {args.rows:,}; CSV: {size_mb:.1f} MB; best of {args.repeat}")
        print(f"plain bulk_create:   {args.rows / base:>10,.0f} rows/s  ({base:.2f} s)")
        print(f"member_import:       {args.rows / imp:>10,.0f} rows/s  ({imp:.2f} s)")
        dry = min(dry_times)
        print(f"dry run, all new:    {args.rows / dry:>10,.0f} rows/s  ({dry:.2f} s)")
        print(f"dry run, unchanged:  {args.rows / dry_full_time:>10,.0f} rows/s  ({dry_full_time:.2f} s)")
        print(f"re-import unchanged: {args.rows / reimport_time:>10,.0f} rows/s  ({reimport_time:.2f} s)")
        print(f"ratio import / bulk_create: {base / imp:.2f}  (aim: at least 0.50)")
        print(f"import peak memory (tracemalloc): {peak / 1e6:.1f} MB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        for child in workdir.iterdir():
            child.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
