"""The baseline for bench/vote_load.py: a bare WSGI app that does one INSERT per request.

Served by gunicorn with the same workers and threads as the real site, against the same
PostgreSQL server, so the ratio printed by the bench compares the voting pages with the
cheapest possible "write one row over HTTP" on the same machine in the same run.
"""

import os
import threading

import psycopg

DSN = os.environ["VOTE_LOAD_BASELINE_DSN"]
_local = threading.local()


def _connection():
    connection = getattr(_local, "connection", None)
    if connection is None or connection.closed:
        connection = _local.connection = psycopg.connect(DSN, autocommit=True)
    return connection


def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    with _connection().cursor() as cursor:
        cursor.execute("INSERT INTO vote_load_baseline (payload) VALUES (%s)", [body[:64].decode(errors="replace")])
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
