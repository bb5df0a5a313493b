"""Voting under load: the real voting pages, served by gunicorn against PostgreSQL.

    .venv/bin/python bench/vote_load.py [--voters 5000] [--clients 200] [--port 8114]

What it does, all in one run:

1. Creates its own PostgreSQL database (`bench_vote_load`, dropped at the end), migrates it,
   and with the project's own services makes a constituency of 15 wards and N members,
   a draft ballot, opens it (`ballot_open` freezes the roll) and issues codes
   (`voting_codes_issue`); the plain codes stay in this process's memory only.
2. Starts gunicorn (config.wsgi, production settings, gthread workers) on 127.0.0.1:PORT and
   two baselines doing one INSERT per request: on PORT+1 a bare WSGI app
   (vote_load_baseline.py), on PORT+2 the project's own Django stack with one view
   (vote_load_django_baseline.py), so the second ratio shows what the voting logic costs
   beyond the framework.
3. Baselines: as many POSTs as there will be vote submissions, from CLIENTS threads.
4. Votes, through the real pages with cookies and CSRF, from CLIENTS threads:
   sign in  = GET /vote/, POST /vote/ (number + code), GET /vote/ballot/ (the paper),
              POST /vote/confirm/ (the choice, shown back for confirmation);
   cast     = POST /vote/confirm/ (the vote is written here), GET /vote/done/ (the receipt).
   One submission in ten is a replay: a second browser that signed in as the same member
   and submits its own ballot paper too; the casts are shuffled, so a replay may come first.
5. Prints votes per second, median and 95th-percentile latency, the ratio against the baseline,
   and checks that no vote was lost or doubled: votes == roll entries marked voted ==
   receipts == distinct voters who were shown a receipt == N, and every replay was refused.

The headline ratio compares the CAST step (one POST that writes one vote, the equivalent of the
baseline's one INSERT per request) with the baseline; the sign-in and whole-journey figures are
printed beside it.
"""

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_NAME = "bench_vote_load"
SECRET = "bench-vote-load-secret-key-not-for-production-" + "q8Zr4Tn2" * 4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--port", type=int, default=8114, help="the site; the baseline uses PORT+1")
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


# ------------------------------------------------------------------------------------- HTTP client


class Client:
    """One keep-alive connection per thread; cookies kept per simulated browser (a dict)."""

    def __init__(self, port):
        self.port = port
        self.local = threading.local()

    def _connection(self, fresh=False):
        connection = getattr(self.local, "connection", None)
        if connection is None or fresh:
            if connection is not None:
                connection.close()
            connection = self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return connection

    def request(self, method, path, *, jar=None, form=None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if jar:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            connection = self._connection(fresh=attempt == 2)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection before reading the request.
                if attempt == 2:
                    raise
        if jar is not None:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if value in ("", '""'):
                    jar.pop(name, None)
                else:
                    jar[name] = value
        return response.status, response.headers, data.decode("utf-8", errors="replace")


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT_RE = re.compile(r'id="receipt-code">([A-Z0-9-]+)<')


class Browser:
    """A member's browser: its cookie jar and the CSRF token of the last form it saw."""

    def __init__(self, voter_index, number, code, choice, replay):
        self.voter_index, self.number, self.code, self.choice, self.replay = voter_index, number, code, choice, replay
        self.jar = {}
        self.token = None
        self.signed_in = False
        self.outcome = None
        self.receipt = None


def sign_in(client, ballot_id, browser):
    started = time.perf_counter()
    status, _, page = client.request("GET", "/vote/", jar=browser.jar)
    assert status == 200, status
    browser.token = CSRF_RE.search(page).group(1)
    status, headers, page = client.request(
        "POST",
        "/vote/",
        jar=browser.jar,
        form={
            "csrfmiddlewaretoken": browser.token,
            "ballot": ballot_id,
            "membership_number": browser.number,
            "code": browser.code,
        },
    )
    assert (status, headers.get("Location")) == (303, "/vote/ballot/"), (status, page[:300])
    status, _, _ = client.request("GET", "/vote/ballot/", jar=browser.jar)
    assert status == 200, status
    status, _, page = client.request(
        "POST", "/vote/confirm/", jar=browser.jar, form={"csrfmiddlewaretoken": browser.token, "choice": browser.choice}
    )
    assert status == 200 and "Cast my vote" in page, status
    browser.signed_in = True
    return time.perf_counter() - started


def cast(client, browser):
    """POST the confirmation (timed: the vote is written here), then read the receipt once."""
    started = time.perf_counter()
    status, headers, page = client.request(
        "POST",
        "/vote/confirm/",
        jar=browser.jar,
        form={"csrfmiddlewaretoken": browser.token, "choice": browser.choice, "cast": "1"},
    )
    cast_seconds = time.perf_counter() - started
    if status == 303 and headers.get("Location") == "/vote/done/":
        _, _, done = client.request("GET", "/vote/done/", jar=browser.jar)
        browser.receipt = RECEIPT_RE.search(done).group(1)
        browser.outcome = "voted"
    elif status == 409 and "already voted" in page:
        browser.outcome = "already_voted"
    else:
        browser.outcome = f"unexpected {status}"
    return cast_seconds, time.perf_counter() - started


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


def database_recreate(server):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')


def database_drop(server):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def ballot_prepare(voters, seed):
    """Constituency, wards, members; a ballot opened and its codes issued with the project's services."""
    import datetime as dt

    import django

    django.setup()
    from django.utils import timezone

    from ballots.models import TriggerBallot
    from ballots.officer.services import ballot_open, voting_codes_issue
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
    ballot_open(ballot=ballot)
    issued = voting_codes_issue(ballot=ballot)
    return ballot.pk, [(entry.membership_number, code) for entry, code in issued]


def tallies(ballot_id):
    from ballots.models import MemberVote, RollEntry, VoteReceipt

    return {
        "votes": MemberVote.objects.filter(ballot_id=ballot_id).count(),
        "marked_voted": RollEntry.objects.filter(ballot_id=ballot_id, has_voted=True).count(),
        "receipts": VoteReceipt.objects.filter(ballot_id=ballot_id).count(),
    }


def gunicorn_start(args, env, port, app, log, *extra):
    command = [
        str(Path(PYTHON).with_name("gunicorn")),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--backlog",
        "2048",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        *extra,
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_up(port, path, process):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} exited early (code {process.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not answer within 60 s")


def stop(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# ------------------------------------------------------------------------------------------ the run


def main():
    args = parse_args()
    database_url = f"{args.server}/{DB_NAME}"
    env = server_env(database_url)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS")})
    os.environ["CONN_MAX_AGE"] = "0"
    sys.path.insert(0, str(ROOT))
    logdir = Path(tempfile.mkdtemp(prefix="vote_load_"))
    site = baseline = django_baseline = None
    print(
        f"vote_load: {args.voters} voters, {args.clients} clients, gunicorn {args.workers} workers x "
        f"{args.threads} threads, {os.cpu_count()} CPUs, database {DB_NAME}"
    )
    database_recreate(args.server)
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        ballot_id, codes = ballot_prepare(args.voters, args.seed)
        from django.db import connection as django_connection

        with django_connection.cursor() as cursor:
            cursor.execute("CREATE TABLE vote_load_baseline (id bigserial PRIMARY KEY, payload text NOT NULL)")
        django_connection.close()

        site = gunicorn_start(args, env, args.port, "config.wsgi", open(logdir / "site.log", "w"))
        baseline_env = {**env, "VOTE_LOAD_BASELINE_DSN": database_url}
        baseline = gunicorn_start(
            args,
            baseline_env,
            args.port + 1,
            "vote_load_baseline:application",
            open(logdir / "baseline.log", "w"),
            "--chdir",
            str(ROOT / "bench"),
        )
        django_baseline = gunicorn_start(
            args,
            {**env, "DJANGO_SETTINGS_MODULE": "bench.vote_load_django_baseline"},
            args.port + 2,
            "config.wsgi",
            open(logdir / "django_baseline.log", "w"),
        )
        wait_until_up(args.port, "/vote/", site)
        wait_until_up(args.port + 1, "/", baseline)
        wait_until_up(args.port + 2, "/", django_baseline)

        rng = random.Random(args.seed)
        browsers = [
            Browser(i, number, code, rng.choice(["reselect", "open"]), False) for i, (number, code) in enumerate(codes)
        ]
        replays = round(len(browsers) * args.replay_share / (1 - args.replay_share))
        browsers += [Browser(b.voter_index, b.number, b.code, "open", True) for b in rng.sample(browsers, replays)]
        submissions = len(browsers)
        site_client, baseline_client = Client(args.port), Client(args.port + 1)
        django_client = Client(args.port + 2)

        # Warm both servers up (imports, connections) outside the timings.
        run_pool(args.clients, lambda i: site_client.request("GET", "/vote/"), range(args.clients))
        run_pool(args.clients, lambda i: baseline_post(baseline_client, i), range(args.clients))
        run_pool(args.clients, lambda i: baseline_post(django_client, i), range(args.clients))

        baseline_times, baseline_wall = run_pool(
            args.clients, lambda i: baseline_post(baseline_client, i), range(submissions)
        )
        django_times, django_wall = run_pool(
            args.clients, lambda i: baseline_post(django_client, i), range(submissions)
        )

        rng.shuffle(browsers)
        sign_in_times, sign_in_wall = run_pool(args.clients, lambda b: sign_in(site_client, ballot_id, b), browsers)
        rng.shuffle(browsers)
        cast_results, cast_wall = run_pool(args.clients, lambda b: cast(site_client, b), browsers)
        cast_times = [post for post, _ in cast_results]
        cast_with_receipt = [total for _, total in cast_results]

        counts = tallies(ballot_id)
        voted = [b for b in browsers if b.outcome == "voted"]
        refused = [b for b in browsers if b.outcome == "already_voted"]
        unexpected = [b.outcome for b in browsers if b.outcome not in {"voted", "already_voted"}]
        per_voter = {}
        for b in browsers:
            per_voter.setdefault(b.voter_index, []).append(b.outcome)

        votes_per_second = len(voted) / cast_wall
        baseline_per_second = submissions / baseline_wall
        ratio = votes_per_second / baseline_per_second
        django_per_second = submissions / django_wall

        print()
        print(
            f"baseline  one INSERT per request : {baseline_per_second:8.1f} requests/s   median "
            f"{ms(statistics.median(baseline_times))}   p95 {ms(percentile(baseline_times, 0.95))}"
            f"   ({submissions} requests)"
        )
        print(
            f"baseline  same via Django's stack: {django_per_second:8.1f} requests/s   median "
            f"{ms(statistics.median(django_times))}   p95 {ms(percentile(django_times, 0.95))}"
        )
        print(
            f"sign in   2 GETs + 2 POSTs       : {len(browsers) / sign_in_wall:8.1f} browsers/s   median "
            f"{ms(statistics.median(sign_in_times))}   p95 {ms(percentile(sign_in_times, 0.95))}"
        )
        print(
            f"cast      POST /vote/confirm/    : {votes_per_second:8.1f} votes/s      median "
            f"{ms(statistics.median(cast_times))}   p95 {ms(percentile(cast_times, 0.95))}"
            f"   ({submissions} submissions, {replays} replays)"
        )
        print(
            f"          + GET /vote/done/      :                        median "
            f"{ms(statistics.median(cast_with_receipt))}   p95 {ms(percentile(cast_with_receipt, 0.95))}"
        )
        print(f"whole journey (6 requests/vote)  : {len(voted) / (sign_in_wall + cast_wall):8.1f} votes/s")
        print(f"ratio cast votes/s : bare INSERT requests/s = {ratio:.2f}  (aim: at least 0.50)")
        print(f"ratio cast votes/s : Django INSERT requests/s = {votes_per_second / django_per_second:.2f}")

        checks = {
            "votes == roll entries marked voted": counts["votes"] == counts["marked_voted"],
            "votes == receipts": counts["votes"] == counts["receipts"],
            "votes == voters (none lost)": counts["votes"] == args.voters,
            "distinct voters shown a receipt == voters": len({b.voter_index for b in voted}) == args.voters
            and len({b.receipt for b in voted}) == args.voters,
            "every replay refused as already voted (none doubled)": len(refused) == replays
            and all(sorted(o) == ["already_voted", "voted"] for o in per_voter.values() if len(o) == 2),
            "no unexpected answers": not unexpected,
        }
        print()
        print(
            f"database: {counts['votes']} votes, {counts['marked_voted']} roll entries marked voted, "
            f"{counts['receipts']} receipts; {len(voted)} receipts shown, {len(refused)} replays refused"
        )
        for name, ok in checks.items():
            print(f"  {'ok  ' if ok else 'FAIL'} {name}")
        if unexpected:
            print(f"  unexpected answers: {sorted(set(unexpected))[:5]}")
        return 0 if all(checks.values()) else 1
    finally:
        stop(site)
        stop(baseline)
        stop(django_baseline)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up if the run failed early
            pass
        database_drop(args.server)
        shutil.rmtree(logdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
