"""Faults under voting load: a gunicorn worker killed with SIGKILL and PostgreSQL restarted
mid-run, then the invariants checked.

    .venv/bin/python bench/fault_run.py [--voters 600] [--clients 24]

Members vote through the real pages over HTTP, retrying from the start after an error as a
person would. Part-way through, one worker is killed (SIGKILL); later PostgreSQL is stopped
for a few seconds and started again. Afterwards it checks, and prints:

- votes recorded == roll entries marked voted == receipts stored;
- every member who was shown a receipt has a counted vote, and their receipt code is found;
- nobody voted twice (a retry after a lost reply is told "already voted");
- every error a client saw was a clear page or a refused connection, never a traceback.

Exit status 0 when every check holds, 1 otherwise. Needs PostgreSQL (DATABASE_URL's server,
default postgres://postgres@127.0.0.1:5432) and the right to restart it (pg_ctlcluster, as
root or postgres). It creates and drops its own database, `fault_run`.
"""

import argparse
import http.client
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "fault_run"
SERVER_URL = os.environ.get("FAULT_RUN_SERVER", "postgres://postgres@127.0.0.1:5432")


def configure_django():
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=os.environ.get("FAULT_RUN_SECRET", "fault-run-" + secrets.token_urlsafe(40)),
        DATABASE_URL=f"{SERVER_URL}/{DB_NAME}",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=tempfile.mkdtemp(prefix="fault-run-static-"),
        LOG_LEVEL="ERROR",
    )
    os.environ.pop("DEBUG", None)
    os.environ.pop("REDIS_URL", None)  # the database cache: it goes away with the database, as a test should
    import django

    django.setup()


def admin_sql(statement):
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def create_database():
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make serve` does


def set_up_ballot(voters):
    import datetime as dt

    from django.utils import timezone

    from ballots.models import TriggerBallot
    from ballots.officer.services import ballot_open, voting_codes_issue
    from members.models import Constituency, Member, Ward

    constituency = Constituency.objects.create(name="Faultshire", sitting_mp="Sam Sample")
    wards = [Ward.objects.create(constituency=constituency, name=f"Ward {n}") for n in range(1, 9)]
    Member.objects.bulk_create(
        Member(
            membership_number=f"F{n:06d}",
            first_name="Member",
            last_name=str(n),
            ward=wards[n % len(wards)],
            joined_on=dt.date(2015, 1, 1),
        )
        for n in range(voters)
    )
    now = timezone.now()
    ballot = TriggerBallot.objects.create(
        constituency=constituency,
        sitting_mp=constituency.sitting_mp,
        freeze_date=now.date() - dt.timedelta(days=1),
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    ballot_open(ballot=ballot)
    codes = {entry.membership_number: code for entry, code in voting_codes_issue(ballot=ballot)}
    return ballot.pk, codes


def start_gunicorn(workers):
    from bench.servers import AppServer

    server = AppServer(dict(os.environ, CONN_MAX_AGE="60"), workers=workers)
    server.wait_until_up()
    return server


def postgres_cluster():
    url = urllib.parse.urlparse(SERVER_URL)
    port = str(url.port or 5432)
    for line in subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout.splitlines():
        version, cluster, cluster_port, *_ = line.split()
        if cluster_port == port:
            return version, cluster
    raise SystemExit(f"no local PostgreSQL cluster on port {port}: this run must restart it")


def pg_ctl(action):
    version, cluster = postgres_cluster()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action], check=True, capture_output=True
    )


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.receipts = {}  # membership number -> receipt code shown
        self.already_voted = set()
        self.errors = {}  # description -> count
        self.tracebacks = 0
        self.unclear = []

    def error(self, what):
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def vote_until_done(base_url, ballot_id, number, code, tally, deadline):
    from bench.voter_client import Voter

    choice = random.choice(["reselect", "open"])
    while time.monotonic() < deadline:
        try:
            reply = Voter(base_url, timeout=20).vote(
                ballot_id=ballot_id, membership_number=number, code=code, choice=choice
            )
        except (OSError, http.client.HTTPException) as error:  # refused, reset or cut short: the worker died
            tally.error(f"connection: {type(error).__name__}")
            time.sleep(0.3)
            continue
        if "Traceback" in reply.body or "django.db" in reply.body:
            with tally.lock:
                tally.tracebacks += 1
        if reply.receipt:
            with tally.lock:
                tally.receipts[number] = reply.receipt
            return
        if "already voted" in reply.body:
            with tally.lock:
                tally.already_voted.add(number)
            return
        if reply.status >= 500:
            if "Something went wrong" not in reply.body:
                with tally.lock:
                    tally.unclear.append((reply.status, reply.body[:200]))
            tally.error(f"HTTP {reply.status} (friendly error page)")
            time.sleep(0.3)
            continue
        tally.error(f"HTTP {reply.status} at {reply.url}")
        time.sleep(0.3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=600)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--outage", type=float, default=3.0, help="seconds PostgreSQL stays down")
    args = parser.parse_args()

    configure_django()
    create_database()
    ballot_id, codes = set_up_ballot(args.voters)
    from django.db import connections

    connections.close_all()
    server = start_gunicorn(args.workers)
    base_url = server.url
    tally = Tally()
    done = [0]
    faults = []

    def injector():
        def wait_for(fraction):
            while done[0] < args.voters * fraction:
                time.sleep(0.05)

        wait_for(0.25)
        victim = random.choice(server.worker_pids())
        os.kill(victim, signal.SIGKILL)
        faults.append(f"SIGKILL to gunicorn worker {victim} after {done[0]} voters")
        wait_for(0.5)
        pg_ctl("stop")
        faults.append(f"PostgreSQL stopped after {done[0]} voters")
        time.sleep(args.outage)
        pg_ctl("start")
        faults.append(f"PostgreSQL started again after {args.outage:.0f} s down")

    started = time.monotonic()
    deadline = started + 300
    injector_thread = threading.Thread(target=injector, daemon=True)
    injector_thread.start()

    def one(number):
        vote_until_done(base_url, ballot_id, number, codes[number], tally, deadline)
        done[0] += 1

    try:
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(one, sorted(codes)))
        injector_thread.join(timeout=60)
    finally:
        server.stop()
        if len(faults) < 3:  # never leave the database server stopped
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", *postgres_cluster(), "start"], capture_output=True
            )
    elapsed = time.monotonic() - started

    failures = check(ballot_id, codes, tally, faults)
    connections.close_all()
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    shutil.rmtree(os.environ["STATIC_ROOT"], ignore_errors=True)
    print(f"{args.voters} voters, {args.clients} concurrent clients, {args.workers} workers, {elapsed:.1f} s")
    for fault in faults:
        print(f"fault: {fault}")
    for what, number in sorted(tally.errors.items()):
        print(f"clients saw: {what} x {number}")
    print("FAILED:\n- " + "\n- ".join(failures) if failures else "every check held")
    return 1 if failures else 0


def check(ballot_id, codes, tally, faults):
    from django.db import connections

    from ballots.codes import receipt_hash
    from ballots.models import MemberVote, RollEntry, VoteReceipt

    connections.close_all()  # the server restarted: start from fresh connections
    failures = []

    def verify(ok, text):
        print(("ok    " if ok else "FAIL  ") + text)
        if not ok:
            failures.append(text)

    votes = MemberVote.objects.filter(ballot_id=ballot_id).count()
    marked = RollEntry.objects.filter(ballot_id=ballot_id, has_voted=True).count()
    receipts = VoteReceipt.objects.filter(ballot_id=ballot_id).count()
    verify(len(faults) == 3, f"all three faults were injected ({len(faults)})")
    verify(votes == marked == receipts, f"votes {votes} == roll entries marked voted {marked} == receipts {receipts}")
    shown = tally.receipts
    voted_numbers = set(
        RollEntry.objects.filter(ballot_id=ballot_id, has_voted=True).values_list("membership_number", flat=True)
    )
    verify(set(shown) <= voted_numbers, f"every one of the {len(shown)} members shown a receipt has a counted vote")
    stored = set(VoteReceipt.objects.filter(ballot_id=ballot_id).values_list("receipt_hash", flat=True))
    missing = [n for n, code in shown.items() if receipt_hash(ballot_id=ballot_id, receipt=code) not in stored]
    verify(not missing, f"every receipt shown is found among the stored receipts ({len(missing)} missing)")
    settled = set(shown) | tally.already_voted
    verify(settled == set(codes), f"every voter ended with a receipt or 'already voted' ({len(settled)}/{len(codes)})")
    verify(voted_numbers == settled, "nobody is marked voted who was not told so, and nobody voted twice")
    verify(tally.tracebacks == 0, f"no client was shown a traceback ({tally.tracebacks})")
    verify(not tally.unclear, f"every server error was the friendly error page ({len(tally.unclear)} others)")
    return failures


if __name__ == "__main__":
    sys.exit(main())
