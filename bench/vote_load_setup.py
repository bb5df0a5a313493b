"""The databases, ballot and count of bench/vote_load.py, done with the project's own services.

Three databases on the one PostgreSQL server, all dropped at the end: the site's (migrated, with
the constituency, members and ballot), and one each for the two baselines (a single table, the
one their INSERTs go to). Each server writing to its own database lets pg_stat_database tell
what each did: the transactions committed and rows written, read before the first round and
once the servers have stopped (a backend sends its figures when it exits). Autovacuum's own
transactions on a database are counted with it.
"""

import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_NAME = "bench_vote_load"
DB_DJANGO = f"{DB_NAME}_django"
DB_BARE = f"{DB_NAME}_bare"
DATABASES = (DB_NAME, DB_DJANGO, DB_BARE)
SECRET = "bench-vote-load-secret-key-not-for-production-" + "q8Zr4Tn2" * 4
BASELINE_TABLE = "CREATE TABLE vote_load_baseline (id bigserial PRIMARY KEY, payload text NOT NULL)"
ACTIVITY_COLUMNS = ("xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_deleted")


def server_env(database_url):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _admin(server):
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True)


def databases_drop(server, *, create_again=False):
    """Drop the bench's three databases; with create_again, make them afresh (the baselines' with their table)."""
    import psycopg

    with _admin(server) as connection:
        for name in DATABASES:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create_again:
                connection.execute(f'CREATE DATABASE "{name}"')
    if create_again:
        for name in (DB_DJANGO, DB_BARE):
            with psycopg.connect(f"{server}/{name}", autocommit=True) as connection:
                connection.execute(BASELINE_TABLE)


def database_activity(server):
    """{database: {column: value}} from pg_stat_database, for the bench's databases."""
    with _admin(server) as connection:
        rows = connection.execute(
            f"SELECT datname, {', '.join(ACTIVITY_COLUMNS)} FROM pg_stat_database WHERE datname = ANY(%s)",
            [list(DATABASES)],
        ).fetchall()
    return {name: dict(zip(ACTIVITY_COLUMNS, values, strict=True)) for name, *values in rows}


def databases_idle(server, timeout=20):
    """Wait until no backend is connected to the bench's databases (so each has sent its figures)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _admin(server) as connection:
            (connected,) = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ANY(%s)", [list(DATABASES)]
            ).fetchone()
        if not connected:
            return True
        time.sleep(0.2)
    return False


def ballot_prepare(voters, seed):
    """Constituency, wards, members; a ballot opened and its codes issued with the project's services."""
    import django

    django.setup()
    from django.utils import timezone

    from ballots.models import TriggerBallot
    from ballots.officer.services import ballot_open, voting_codes_issue
    from ballots.sealing import ballot_key_generate, public_key_of
    from members.models import Constituency, Member, Ward

    constituency = Constituency.objects.create(name="Canterbury", sitting_mp="Alex Morgan")
    wards = Ward.objects.bulk_create([Ward(constituency=constituency, name=f"Ward {i + 1}") for i in range(15)])
    rng = random.Random(seed)
    Member.objects.bulk_create(
        [
            Member(
                membership_number=f"L{1_000_000 + i}",
                first_name="Member",
                last_name=f"Number {i}",
                ward=rng.choice(wards),
                joined_on=dt.date(2015, 1, 1),
                status=Member.Status.ACTIVE,
            )
            for i in range(voters)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    ballot = TriggerBallot.objects.create(
        constituency=constituency,
        sitting_mp="Alex Morgan",
        freeze_date=timezone.localdate() - dt.timedelta(days=7),
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(days=1),
    )
    # The private key stays in this process's memory, as the officer would keep it, for the count.
    private_key = ballot_key_generate()
    ballot_open(ballot=ballot, public_key=public_key_of(private_key))
    issued = voting_codes_issue(ballot=ballot)
    return ballot.pk, private_key, [(entry.membership_number, code) for entry, code in issued]


def stored_counts(ballot_id):
    """What voting left in the database: sealed votes, voted marks, receipts."""
    from ballots.models import RollEntry, SealedVote, VoteReceipt

    return {
        "sealed": SealedVote.objects.filter(ballot_id=ballot_id).count(),
        "marked_voted": RollEntry.objects.filter(ballot_id=ballot_id, has_voted=True).count(),
        "receipts": VoteReceipt.objects.filter(ballot_id=ballot_id).count(),
    }


def close_and_count(ballot_id, private_key):
    """Close the ballot and count it with its private key; return {ward id: (reselect, open)} and the time taken."""
    from ballots.models import TriggerBallot, WardVoteCount
    from ballots.officer.services import ballot_close, ballot_count

    started = time.perf_counter()
    ballot = TriggerBallot.objects.get(pk=ballot_id)
    ballot_close(ballot=ballot)
    ballot_count(ballot=ballot, private_key=private_key)
    seconds = time.perf_counter() - started
    rows = WardVoteCount.objects.filter(ballot_id=ballot_id).values_list("ward_id", "reselect", "open")
    return {ward: (reselect, open_) for ward, reselect, open_ in rows if reselect or open_}, seconds


def expected_counts(ballot_id, voted):
    """{ward id: (reselect, open)} from the choices of the browsers that were shown a receipt."""
    from ballots.models import RollEntry
    from ballots.voting.forms import CHOICE_OF_VALUE

    ward_of = dict(RollEntry.objects.filter(ballot_id=ballot_id).values_list("membership_number", "ward_id"))
    counts = {}
    for browser in voted:
        reselect, open_ = counts.get(ward_of[browser.number], (0, 0))
        chose_reselect = CHOICE_OF_VALUE[browser.choice] == "reselect"
        counts[ward_of[browser.number]] = (reselect + chose_reselect, open_ + (not chose_reselect))
    return counts
