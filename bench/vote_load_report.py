"""The figures of bench/vote_load.py: each round's batches, and what is printed from them.

Throughput is requests (or votes) over a batch's wall time; latency is each request's own time,
as its client thread saw it. Every ratio is first taken within a round, from batches that ran
back to back, and reported as the median over the rounds with their range; "pooled" is the same
ratio from all rounds' requests and wall times together.
"""

import statistics
from dataclasses import dataclass, field

SERVERS = ("site", "django", "bare")
LABEL = {"site": "cast", "django": "Django", "bare": "bare"}
SIGN_IN_STEPS = (
    ("GET /vote/", "the start page, the CSRF cookie"),
    ("POST /vote/", "number and code; reply: the ballot paper"),
    ("POST /vote/confirm/", "the choice; reply: the confirmation"),
)


@dataclass
class Round:
    """One round: a sign-in batch, then the cast, Django-baseline and bare-baseline batches in `order`,
    the three with `casts` requests each."""

    number: int
    order: tuple
    browsers: int = 0
    sign_in_wall: float = 0.0
    sign_in_steps: list = field(default_factory=list)  # (GET, POST, POST) seconds, for each browser
    casts: int = 0
    votes: int = 0
    walls: dict = field(default_factory=dict)  # server -> the batch's wall time
    times: dict = field(default_factory=dict)  # server -> each request's time
    journeys: list = field(default_factory=list)  # for each voter shown a receipt: its four requests' time
    cpu: dict = field(default_factory=dict)  # batch ("sign_in" or a server) -> {part: CPU seconds}, or None

    def rate(self, server):
        """Requests per second of the server's batch."""
        return self.casts / self.walls[server]

    @property
    def vote_rate(self):
        return self.votes / self.walls["site"]

    @property
    def journey_rate(self):
        return self.votes / (self.sign_in_wall + self.walls["site"])


def pooled(rounds):
    """All rounds as one: their counts, wall times and latencies added up."""
    total = Round(0, ())
    for r in rounds:
        total.browsers += r.browsers
        total.sign_in_wall += r.sign_in_wall
        total.sign_in_steps += r.sign_in_steps
        total.casts += r.casts
        total.votes += r.votes
        total.journeys += r.journeys
        for batch, spent in r.cpu.items():
            so_far = total.cpu.get(batch, {})
            unmeasured = spent is None or so_far is None
            total.cpu[batch] = None if unmeasured else {part: so_far.get(part, 0.0) + s for part, s in spent.items()}
        for server in SERVERS:
            total.walls[server] = total.walls.get(server, 0.0) + r.walls[server]
            total.times.setdefault(server, []).extend(r.times[server])
    return total


RATIOS = (
    ("cast POST, per request (POSTs/s)", lambda r, base: r.rate("site") / r.rate(base)),
    ("cast POST, per vote (votes/s)", lambda r, base: r.vote_rate / r.rate(base)),
    ("whole journey, per vote (votes/s)", lambda r, base: r.journey_rate / r.rate(base)),
)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency(times):
    return f"median {statistics.median(times) * 1000:7.1f} ms   p95 {percentile(times, 0.95) * 1000:7.1f} ms"


def spread(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f} to {max(values):.2f})"


def print_rounds(rounds):
    print()
    print("round  order                sign in     cast POST           Django     bare        cast votes/s")
    print("                            browsers/s  POSTs/s  votes/s    INSERTs/s  INSERTs/s   / Django  / bare")
    for r in rounds:
        print(
            f"{r.number:>5}  {', '.join(LABEL[s] for s in r.order):<20} {r.browsers / r.sign_in_wall:10.1f}"
            f"  {r.rate('site'):7.1f}  {r.vote_rate:7.1f}    {r.rate('django'):9.1f}  {r.rate('bare'):9.1f}"
            f"   {r.vote_rate / r.rate('django'):8.2f}  {r.vote_rate / r.rate('bare'):5.2f}"
        )


def print_per_request(total):
    print()
    print("per request, all rounds (rate: the batches' requests over their wall time)")
    for index, (name, what) in enumerate(SIGN_IN_STEPS):
        times = [steps[index] for steps in total.sign_in_steps]
        print(f"  sign in   {name:<20} {what:<42} {'':>16}  {latency(times)}")
    rate = 3 * total.browsers / total.sign_in_wall
    print(f"  sign in   {'the three':<20} {'one after another, for each browser':<42} {rate:8.1f} req/s")
    rows = (
        ("cast", "POST /vote/confirm/", "cast=1: writes the vote; reply: the receipt", "site"),
        ("baseline", "POST /", "one INSERT, the project's Django stack", "django"),
        ("baseline", "POST /", "one INSERT, a bare WSGI app (context)", "bare"),
    )
    for step, name, what, server in rows:
        rate = total.rate(server)
        print(f"  {step:<9} {name:<20} {what:<42} {rate:8.1f} req/s  {latency(total.times[server])}")
    print("  (the receipt page is the cast POST's reply: there is no separate request for it)")


def print_per_vote(total, requests, own_requests):
    print()
    print(
        f"per vote, all rounds ({total.votes} votes, members shown a receipt; {total.casts - total.votes} replays"
        " refused, their requests counted against the votes)"
    )
    sign_in_requests = 3 * total.browsers
    rows = (
        ("sign in", sign_in_requests, total.sign_in_wall, [sum(steps) for steps in total.sign_in_steps]),
        ("cast", total.casts, total.walls["site"], total.times["site"]),
        ("whole journey", requests, total.sign_in_wall + total.walls["site"], total.journeys),
    )
    for name, count, wall, times in rows:
        print(
            f"  {name:<14} {count / total.votes:4.2f} requests per vote  {wall / total.votes * 1000:6.2f} ms per vote"
            f" ({total.votes / wall:7.1f} votes/s)   per browser: {latency(times)}"
        )
    print(
        f"  (a voter's own browser makes {own_requests:.0f} requests; per browser = the sum of its requests' "
        "latencies, not the waits between batches)"
    )


def print_ratios(rounds, total):
    print()
    print(f"ratios: median of {len(rounds)} rounds (lowest to highest), [pooled]")
    print(f"  {'':<36} {'/ Django one-INSERT view':<30} / bare WSGI one INSERT (context)")
    for name, ratio in RATIOS:
        cells = [f"{spread([ratio(r, base) for r in rounds])} [{ratio(total, base):.2f}]" for base in SERVERS[1:]]
        print(f"  {name:<36} {cells[0]:<30} {cells[1]}")
    headline = [RATIOS[1][1](r, "django") for r in rounds]
    print()
    print(f"headline: cast votes/s / Django one-INSERT requests/s = {spread(headline)}  (aim: 0.50 or better)")
    bare = [RATIOS[1][1](r, "bare") for r in rounds]
    print(f"context:  cast votes/s / bare WSGI one-INSERT requests/s = {spread(bare)}")


def print_database_work(before, after, per, databases):
    """pg_stat_database deltas over the rounds, per vote for the site and per request for the baselines."""
    print()
    print("database work, all rounds (pg_stat_database; in autocommit each statement is a transaction of its own)")
    for (name, unit, count), database in zip(per, databases, strict=True):
        delta = {column: after[database][column] - before[database][column] for column in after[database]}
        print(
            f"  {name:<26} {delta['xact_commit'] / count:6.2f} transactions, {delta['tup_inserted'] / count:5.2f} rows"
            f" inserted, {delta['tup_updated'] / count:5.2f} updated, {delta['tup_deleted'] / count:5.2f} deleted"
            f" per {unit}" + (f" ({delta['xact_rollback']} rolled back)" if delta["xact_rollback"] else "")
        )


def print_cpu(rounds, total):
    """CPU milliseconds per request of each batch, by who spent them (vote_load_cpu.py), all rounds."""
    from bench.vote_load_cpu import PARTS

    print()
    if any(spent is None for spent in total.cpu.values()) or not total.cpu:
        print("CPU per request: not measured (no /proc on this machine)")
        return
    print("CPU per request, all rounds (ms of CPU time: user + system, by who spent it)")
    print(f"  {'':<36} " + "  ".join(f"{part:>8}" for part in PARTS))
    rows = (
        ("sign in, per request (3 a browser)", "sign_in", 3 * total.browsers),
        ("cast POST", "site", total.casts),
        ("Django one-INSERT view", "django", total.casts),
        ("bare WSGI one INSERT", "bare", total.casts),
    )
    for name, batch, count in rows:
        spent = total.cpu[batch]
        print(f"  {name:<36} " + "  ".join(f"{spent[part] / count * 1000:8.2f}" for part in PARTS))
    cast, django = total.cpu["site"], total.cpu["django"]
    print(
        "  the cast POST's CPU / the Django view's: "
        + ", ".join(f"{part} {cast[part] / django[part]:.2f}" for part in PARTS if django[part])
        + " (machine: the headline's ratio seen as cost, not as wall time)"
    )
