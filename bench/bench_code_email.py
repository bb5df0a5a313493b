"""Benchmark: emailing 5,000 voting codes through the queue to a loopback mail server, against smtplib alone.

    .venv/bin/python bench/bench_code_email.py [--members N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/codes .venv/bin/python bench/bench_code_email.py

A throwaway database (a temporary SQLite file, or `bench_<name>` on PostgreSQL, made and
dropped here) holds an open ballot of N members, each with an email address. A mail server
(aiosmtpd, on a loopback port in this process) accepts and counts every message. Timed in
the same run:

- request: the officer's press of "Email new codes" through Django's test client (the
  members marked "queued" and one task enqueued): it must return in well under a second
  whatever N, since the sending is the worker's;
- worker: the task's work, `voting_codes_email_deliver`, sending every queued code (a fresh
  code made, its hash stored and committed, the message sent, "sent" recorded, per member);
- baseline: a bare loop sending the same number of messages of the same size with `smtplib`
  over one connection, in the same run: the least any sender could do.

It prints messages per second for the worker and the baseline and their ratio, and the
request's time.
"""

import argparse
import datetime as dt
import logging
import os
import smtplib
import socket
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

# aiosmtpd logs every connection at INFO: keep the figures readable.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class Sink:
    """The mail server's side: counts the messages and their bytes, keeps nothing else."""

    def __init__(self):
        self.messages = 0
        self.bytes = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.messages += 1
            self.bytes += len(envelope.content)
        return "250 OK"


def ballot_prepare(members: int):
    """An open ballot of `members` members with email addresses, and its officer."""
    from django.utils import timezone

    from ballots.officer import services
    from ballots.sealing import ballot_key_generate, public_key_of
    from members.models import Constituency, Member, Ward
    from tests.factories import OFFICER_PASSWORD, OfficerFactory, TriggerBallotFactory

    constituency = Constituency.objects.create(name="Bench", sitting_mp="A Member")
    wards = [Ward.objects.create(constituency=constituency, name=f"Ward {i}") for i in range(15)]
    Member.objects.bulk_create(
        [
            Member(
                membership_number=f"B{i:07d}",
                first_name="Bench",
                last_name=f"Member {i}",
                email=f"member{i}@example.org",
                ward=wards[i % len(wards)],
                joined_on=dt.date(2015, 1, 1),
            )
            for i in range(members)
        ],
        batch_size=2000,
    )
    officer = OfficerFactory(username="bench-officer", constituencies=[constituency])
    now = timezone.now()
    ballot = TriggerBallotFactory(
        constituency=constituency, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=14)
    )
    services.ballot_open(ballot=ballot, public_key=public_key_of(ballot_key_generate()), actor=officer)
    return ballot, officer, OFFICER_PASSWORD


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def baseline(port: int, count: int, size: int) -> float:
    """Seconds for smtplib alone to send `count` messages of about `size` bytes over one connection."""
    body = "x" * max(size - 200, 10)
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for i in range(count):
            message = EmailMessage()
            message["From"] = "ballots@example.org"
            message["To"] = f"member{i}@example.org"
            message["Subject"] = "Your voting code"
            message.set_content(body)
            smtp.send_message(message)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    args = parser.parse_args()

    from django.test import Client
    from django.urls import reverse

    from ballots.models import RollEntry
    from ballots.officer.services import voting_codes_email_deliver

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()

    workdir = Path(tempfile.mkdtemp(prefix="bench-codes-"))
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(workdir / "bench.sqlite3")
    else:
        database["TEST"]["NAME"] = f"bench_{database['NAME']}"
    setup_test_environment()  # this sets the in-memory mail backend: the real one is set after it
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_MESSAGES_PER_MINUTE = 0
    # The press only enqueues: keep the task in the database queue, and run its work here.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        ballot, officer, password = ballot_prepare(args.members)
        client = Client()
        assert client.login(username=officer.username, password=password)

        start = time.perf_counter()
        response = client.post(reverse("ballots:codes_email", args=[ballot.pk]), {"confirm": "yes"})
        request_seconds = time.perf_counter() - start
        assert response.status_code in (200, 302), response.status_code
        queued = RollEntry.objects.filter(ballot=ballot, delivery_state="queued").count()
        assert queued == args.members, (queued, args.members)

        start = time.perf_counter()
        report = voting_codes_email_deliver(ballot_id=ballot.pk)
        worker_seconds = time.perf_counter() - start
        sent = RollEntry.objects.filter(ballot=ballot, delivery_state="sent").count()
        assert sink.messages == sent == args.members, (sink.messages, sent, report)
        size = sink.bytes // max(sink.messages, 1)

        baseline_seconds = baseline(port, args.members, size)
    finally:
        controller.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    worker_rate = args.members / worker_seconds
    baseline_rate = args.members / baseline_seconds
    rows = [
        ("request", "the press of Email new codes (queues)", f"{1000 * request_seconds:.1f} ms"),
        ("worker", "make code, commit, send, record", f"{worker_rate:.1f} messages/s ({worker_seconds:.2f} s)"),
        ("baseline", "smtplib alone, one connection", f"{baseline_rate:.1f} messages/s ({baseline_seconds:.2f} s)"),
        ("ratio", "worker / baseline", f"{worker_rate / baseline_rate:.2f}"),
    ]
    print(f"bench_code_email: {args.members:,} codes to a loopback mail server, {connection.vendor}")
    for name, what, figure in rows:
        print(f"{name:<9}{what:<40}: {figure}")
    print(f"messages of about {size:,} bytes; every one received and recorded as sent")


if __name__ == "__main__":
    main()
