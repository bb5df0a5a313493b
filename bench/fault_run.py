"""Faults under voting load: a gunicorn worker killed with SIGKILL and PostgreSQL restarted
mid-run, then the invariants checked.

    .venv/bin/python bench/fault_run.py [--voters 600] [--clients 24]

Members vote through the real pages over HTTP (bench/voter_client.py: no server session, a
vote token carried from page to page), each always making the same choice. After an error
they do what the page tells a person to do: on "We could not confirm your vote was recorded"
(503) they press "Cast my vote" again; after anything else they start again. Part-way
through, one worker is killed (SIGKILL); later PostgreSQL is stopped for a few seconds and
started again. Then the ballot is closed and counted with its private key (kept in this
process's memory only). It checks, and prints:

- sealed votes == roll entries marked voted == receipts stored, before the count;
- every member who was shown a receipt has a counted vote, and their receipt code is found;
- every voter ended with a receipt or "already voted", and nobody voted twice;
- the count: one vote per member marked voted, and in every ward as many for each choice as
  the members who were told their vote was recorded chose;
- no page any member was shown was Django's bare "Bad Request (400)" body, and every error
  was a clear page or a refused connection, never a traceback.

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
    from ballots.sealing import ballot_key_generate, public_key_of
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
    # The private key stays in this process's memory, as the officer would keep it, for the count.
    private_key = ballot_key_generate()
    ballot_open(ballot=ballot, public_key=public_key_of(private_key))
    codes = {entry.membership_number: code for entry, code in voting_codes_issue(ballot=ballot)}
    return ballot.pk, private_key, codes


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


# Django's own body for a 400 when the site's page is missing: a member must never see it.
BARE_400 = "<h1>Bad Request (400)</h1>"
# The clear pages a server error may be: the site's 500 page, its 503 page while the database
# cannot be reached, and the page asking to cast again.
CLEAR_ERROR_PAGES = (
    "Something went wrong",
    "cannot reach its database",
    "We could not confirm your vote was recorded",
)
CAST_AGAIN_PRESSES = 5


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.receipts = {}  # membership number -> receipt code shown
        self.already_voted = set()
        self.choices = {}  # membership number -> the choice they always make
        self.errors = {}  # description -> count
        self.replies = 0
        self.bare_400 = []
        self.tracebacks = 0
        self.unclear = []

    def error(self, what):
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1

    def seen(self, reply):
        """Every page any member is shown passes here, not only the last of each journey."""
        with self.lock:
            self.replies += 1
            if BARE_400 in reply.body:
                self.bare_400.append((reply.status, reply.url))
            if "Traceback" in reply.body or "django.db" in reply.body:
                self.tracebacks += 1
            if reply.status >= 500 and not any(page in reply.body for page in CLEAR_ERROR_PAGES):
                self.unclear.append((reply.status, reply.body[:200]))


def _settled(reply, number, tally):
    """True when the reply ends the member's voting: a receipt, or "already voted"."""
    if reply.receipt:
        with tally.lock:
            tally.receipts[number] = reply.receipt
        return True
    if reply.status == 409 and "already voted" in reply.body:
        with tally.lock:
            tally.already_voted.add(number)
        return True
    return False


def vote_until_done(base_url, ballot_id, number, code, tally, deadline):
    from ballots.voting.forms import CHOICE_OF_VALUE
    from bench.voter_client import Voter

    choice = random.choice(list(CHOICE_OF_VALUE))
    tally.choices[number] = choice
    while time.monotonic() < deadline:
        voter = Voter(base_url, timeout=20, on_reply=tally.seen)
        try:
            reply = voter.vote(ballot_id=ballot_id, membership_number=number, code=code, choice=choice)
            # "Please press Cast my vote again": the page carries the token and the choice.
            presses = 0
            while reply.status == 503 and reply.offers_cast and presses < CAST_AGAIN_PRESSES:
                tally.error("HTTP 503 asking to cast again")
                time.sleep(1)
                reply = voter.cast(reply, choice)
                presses += 1
        except (OSError, http.client.HTTPException) as error:  # refused, reset or cut short: the worker died
            tally.error(f"connection: {type(error).__name__}")
            time.sleep(0.3)
            continue
        if _settled(reply, number, tally):
            return
        path = urllib.parse.urlparse(reply.url).path
        tally.error(f'HTTP {reply.status} at {path} "{reply.heading}", started again')
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
    ballot_id, private_key, codes = set_up_ballot(args.voters)
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

    failures = check(ballot_id, private_key, codes, tally, faults)
    connections.close_all()
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    shutil.rmtree(os.environ["STATIC_ROOT"], ignore_errors=True)
    print(f"{args.voters} voters, {args.clients} concurrent clients, {args.workers} workers, {elapsed:.1f} s")
    for fault in faults:
        print(f"fault: {fault}")
    print(f"pages shown to members: {tally.replies}")
    for what, number in sorted(tally.errors.items()):
        print(f"clients saw: {what} x {number}")
    print("FAILED:\n- " + "\n- ".join(failures) if failures else "every check held")
    return 1 if failures else 0


def check(ballot_id, private_key, codes, tally, faults):
    from django.db import connections

    from ballots.codes import receipt_hash
    from ballots.models import RollEntry, SealedVote, TriggerBallot, VoteReceipt, WardVoteCount
    from ballots.officer.services import ballot_close, ballot_count
    from ballots.voting.forms import CHOICE_OF_VALUE

    connections.close_all()  # the server restarted: start from fresh connections
    failures = []

    def verify(ok, text):
        print(("ok    " if ok else "FAIL  ") + text)
        if not ok:
            failures.append(text)

    sealed = SealedVote.objects.filter(ballot_id=ballot_id).count()
    marked = RollEntry.objects.filter(ballot_id=ballot_id, has_voted=True).count()
    receipts = VoteReceipt.objects.filter(ballot_id=ballot_id).count()
    verify(len(faults) == 3, f"all three faults were injected ({len(faults)})")
    verify(
        sealed == marked == receipts,
        f"sealed votes {sealed} == roll entries marked voted {marked} == receipts {receipts}",
    )
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

    ballot = TriggerBallot.objects.get(pk=ballot_id)
    ballot_close(ballot=ballot)
    counted = ballot_count(ballot=ballot, private_key=private_key)
    tallies = {
        ward: (reselect, open_)
        for ward, reselect, open_ in WardVoteCount.objects.filter(ballot_id=ballot_id).values_list(
            "ward_id", "reselect", "open"
        )
        if reselect or open_
    }
    ward_of = dict(RollEntry.objects.filter(ballot_id=ballot_id).values_list("membership_number", "ward_id"))
    expected = {}
    for number in settled:
        reselect, open_ = expected.get(ward_of[number], (0, 0))
        chose_reselect = CHOICE_OF_VALUE[tally.choices[number]] == "reselect"
        expected[ward_of[number]] = (reselect + chose_reselect, open_ + (not chose_reselect))
    total = sum(reselect + open_ for reselect, open_ in tallies.values())
    verify(
        counted == total == marked == receipts,
        f"the count opened {counted} sealed votes; its tallies hold {total} == voted marks == receipts",
    )
    verify(tallies == expected, "in every ward the tallies equal the choices of the members told their vote counted")
    verify(not SealedVote.objects.filter(ballot_id=ballot_id).exists(), "no sealed vote is left after the count")
    verify(
        not tally.bare_400,
        f"no page shown to a member was Django's bare {BARE_400!r} ({len(tally.bare_400)} were"
        + (f", first at {tally.bare_400[0]}" if tally.bare_400 else "")
        + f"; {tally.replies} pages checked)",
    )
    verify(tally.tracebacks == 0, f"no client was shown a traceback ({tally.tracebacks})")
    verify(not tally.unclear, f"every server error was a clear page ({len(tally.unclear)} others)")
    if tally.unclear:
        print(f"      first unclear error: {tally.unclear[0]}")
    return failures


if __name__ == "__main__":
    sys.exit(main())
