"""A worker killed (SIGKILL) in the middle of a batch against a slow mail server: nobody is
lost. Every member has a delivered code or is listed as not sent, and the resumed batch
leaves each with exactly one working code, the one in their latest email."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ballots.officer import selectors, services
from tests.ballots.officer.delivery.delivery_checks import (
    assert_each_member_has_a_delivered_code_or_is_listed_as_not_sent,
    assert_every_member_has_exactly_one_working_code_the_latest,
    run_db_worker,
)

ROOT = Path(__file__).resolve().parents[4]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a worker in another process needs a database server it can reach; SQLite's test "
        "database lives in this process's memory (run with DATABASE_URL=postgres://...)",
    ),
]


def worker_env(mail_port: int) -> dict:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        SECRET_KEY=settings.SECRET_KEY,
        VOTING_CODE_KEY=settings.VOTING_CODE_KEY,
        TASKS_BACKEND="database",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_port),
        EMAIL_TIMEOUT="10",
        CONN_MAX_AGE="0",
        REDIS_URL="",
    )
    return env


def wait_for(condition, *, seconds: float) -> bool:
    """Poll `condition` until it holds or `seconds` pass (bounded, never a timing assertion)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_worker_killed_mid_batch_loses_nobody_and_a_fresh_press_finishes_the_batch(
    open_ballot, officer, smtp_server, database_tasks
):
    smtp_server.delay = 0.3  # a slow server: the kill lands while messages are still going
    services.voting_codes_email_queue(ballot=open_ballot, actor=officer)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"],
        cwd=ROOT,
        env=worker_env(smtp_server.port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        started = wait_for(lambda: smtp_server.count() >= 3, seconds=60)
    finally:
        worker.send_signal(signal.SIGKILL)
        _, errors = worker.communicate(timeout=30)
    assert started, errors.decode()[-2000:]

    counts = selectors.delivery_counts(open_ballot)
    assert counts["sent"] < 9
    assert counts["queued"] + counts["sending"] == 9 - counts["sent"]
    assert_each_member_has_a_delivered_code_or_is_listed_as_not_sent(open_ballot, smtp_server)

    smtp_server.delay = 0
    assert services.voting_codes_email_queue(ballot=open_ballot, actor=officer) == 9 - counts["sent"]
    run_db_worker()

    assert_every_member_has_exactly_one_working_code_the_latest(open_ballot, smtp_server)
