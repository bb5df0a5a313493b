"""The task worker's heartbeat: proof, for /healthz, that a worker is running.

``manage.py task_worker`` runs the backend's own worker (``db_worker``, or ``rqworker`` with
``TASKS_BACKEND=rq``) and, beside it in the same process, a thread that writes the time to
the cache every ``HEARTBEAT_SECONDS`` (:class:`HeartbeatThread`). The cache is the one every
app server shares (the database cache, or Redis), so any server's /healthz can read when a
worker last beat. A beat older than ``TASK_WORKER_STALE_SECONDS`` means no worker is running:
stopped, killed, or never started. The thread beats while a long task runs (a batch of
emails takes minutes), so a busy worker is not reported down; a worker whose process is
alive but whose loop is stuck is not detected, which a supervisor's restart on exit does not
cover either.

The value is a whole Unix second and nothing else: no host name, no process id.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)

HEARTBEAT_CACHE_KEY = "task-worker:heartbeat"
HEARTBEAT_SECONDS = 10
# Kept well past the staleness so /healthz can say how long ago the worker stopped.
_KEEP_SECONDS = 7 * 24 * 3600


def worker_heartbeat_beat(*, now: float | None = None) -> None:
    """Record that a worker is alive now."""
    cache.set(HEARTBEAT_CACHE_KEY, int(time.time() if now is None else now), timeout=_KEEP_SECONDS)


def worker_heartbeat_age(*, now: float | None = None) -> int | None:
    """Seconds since a worker last beat, or None if none has (or the value is not ours)."""
    stamp = cache.get(HEARTBEAT_CACHE_KEY)
    if not isinstance(stamp, int) or isinstance(stamp, bool):
        return None
    return max(0, int(time.time() if now is None else now) - stamp)


def worker_heartbeat_fresh(age: int | None) -> bool:
    """Whether a beat this many seconds old means a worker is running."""
    return age is not None and age <= settings.TASK_WORKER_STALE_SECONDS


class HeartbeatThread(threading.Thread):
    """Beats every ``interval`` seconds until stopped or the process ends (``beat`` once first).

    A failed beat (the cache or its database away for a moment) is logged and tried again at
    the next beat: the worker itself goes on. The thread's own database connection is closed
    after each beat, so it holds none between them.
    """

    def __init__(self, interval: float = HEARTBEAT_SECONDS):
        super().__init__(name="task-worker-heartbeat", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()
        self.beats = 0

    def beat(self) -> bool:
        """One beat; whether it was written."""
        try:
            worker_heartbeat_beat()
        except Exception:  # noqa: BLE001 - a missed beat must not stop the worker
            logger.warning("task worker heartbeat: could not write to the cache", exc_info=True)
            return False
        self.beats += 1
        return True

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.beat()
            finally:
                connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
