"""Voting under load: the real voting pages, served by gunicorn against PostgreSQL.

    .venv/bin/python bench/vote_load.py [--voters 5000] [--clients 200]

What it does, all in one run:

1. Creates its own PostgreSQL database (`bench_vote_load`, dropped at the end), migrates it,
   and with the project's own services makes a constituency of 15 wards and N members,
   a draft ballot, opens it sealed to a fresh key pair (`ballot_open` freezes the roll; the
   private key stays in this process's memory for the count) and issues codes
   (`voting_codes_issue`); the plain codes stay in memory only.
2. Starts gunicorn (config.wsgi, production settings, gthread workers) on a free loopback
   port and, alike, two baselines doing one INSERT per request: a bare WSGI app
   (vote_load_baseline.py) and the project's own Django stack with one view
   (vote_load_django_baseline.py), so the second ratio shows what the voting logic costs
   beyond the framework.
3. Votes, through the real pages (no server session: each page hands the next its hidden
   vote token; every POST is answered with the next page, no redirect), from CLIENTS threads:
   sign in  = GET /vote/ (CSRF cookie), POST /vote/ (number + code; the reply is the paper),
              POST /vote/confirm/ (the choice, shown back for confirmation);
   then the baselines, as many POSTs as there are submissions, from CLIENTS threads, just
   before the casts so that both meet the same load on the machine;
   cast     = POST /vote/confirm/ with cast=1 (the sealed vote is written; the reply is the receipt).
   One submission in ten is a replay: a second browser that signed in as the same member
   and submits its own ballot paper too; the casts are shuffled, so a replay may come first.
   Requests are counted per browser as they are made.
4. Stops the site, closes the ballot and counts it with the private key (`ballot_count`).
5. Prints votes per second, median and 95th-percentile latency, the ratios against the
   baselines, and checks that no vote was lost or doubled: sealed votes == roll entries marked
   voted == receipts == distinct voters shown a receipt == N, every replay was refused, and
   the count's tally in every ward equals the choices of the members who were shown a receipt.

The headline ratio compares the CAST step (one POST that writes one vote, the equivalent of the
baseline's one INSERT per request) with the bare baseline; the aim is 0.5 or better. The
sign-in and whole-journey figures are printed beside it.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.servers import AppServer  # noqa: E402 - needs ROOT on the path when run as a script
from bench.voter_client import KeepAliveClient, Reply  # noqa: E402

PYTHON = sys.executable
GUNICORN_TUNING = ("--backlog", "2048", "--keep-alive", "30", "--log-level", "warning")
DB_NAME = "bench_vote_load"
SECRET = "bench-vote-load-secret-key-not-for-production-" + "q8Zr4Tn2" * 4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--replay-share", type=float, default=0.1, help="share of submissions that are replays")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name",
    )
    parser.add_argument("--seed", type=int, default=4)
    return parser.parse_args()


class Browser:
    """A member's browser: its cookie jar, the CSRF token and vote token of the last page it saw,
    and how many requests it has made."""

    def __init__(self, voter_index, number, code, choice, replay):
        self.voter_index, self.number, self.code, self.choice, self.replay = voter_index, number, code, choice, replay
        self.jar = {}
        self.csrf = None
        self.token = None
        self.requests = 0
        self.outcome = None
        self.receipt = None

    def send(self, client, method, path, form=None):
        """One request; the page's CSRF token and vote token are kept for the next form."""
        self.requests += 1
        if form is not None:
            form = {"csrfmiddlewaretoken": self.csrf, **form}
        status, _, page = client.request(method, path, jar=self.jar, form=form)
        reply = Reply(status, path, page)
        self.csrf = reply.csrf_token or self.csrf
        self.token = reply.token
        return reply


def sign_in(client, ballot_id, browser):
    """GET /vote/, POST the number and code (the reply is the paper), POST the choice (the confirmation).

    Returns the time taken and the time of each of the three requests."""
    started = time.perf_counter()
    reply = browser.send(client, "GET", "/vote/")
    assert reply.status == 200 and browser.csrf, reply.status
    start_page = time.perf_counter()
    reply = browser.send(
        client, "POST", "/vote/", {"ballot": ballot_id, "membership_number": browser.number, "code": browser.code}
    )
    assert reply.status == 200 and reply.is_paper, (reply.status, reply.body[:300])
    paper = time.perf_counter()
    reply = browser.send(client, "POST", "/vote/confirm/", {"token": browser.token, "choice": browser.choice})
    assert reply.status == 200 and reply.offers_cast, (reply.status, reply.body[:300])
    confirmation = time.perf_counter()
    return confirmation - started, (start_page - started, paper - start_page, confirmation - paper)


def cast(client, browser):
    """POST "Cast my vote" (timed: the vote is written here); the reply is the receipt page itself."""
    started = time.perf_counter()
    reply = browser.send(
        client, "POST", "/vote/confirm/", {"token": browser.token, "choice": browser.choice, "cast": "1"}
    )
    seconds = time.perf_counter() - started
    if reply.status == 200 and reply.receipt:
        browser.receipt = reply.receipt
        browser.outcome = "voted"
    elif reply.status == 409 and "already voted" in reply.body:
        browser.outcome = "already_voted"
    else:
        browser.outcome = f"unexpected {reply.status}"
    return seconds


def baseline_post(client, index):
    started = time.perf_counter()
    status, _, _ = client.request("POST", "/", form={"n": index})
    assert status == 200, status
    return time.perf_counter() - started


def run_pool(clients, function, items):
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(function, items))
    return results, time.perf_counter() - started


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def ms(seconds):
    return f"{seconds * 1000:7.1f} ms"


def report(*rows):
    """One line per measurement: its rate, median and 95th-percentile latency."""
    print()
    for name, rate, unit, times in rows:
        print(
            f"{name:<52}: {rate:8.1f} {unit}  median {ms(statistics.median(times))}   p95 {ms(percentile(times, 0.95))}"
        )


# ------------------------------------------------------------------------------ database and servers


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


def database_drop(server, *, create_again=False):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        if create_again:
            connection.execute(f'CREATE DATABASE "{DB_NAME}"')


def ballot_prepare(voters, seed):
    """Constituency, wards, members; a ballot opened and its codes issued with the project's services."""
    import datetime as dt

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


# ------------------------------------------------------------------------------------------ the run


def main():
    args = parse_args()
    database_url = f"{args.server}/{DB_NAME}"
    env = server_env(database_url)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS")})
    os.environ["CONN_MAX_AGE"] = "0"
    site = baseline = django_baseline = None
    print(
        f"vote_load: {args.voters} voters, {args.clients} clients, gunicorn {args.workers} workers x "
        f"{args.threads} threads, {os.cpu_count()} CPUs, database {DB_NAME}"
    )
    database_drop(args.server, create_again=True)
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        ballot_id, private_key, codes = ballot_prepare(args.voters, args.seed)
        from django.db import connection as django_connection

        with django_connection.cursor() as cursor:
            cursor.execute("CREATE TABLE vote_load_baseline (id bigserial PRIMARY KEY, payload text NOT NULL)")
        django_connection.close()

        # The three servers alike: the same workers, threads, backlog and keep-alive.
        tuning = dict(workers=args.workers, threads=args.threads, extra_args=GUNICORN_TUNING)
        site = AppServer(env, **tuning)
        baseline = AppServer(
            {**env, "VOTE_LOAD_BASELINE_DSN": database_url, "PYTHONPATH": str(ROOT / "bench")},
            app="vote_load_baseline:application",
            **tuning,
        )
        django_baseline = AppServer({**env, "DJANGO_SETTINGS_MODULE": "bench.vote_load_django_baseline"}, **tuning)
        site.wait_until_up(60, "/vote/")
        baseline.wait_until_up(60)
        django_baseline.wait_until_up(60)

        rng = random.Random(args.seed)
        from ballots.voting.forms import CHOICE_OF_VALUE

        values = list(CHOICE_OF_VALUE)  # the ballot paper's radio values
        browsers = [Browser(i, number, code, rng.choice(values), False) for i, (number, code) in enumerate(codes)]
        replays = round(len(browsers) * args.replay_share / (1 - args.replay_share))
        browsers += [Browser(b.voter_index, b.number, b.code, "open", True) for b in rng.sample(browsers, replays)]
        submissions = len(browsers)
        site_client, baseline_client, django_client = (
            KeepAliveClient(s.port) for s in (site, baseline, django_baseline)
        )

        # Warm the servers up (imports, connections) outside the timings.
        run_pool(args.clients, lambda i: site_client.request("GET", "/vote/"), range(args.clients))
        run_pool(args.clients, lambda i: baseline_post(baseline_client, i), range(args.clients))
        run_pool(args.clients, lambda i: baseline_post(django_client, i), range(args.clients))

        rng.shuffle(browsers)
        sign_in_results, sign_in_wall = run_pool(args.clients, lambda b: sign_in(site_client, ballot_id, b), browsers)
        sign_in_times = [total for total, _ in sign_in_results]
        step_times = list(zip(*(steps for _, steps in sign_in_results), strict=True))
        sign_in_requests = sum(b.requests for b in browsers)
        # The baselines run just before the casts, so all three meet the same load on the machine.
        baseline_times, baseline_wall = run_pool(
            args.clients, lambda i: baseline_post(baseline_client, i), range(submissions)
        )
        django_times, django_wall = run_pool(
            args.clients, lambda i: baseline_post(django_client, i), range(submissions)
        )

        rng.shuffle(browsers)
        cast_times, cast_wall = run_pool(args.clients, lambda b: cast(site_client, b), browsers)
        cast_requests = sum(b.requests for b in browsers) - sign_in_requests
        site.stop()  # the count runs with the site idle, as an officer's would after the close

        stored = stored_counts(ballot_id)
        voted = [b for b in browsers if b.outcome == "voted"]
        refused = [b for b in browsers if b.outcome == "already_voted"]
        unexpected = [b.outcome for b in browsers if b.outcome not in {"voted", "already_voted"}]
        per_voter = {}
        for b in browsers:
            per_voter.setdefault(b.voter_index, []).append(b.outcome)
        counted, count_seconds = close_and_count(ballot_id, private_key)
        expected = expected_counts(ballot_id, voted)
        counted_total = sum(reselect + open_ for reselect, open_ in counted.values())

        votes_per_second = len(voted) / cast_wall
        baseline_per_second = submissions / baseline_wall
        django_per_second = submissions / django_wall
        journey_requests = sum(b.requests for b in voted) / len(voted)
        report(
            ("baseline  one INSERT per request (bare WSGI)", baseline_per_second, "requests/s", baseline_times),
            ("baseline  one INSERT per request (Django)", django_per_second, "requests/s", django_times),
            (
                f"sign in   {sign_in_requests / submissions:.0f} requests (GET, POST, POST)",
                submissions / sign_in_wall,
                "browsers/s",
                sign_in_times,
            ),
            (
                f"cast      {cast_requests / submissions:.0f} request (POST, receipt in the reply)",
                votes_per_second,
                "votes/s   ",
                cast_times,
            ),
        )
        print(f"          ({submissions} submissions, of which {replays} replays)")
        print(
            "          sign-in medians: "
            + ", ".join(
                f"{name} {ms(statistics.median(times)).strip()}"
                for name, times in zip(("GET /vote/", "POST /vote/", "POST /vote/confirm/"), step_times, strict=True)
            )
        )
        print(
            f"whole journey, {journey_requests:.1f} requests per vote: "
            f"{len(voted) / (sign_in_wall + cast_wall):8.1f} votes/s"
        )
        print(f"count     close + ballot_count        : {count_seconds:8.2f} s for {counted_total} sealed votes")
        print()
        print(
            f"ratio cast votes/s : bare INSERT requests/s   = {votes_per_second / baseline_per_second:.2f}  (aim: 0.50)"
        )
        print(f"ratio cast votes/s : Django INSERT requests/s = {votes_per_second / django_per_second:.2f}")

        checks = {
            "sealed votes == roll entries marked voted == receipts": stored["sealed"]
            == stored["marked_voted"]
            == stored["receipts"],
            "sealed votes == voters (none lost)": stored["sealed"] == args.voters,
            "distinct voters shown a receipt == voters": len({b.voter_index for b in voted}) == args.voters
            and len({b.receipt for b in voted}) == args.voters,
            "every replay refused as already voted (none doubled)": len(refused) == replays
            and all(sorted(o) == ["already_voted", "voted"] for o in per_voter.values() if len(o) == 2),
            "no unexpected answers": not unexpected,
            "the count, ward by ward, == the choices of the voters shown a receipt": counted == expected,
        }
        print()
        print(
            f"database: {stored['sealed']} sealed votes, {stored['marked_voted']} roll entries marked voted, "
            f"{stored['receipts']} receipts; {len(voted)} receipts shown, {len(refused)} replays refused; "
            f"counted {counted_total} votes in {len(counted)} wards"
        )
        for name, ok in checks.items():
            print(f"  {'ok  ' if ok else 'FAIL'} {name}")
        if unexpected:
            print(f"  unexpected answers: {sorted(set(unexpected))[:5]}")
        return 0 if all(checks.values()) else 1
    finally:
        for server in (site, baseline, django_baseline):
            if server is not None:
                server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up if the run failed early
            pass
        database_drop(args.server)


if __name__ == "__main__":
    sys.exit(main())
