"""Voting under load: the real voting pages, served by gunicorn against PostgreSQL, beside two baselines.

    .venv/bin/python bench/vote_load.py [--voters 5000] [--clients 200] [--rounds 5] [--client-processes 2]

What it does, all in one run:

1. Creates its own PostgreSQL databases (vote_load_setup.py; dropped at the end), migrates
   the site's, and with the project's own services makes a constituency of 15 wards and N
   members, a draft ballot, opens it sealed to a fresh key pair (`ballot_open` freezes the roll;
   the private key stays in this process's memory for the count) and issues codes
   (`voting_codes_issue`); the plain codes stay in memory only.
2. Starts three gunicorn servers alike (the same workers, gthread threads, backlog and
   keep-alive), each on a free loopback port and writing to a database of its own: the site
   (config.wsgi, production settings); the headline baseline, the project's own Django stack
   (its settings, middleware and gunicorn) serving one view that does one INSERT per request
   (vote_load_django_baseline.py), so the ratio shows what voting costs beyond the framework;
   and, as context, a bare WSGI app doing the same INSERT (vote_load_baseline.py).
3. Starts the load generator (bench/vote_load_clients.py): CLIENTS threads spread over
   --client-processes worker processes of their own, so the clients share neither the bench's
   interpreter nor one interpreter lock among them all; the bench's process only hands out work
   and gathers results. Every server is warmed up (imports, connections) outside the timings.
4. Votes in R rounds (--rounds), each with 1/R of the members, in alternating order: each round
   signs its members' browsers in, then runs three batches back to back, in an order that
   rotates from round to round (cast, Django, bare; Django, bare, cast; bare, cast, Django; ...),
   each with the same number of requests:
   sign in  = GET /vote/ (CSRF cookie), POST /vote/ (number + code; the reply is the paper),
              POST /vote/confirm/ (the choice, shown back for confirmation); no server session:
              each page hands the next its hidden vote token, and no POST is answered with a redirect;
   cast     = POST /vote/confirm/ with cast=1, the request that writes the sealed vote; its reply
              is the receipt page (there is no separate request for the receipt), timed alone;
   Django   = as many POSTs to the Django one-INSERT view; bare = as many to the bare WSGI app.
   One submission in ten is a replay: a second browser that signed in as the same member in the
   same round and submits its own ballot paper too; the casts are shuffled, so a replay may come
   first. Requests are counted per browser as they are made.
5. Stops the servers, reads what each did to its database (pg_stat_database), closes the ballot
   and counts it with the private key (`ballot_count`).
6. Prints each round's rates; then, from all rounds, each request's rate and latency (the three
   sign-in steps, the cast POST, the two baselines) and the same per vote (requests and wall time
   per vote for the sign-in, the cast and the whole journey); the ratios, each taken within a
   round and reported as the median of the rounds with their range, beside the pooled figure;
   the transactions and rows written per vote and per baseline request; and checks that no vote
   was lost or doubled: sealed votes == roll entries marked voted == receipts == distinct voters
   shown a receipt == N, every replay was refused, and the count's tally in every ward equals the
   choices of the members who were shown a receipt.

The headline ratio is cast votes per second over the Django one-INSERT view's requests per second,
in the same round (one POST that writes one vote against one POST that writes one row); the aim
is 0.5 or better. The bare WSGI ratio is printed beside it, as context.
"""

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import vote_load_report as report  # noqa: E402 - needs ROOT on the path when run as a script
from bench import vote_load_setup as setup  # noqa: E402
from bench.servers import AppServer  # noqa: E402
from bench.vote_load_clients import ClientProcesses  # noqa: E402
from bench.vote_load_cpu import CpuMeter  # noqa: E402

GUNICORN_TUNING = ("--backlog", "2048", "--keep-alive", "30", "--log-level", "warning")
ORDERS = (("site", "django", "bare"), ("django", "bare", "site"), ("bare", "site", "django"))
STATS_SETTLE_SECONDS = 12  # an idle PostgreSQL backend sends its pending figures within 10 s


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--client-processes", type=int, default=2, help="worker processes the clients run in")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--replay-share", type=float, default=0.1, help="share of submissions that are replays")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name",
    )
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    if not 1 <= args.rounds <= args.voters or not 1 <= args.client_processes <= args.clients:
        parser.error("need 1 <= --rounds <= --voters and 1 <= --client-processes <= --clients")
    return args


@dataclass
class Browser:
    """A member's browser as the bench keeps it: who, what it chose, and what came of it."""

    voter_index: int
    number: str
    code: str
    choice: str
    replay: bool
    state: dict | None = None  # cookies, CSRF token and vote token after signing in
    steps: list | None = None
    cast_seconds: float | None = None
    requests: int = 0
    outcome: str | None = None
    receipt: str | None = None


def rounds_plan(codes, args, values, rng):
    """The browsers of each round: 1/R of the members each, and each replay in its member's round."""
    order = list(range(len(codes)))
    rng.shuffle(order)
    rounds = [[] for _ in range(args.rounds)]
    round_of = {}
    for position, index in enumerate(order):
        round_of[index] = position * args.rounds // len(order)
        rounds[round_of[index]].append(Browser(index, *codes[index], rng.choice(values), False))
    replays = round(len(codes) * args.replay_share / (1 - args.replay_share))
    for index in rng.sample(range(len(codes)), replays):
        rounds[round_of[index]].append(Browser(index, *codes[index], "open", True))
    return rounds


DATABASE_OF = {"site": setup.DB_NAME, "django": setup.DB_DJANGO, "bare": setup.DB_BARE}


def measured(meter, clients, servers, name, kind, items, **options):
    """One batch of `kind` against server `name`: its results, its wall time and the CPU time spent
    while it ran (vote_load_cpu.py)."""
    server = servers[name]
    pids = [server.pid, *server.worker_pids()]
    before = meter.read(pids, DATABASE_OF[name])
    results, wall = clients.run(kind, server.port, items, **options)
    return results, wall, meter.spent(before, meter.read(pids, DATABASE_OF[name]))


def run_round(number, browsers, clients, servers, ballot_id, rng, meter):
    """Sign the round's browsers in, then its three batches in this round's order."""
    rng.shuffle(browsers)
    items = [(b.number, b.code, b.choice) for b in browsers]
    results, sign_in_wall, sign_in_cpu = measured(
        meter, clients, servers, "site", "sign_in", items, ballot_id=ballot_id
    )
    ready = []
    for browser, result in zip(browsers, results, strict=True):
        browser.requests += result.get("requests", 0)
        browser.steps = result.get("steps")
        if result.get("problem"):
            browser.outcome = f"sign in: {result['problem']}"
        else:
            browser.state = result["state"]
            ready.append(browser)
    rng.shuffle(ready)
    this = report.Round(number, ORDERS[(number - 1) % len(ORDERS)], browsers=len(browsers), casts=len(ready))
    this.sign_in_wall = sign_in_wall
    this.cpu["sign_in"] = sign_in_cpu
    this.sign_in_steps = [b.steps for b in ready]
    failures = []
    for server in this.order:
        if server == "site":
            items = [(b.state, b.choice) for b in ready]
            results, this.walls[server], this.cpu[server] = measured(meter, clients, servers, server, "cast", items)
            for browser, result in zip(ready, results, strict=True):
                browser.requests += 1
                browser.outcome, browser.receipt = result["outcome"], result.get("receipt")
                browser.cast_seconds = result.get("seconds")
        else:
            items = [f"{number}-{i}" for i in range(len(ready))]
            results, this.walls[server], this.cpu[server] = measured(meter, clients, servers, server, "insert", items)
            failures += [result for result in results if result.get("status") != 200]
        this.times[server] = [result["seconds"] for result in results if "seconds" in result]
    voted = [b for b in ready if b.outcome == "voted"]
    this.votes = len(voted)
    this.journeys = [sum(b.steps) + b.cast_seconds for b in voted]
    return this, failures


def start_servers(args, env, database_url):
    """The three servers alike: the same workers, threads, backlog and keep-alive; each with its own database."""
    tuning = dict(workers=args.workers, threads=args.threads, extra_args=GUNICORN_TUNING)
    servers = {}
    servers["site"] = AppServer(env, **tuning)
    django_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench.vote_load_django_baseline",
        "DATABASE_URL": f"{args.server}/{setup.DB_DJANGO}",
    }
    servers["django"] = AppServer(django_env, **tuning)
    bare_env = {**env, "VOTE_LOAD_BASELINE_DSN": f"{args.server}/{setup.DB_BARE}", "PYTHONPATH": str(ROOT / "bench")}
    servers["bare"] = AppServer(bare_env, app="vote_load_baseline:application", **tuning)
    servers["site"].wait_until_up(60, "/vote/")
    servers["django"].wait_until_up(60)
    servers["bare"].wait_until_up(60)
    return servers


def main():
    args = parse_args()
    database_url = f"{args.server}/{setup.DB_NAME}"
    env = setup.server_env(database_url)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS")})
    os.environ["CONN_MAX_AGE"] = "0"
    servers, clients = {}, None
    print(
        f"vote_load: {args.voters} voters in {args.rounds} rounds, {args.clients} clients in {args.client_processes}"
        f" processes, gunicorn {args.workers} workers x {args.threads} threads for each of 3 servers,"
        f" {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f}), databases {', '.join(setup.DATABASES)}"
    )
    setup.databases_drop(args.server, create_again=True)
    try:
        setup.manage(env, "migrate", "--noinput")
        setup.manage(env, "createcachetable")
        setup.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        ballot_id, private_key, codes = setup.ballot_prepare(args.voters, args.seed)
        from django.db import connections

        connections.close_all()
        servers = start_servers(args, env, database_url)
        clients = ClientProcesses(args.client_processes, args.clients)
        meter = CpuMeter(args.server, [process.pid for process in clients.processes])

        from ballots.voting.forms import CHOICE_OF_VALUE

        rng = random.Random(args.seed)
        plan = rounds_plan(codes, args, list(CHOICE_OF_VALUE), rng)  # CHOICE_OF_VALUE: the paper's radio values
        browsers = [b for browsers in plan for b in browsers]
        replays = sum(b.replay for b in browsers)
        # Warm every server and every client thread's connection to it up, outside the timings.
        clients.run("get", servers["site"].port, ["/vote/"] * (2 * args.clients))
        for server in ("django", "bare"):
            clients.run("insert", servers[server].port, [f"warm-{i}" for i in range(2 * args.clients)])
        time.sleep(STATS_SETTLE_SECONDS)  # so that the warm-up's database figures are in before the first reading
        before = setup.database_activity(args.server)

        rounds, baseline_failures = [], []
        for number, round_browsers in enumerate(plan, start=1):
            this, failures = run_round(number, round_browsers, clients, servers, ballot_id, rng, meter)
            rounds.append(this)
            baseline_failures += failures
        for server in servers.values():
            server.stop()  # the count runs with the servers stopped, as an officer's would after the close
        load_after = os.getloadavg()  # over the last 1, 5 and 15 minutes of the rounds
        idle = setup.databases_idle(args.server)
        after = setup.database_activity(args.server)

        stored = setup.stored_counts(ballot_id)
        voted = [b for b in browsers if b.outcome == "voted"]
        refused = [b for b in browsers if b.outcome == "already_voted"]
        unexpected = [b.outcome for b in browsers if b.outcome not in {"voted", "already_voted"}]
        per_voter = {}
        for b in browsers:
            per_voter.setdefault(b.voter_index, []).append(b.outcome)
        counted, count_seconds = setup.close_and_count(ballot_id, private_key)
        expected = setup.expected_counts(ballot_id, voted)
        counted_total = sum(reselect + open_ for reselect, open_ in counted.values())

        total = report.pooled(rounds)
        per_batch = total.casts // len(rounds)
        print(f"{len(browsers)} submissions, of which {replays} replays; about {per_batch} requests a batch")
        report.print_rounds(rounds)
        report.print_per_request(total)
        own_requests = sum(b.requests for b in voted) / len(voted) if voted else 0
        report.print_per_vote(total, sum(b.requests for b in browsers), own_requests)
        report.print_ratios(rounds, total)
        report.print_cpu(rounds, total)
        if idle:
            report.print_database_work(
                before,
                after,
                (
                    ("site, sign in and cast", "vote", max(total.votes, 1)),
                    ("Django one-INSERT view", "request", total.casts),
                    ("bare WSGI one INSERT", "request", total.casts),
                ),
                setup.DATABASES,
            )
        else:
            print("\ndatabase work: not read, the servers' connections did not close in time")
        print()
        print(f"count     close + ballot_count        : {count_seconds:8.2f} s for {counted_total} sealed votes")
        print("load average at the end of the rounds (1, 5, 15 min): " + ", ".join(f"{v:.1f}" for v in load_after))

        checks = {
            "sealed votes == roll entries marked voted == receipts": stored["sealed"]
            == stored["marked_voted"]
            == stored["receipts"],
            "sealed votes == voters (none lost)": stored["sealed"] == args.voters,
            "distinct voters shown a receipt == voters": len({b.voter_index for b in voted}) == args.voters
            and len({b.receipt for b in voted}) == args.voters,
            "every replay refused as already voted (none doubled)": len(refused) == replays
            and all(sorted(o) == ["already_voted", "voted"] for o in per_voter.values() if len(o) == 2),
            "no unexpected answers (every sign-in reached the confirmation page)": not unexpected,
            "every baseline request answered 200": not baseline_failures,
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
        if baseline_failures:
            print(f"  baseline failures: {baseline_failures[:3]}")
        return 0 if all(checks.values()) else 1
    finally:
        if clients is not None:
            clients.close()
        for server in servers.values():
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up if the run failed early
            pass
        setup.databases_drop(args.server)


if __name__ == "__main__":
    sys.exit(main())
