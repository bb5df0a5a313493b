"""Benchmark: the members CSV export of 100,000 members against a bare values_list + csv.writer loop.

    .venv/bin/python bench/bench_exports.py [--rows N] [--repeat R] [--with-table]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exports .venv/bin/python bench/bench_exports.py

Both run in the same process on the same throwaway database (a temporary SQLite file, or
`bench_<name>` on PostgreSQL, made and dropped here), in alternating rounds so that outside load
falls on both alike; the best round of each is reported:

- baseline: the same rows read with `values_list(...).iterator()` and written by csv.writer, with
  no view, no spreadsheet safety and no words for the codes: the least any export could do;
- export: `GET /constituencies/<pk>/members/?_export=csv` through the Django test client, as an
  officer, the streamed body read to the end (middleware, access check, filters, table sort,
  the cells in words, spreadsheet safety, UTF-8 encoding).

`--with-table` also times, once, the way the export used to make its rows (django-tables2's
bound rows, cell by cell), for a before-and-after in the same run; it takes a while.

It prints the time and rows per second of each, the ratio (baseline time / export time, 1.0
meaning the export costs nothing over the bare loop), and the export's peak memory measured with
tracemalloc in a separate, untimed run. This is a benchmark, never a test: nothing here asserts a
time.
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

WARDS = ["Barton", "Blean Forest", "Chartham & Stone Street", "Chestfield", "Gorrell", "Greenhill", "Heron"]
FIRST = ["Zoë", "Siân", "Amir", "Olivia", "George", "Priya", "Tomasz", "Niamh", "Kwame", "=Ruby", "Harry"]
LAST = ["Brontë", "O'Neill", "Smith", "Patel", "Jones", "Nowak", "Okafor", "Taylor", "Khan", "MacLeod"]
STATUSES = ["active"] * 92 + ["arrears"] * 5 + ["lapsed"] * 3
BASELINE_FIELDS = ("membership_number", "first_name", "last_name", "ward__name", "joined_on", "status")


class _Discard:
    """A file that keeps only the count of what is written to it."""

    size = 0

    def write(self, text):
        self.size += len(text)


def members_create(constituency, count: int) -> None:
    from members.models import Member, Ward

    wards = Ward.objects.bulk_create([Ward(constituency=constituency, name=name) for name in WARDS])
    rng = random.Random(1)
    with transaction.atomic():
        Member.objects.bulk_create(
            (
                Member(
                    membership_number=f"L{1_000_000 + n}",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    email=f"l{1_000_000 + n}@members.example.org",
                    ward=rng.choice(wards),
                    joined_on=date(1990, 1, 1) + timedelta(days=rng.randrange(12_000)),
                    status=rng.choice(STATUSES),
                )
                for n in range(count)
            ),
            batch_size=2000,
        )


def run_baseline(constituency) -> tuple[float, int]:
    from members.models import Member

    start = time.perf_counter()
    out = _Discard()
    writer = csv.writer(out)
    writer.writerow(BASELINE_FIELDS)
    rows = (
        Member.objects.filter(ward__constituency=constituency)
        .order_by("last_name", "first_name", "membership_number")
        .values_list(*BASELINE_FIELDS)
        .iterator(chunk_size=2000)
    )
    for row in rows:
        writer.writerow(row)
    return time.perf_counter() - start, out.size


def run_export(client, url) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(url, {"_export": "csv"})
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.streaming_content)
    return time.perf_counter() - start, size


def run_table_rows(constituency) -> float:
    """The rows as the export used to make them: django-tables2 bound rows, cell by cell."""
    from members.selectors import MemberEligibilityRules, members_with_eligibility
    from members.tables import MemberTable

    start = time.perf_counter()
    queryset = members_with_eligibility(
        constituency=constituency, rules=MemberEligibilityRules(freeze_date=date.today())
    )
    table = MemberTable(queryset)
    names = list(MemberTable.export_columns)
    out = _Discard()
    writer = csv.writer(out)
    for row in table.rows:
        writer.writerow([row.get_cell_value(name) for name in names])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternating rounds; the best of each is reported")
    parser.add_argument("--with-table", action="store_true", help="also time the old per-cell rows, once")
    args = parser.parse_args()

    database = connection.settings_dict
    workdir = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    # A file, not SQLite's in-memory test default, so the figures are those of a real database.
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(workdir / "bench.sqlite3")
    else:
        database["TEST"]["NAME"] = f"bench_{database['NAME']}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from django.contrib.auth import get_user_model

        from members.models import Constituency

        constituency = Constituency.objects.create(name="Bench", sitting_mp="Nobody")
        members_create(constituency, args.rows)
        officer = get_user_model().objects.create_superuser("bench-officer", "bench@example.org", "unused")
        client = Client()
        client.force_login(officer)
        url = reverse("members:member_list", args=[constituency.pk])
        run_export(client, url)  # warm the caches of both paths once, untimed
        run_baseline(constituency)

        base_times, export_times = [], []
        for _ in range(args.repeat):
            elapsed, base_size = run_baseline(constituency)
            base_times.append(elapsed)
            elapsed, export_size = run_export(client, url)
            export_times.append(elapsed)

        tracemalloc.start()
        run_export(client, url)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        base, export = min(base_times), min(export_times)
        print(f"database: {connection.vendor}; members: {args.rows:,}; best of {args.repeat} alternating rounds")
        print(
            f"bare values_list + csv.writer: {args.rows / base:>10,.0f} rows/s  "
            f"({base:.2f} s, {base_size / 1e6:.1f} MB)"
        )
        print(
            f"members CSV export (view):     {args.rows / export:>10,.0f} rows/s  "
            f"({export:.2f} s, {export_size / 1e6:.1f} MB; aim: under 2 s at 100,000)"
        )
        print(f"ratio baseline / export: {base / export:.2f}")
        print(f"export peak memory (tracemalloc): {peak / 1e6:.1f} MB")
        if args.with_table:
            table = run_table_rows(constituency)
            print(f"old per-cell table rows:       {args.rows / table:>10,.0f} rows/s  ({table:.2f} s, once)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        for child in workdir.iterdir():
            child.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
