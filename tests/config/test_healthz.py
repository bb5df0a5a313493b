"""/healthz: the database and the cache (503 when either fails) and the task worker's heartbeat
(200 "degraded" when it is stale or missing), and the worker command that beats it."""

import json
import signal
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from ballots.tasks import heartbeat
from ballots.tasks.heartbeat import HEARTBEAT_CACHE_KEY, HeartbeatThread, worker_heartbeat_age, worker_heartbeat_beat
from config import views
from tests.test_security import ROOT

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def healthz(client):
    response = client.get("/healthz")
    return response, json.loads(response.content)


def test_healthz_reports_everything_ok_when_a_worker_beat_just_now(client, db):
    worker_heartbeat_beat(now=time.time() - 3)

    response, body = healthz(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["cache"] == {"status": "ok"}
    assert body["checks"]["task_worker"]["status"] == "ok"
    assert 3 <= body["checks"]["task_worker"]["last_beat_seconds_ago"] <= 60
    assert reverse("healthz") == "/healthz"


def test_healthz_is_200_degraded_when_no_worker_has_ever_beaten(client, db):
    response, body = healthz(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    worker = body["checks"]["task_worker"]
    assert worker["status"] == "down" and worker["last_beat_seconds_ago"] is None
    assert "task_worker" in worker["hint"]


def test_healthz_reports_the_worker_down_once_its_beat_is_older_than_the_setting(client, db, settings):
    settings.TASK_WORKER_STALE_SECONDS = 60
    worker_heartbeat_beat(now=time.time() - 59)
    assert healthz(client)[1]["checks"]["task_worker"]["status"] == "ok"

    worker_heartbeat_beat(now=time.time() - 120)
    response, body = healthz(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["task_worker"]["status"] == "down"
    assert body["checks"]["task_worker"]["last_beat_seconds_ago"] >= 120


def test_a_value_that_is_not_a_beat_counts_as_no_beat(db):
    cache.set(HEARTBEAT_CACHE_KEY, "yesterday")
    assert worker_heartbeat_age() is None
    cache.set(HEARTBEAT_CACHE_KEY, True)
    assert worker_heartbeat_age() is None


def test_healthz_is_503_when_the_cache_table_is_missing(client, db):
    missing = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_cache_table"}}
    with override_settings(CACHES=missing):
        response, body = healthz(client)

    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["checks"]["cache"]["status"] == "failing"
    assert "createcachetable" in body["checks"]["cache"]["hint"]
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["task_worker"] == {"status": "unknown"}
    # The kind of failure, never its message (which can name tables, hosts or users).
    assert "no_such_cache_table" not in response.content.decode()


def test_healthz_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", DownConnection())
    worker_heartbeat_beat()

    response, body = healthz(client)

    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["checks"]["database"] == {"status": "failing", "error": "OperationalError"}


def test_healthz_is_not_redirected_to_https(db):
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = Client().get("/healthz")
        page = Client().get("/")

    assert response.status_code == 200
    assert page.status_code == 301


# -- the heartbeat and the worker command -----------------------------------------------------


def test_the_heartbeat_thread_beats_until_stopped_and_survives_a_failed_beat(db, monkeypatch):
    written = []
    failures = iter([True])

    def beat(*, now=None):
        if next(failures, False):
            raise OperationalError("the cache table is locked")
        written.append(time.time())

    monkeypatch.setattr(heartbeat, "worker_heartbeat_beat", beat)
    thread = HeartbeatThread(interval=0.01)
    thread.start()
    deadline = time.monotonic() + 10
    while len(written) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    thread.stop()
    thread.join(timeout=5)

    assert len(written) >= 2  # the first beat failed; the next ones were written
    assert not thread.is_alive()


@pytest.mark.django_db(transaction=True)  # the worker closes connections it finds in a transaction
def test_the_task_worker_command_runs_the_queue_with_a_heartbeat_that_healthz_reads(client, settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASKS_BACKEND = "database"
    assert healthz(client)[1]["checks"]["task_worker"]["status"] == "down"
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("task_worker", "--batch", "--interval", "0", verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)

    response, body = healthz(client)
    assert body["status"] == "ok"
    assert body["checks"]["task_worker"]["status"] == "ok"


@pytest.mark.parametrize("value", ["ten", "29", "6O"])
def test_the_staleness_setting_is_parsed_strictly(value):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "TASK_WORKER_STALE_SECONDS": value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TASK_WORKER_STALE_SECONDS" in result.stderr
