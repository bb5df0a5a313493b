"""Real app servers for the production tests: gunicorn processes on loopback ports, serving
the test database (PostgreSQL) with production settings, sharing Redis when it is running."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench.servers import AppServer

ROOT = Path(__file__).resolve().parents[2]

requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="several app servers need a database server they can all reach; SQLite is one file "
    "in one process's test transaction (run with DATABASE_URL=postgres://...)",
)


def redis_url() -> str:
    """The local Redis, when one is running: the servers then keep rate limits there."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            pass
    except OSError:
        return ""
    try:
        import redis  # noqa: F401 - the cache backend needs the client
    except ImportError:
        return ""
    return "redis://127.0.0.1:6379/0"


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files collected as `make serve` does: production storage needs its manifest."""
    root = tmp_path_factory.mktemp("static")
    env = server_env(STATIC_ROOT=str(root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root


def server_env(**extra) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(),
        SECRET_KEY=settings.SECRET_KEY,
        VOTING_CODE_KEY=settings.VOTING_CODE_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        CONN_MAX_AGE="0",
        # Each run gets its own cache keys, so counters left in Redis by an earlier run count for nothing.
        CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}",
        REDIS_URL=redis_url(),
    )
    env.update(extra)
    return env


@pytest.fixture
def two_servers(transactional_db, collected_static):
    """Two gunicorn instances on different ports, one database, one cache."""
    env = server_env(STATIC_ROOT=str(collected_static))
    servers = [AppServer(env), AppServer(env)]
    try:
        for server in servers:
            server.wait_until_up()
        yield servers
    finally:
        for server in servers:
            server.stop()
        # The servers' pooled connections are gone; the test database can be flushed and dropped.
