"""The load generator of bench/vote_load.py: its client threads, in worker processes of their own.

The bench's own process only hands out work and gathers the results. The requests are made by
`ClientProcesses`: a few processes started with multiprocessing's "spawn" context (each a fresh
interpreter that imports nothing of Django, sharing nothing with the bench but its pipe), each
running its share of the clients as threads. Every thread keeps one keep-alive connection to each
server (voter_client.KeepAliveClient) from one batch to the next, so no batch pays for connecting.

A batch is one kind of request for a list of items, dealt out evenly to the processes. They start
it together (a barrier), each thread taking the next item as soon as its last request is answered
(a closed loop, as many requests in flight as there are client threads), and each process returns
its items' results with its start and end on the system-wide monotonic clock: the batch's wall
time runs from the first process's start to the last one's end. The kinds of request:

    get      GET a path, e.g. /vote/ (the warm-up);
    insert   POST / with n=<item>, to a baseline (one INSERT per request);
    sign_in  one member's browser signing in: GET /vote/ (the CSRF cookie), POST /vote/ (number and
             code; the reply is the ballot paper), POST /vote/confirm/ (the choice; the reply is
             the confirmation page); returns each step's time and what the browser holds after
             them (its cookies, the CSRF token, the vote token), or what went wrong;
    cast     POST /vote/confirm/ with cast=1 from that state: the vote is written, and the reply is
             the receipt page itself (or "already voted"); returns its time, status, outcome and
             the receipt code shown.
"""

import functools
import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor

from bench.voter_client import KeepAliveClient, Reply

BARRIER_TIMEOUT = 300  # seconds a process waits for the others to take up a batch


class Browser:
    """One member's browser inside a worker: its cookies, the last page's CSRF and vote tokens."""

    def __init__(self, client, jar=None, csrf=None, token=None):
        self.client, self.jar, self.csrf, self.token = client, dict(jar or {}), csrf, token
        self.requests = 0

    def send(self, method, path, form=None):
        self.requests += 1
        if form is not None:
            form = {"csrfmiddlewaretoken": self.csrf, **form}
        status, _, page = self.client.request(method, path, jar=self.jar, form=form)
        reply = Reply(status, path, page)
        self.csrf = reply.csrf_token or self.csrf
        self.token = reply.token
        return reply


def get(client, path, *, options):
    started = time.perf_counter()
    status, _, _ = client.request("GET", path)
    return {"seconds": time.perf_counter() - started, "status": status}


def insert(client, n, *, options):
    started = time.perf_counter()
    status, _, _ = client.request("POST", "/", form={"n": n})
    return {"seconds": time.perf_counter() - started, "status": status}


def sign_in(client, member, *, options):
    """member = (number, code, choice); the three requests, each timed."""
    number, code, choice = member
    browser = Browser(client)
    steps = []

    def timed(method, path, form=None):
        started = time.perf_counter()
        reply = browser.send(method, path, form)
        steps.append(time.perf_counter() - started)
        return reply

    def failed(step, reply):
        problem = f"{step} answered {reply.status} {reply.heading!r}"
        return {"problem": problem, "steps": steps, "requests": browser.requests}

    reply = timed("GET", "/vote/")
    if reply.status != 200 or not browser.csrf:
        return failed("GET /vote/", reply)
    reply = timed("POST", "/vote/", {"ballot": options["ballot_id"], "membership_number": number, "code": code})
    if reply.status != 200 or not reply.is_paper:
        return failed("POST /vote/", reply)
    reply = timed("POST", "/vote/confirm/", {"token": browser.token, "choice": choice})
    if reply.status != 200 or not reply.offers_cast:
        return failed("POST /vote/confirm/", reply)
    state = {"jar": browser.jar, "csrf": browser.csrf, "token": browser.token}
    return {"problem": None, "steps": steps, "requests": browser.requests, "state": state}


def cast(client, item, *, options):
    """item = (the browser's state after signing in, the choice); the cast POST, timed."""
    state, choice = item
    browser = Browser(client, **state)
    started = time.perf_counter()
    reply = browser.send("POST", "/vote/confirm/", {"token": browser.token, "choice": choice, "cast": "1"})
    seconds = time.perf_counter() - started
    receipt = reply.receipt if reply.status == 200 else None
    if receipt:
        outcome = "voted"
    elif reply.status == 409 and "already voted" in reply.body:
        outcome = "already_voted"
    else:
        outcome = f"cast answered {reply.status} {reply.heading!r}"
    return {"seconds": seconds, "status": reply.status, "outcome": outcome, "receipt": receipt}


REQUESTS = {"get": get, "insert": insert, "sign_in": sign_in, "cast": cast}


def _guarded(function, client, options, item):
    try:
        return function(client, item, options=options)
    except Exception as error:  # noqa: BLE001 - reported as the item's result, the batch goes on
        return {"problem": f"{type(error).__name__}: {error}", "outcome": f"error {type(error).__name__}"}


def _worker(pipe, barrier, threads):
    """A worker process: take a batch, start it with the others, send back its results."""
    clients = {}
    with ThreadPoolExecutor(max_workers=threads) as pool:
        while (task := pipe.recv()) is not None:
            kind, port, items, options = task
            client = clients.setdefault(port, KeepAliveClient(port))
            function = functools.partial(_guarded, REQUESTS[kind], client, options)
            barrier.wait(timeout=BARRIER_TIMEOUT)
            started = time.monotonic()
            results = list(pool.map(function, items))
            pipe.send((started, time.monotonic(), results))


class ClientProcesses:
    """`clients` client threads spread over `processes` worker processes."""

    def __init__(self, processes, clients):
        context = multiprocessing.get_context("spawn")
        # Kept for as long as the processes run: a child unpickles the barrier after start() returns.
        self.barrier = context.Barrier(processes)
        self.pipes, self.processes = [], []
        for index in range(processes):
            threads = clients // processes + (index < clients % processes)
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_worker, args=(theirs, self.barrier, threads), name=f"vote-load-clients-{index + 1}", daemon=True
            )
            process.start()
            theirs.close()
            self.pipes.append(ours)
            self.processes.append(process)

    def run(self, kind, port, items, **options):
        """One batch: every item's result, in the items' order, and the batch's wall time in seconds."""
        items = list(items)
        count = len(self.pipes)
        for index, pipe in enumerate(self.pipes):
            pipe.send((kind, port, items[index::count], options))
        replies = [pipe.recv() for pipe in self.pipes]
        results = [None] * len(items)
        for index, (_, _, chunk) in enumerate(replies):
            results[index::count] = chunk
        return results, max(end for _, end, _ in replies) - min(start for start, _, _ in replies)

    def close(self):
        for pipe in self.pipes:
            try:
                pipe.send(None)
            except OSError:
                pass  # the process has gone already
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join()
