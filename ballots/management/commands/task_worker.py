"""``manage.py task_worker [--interval S] [--batch]``: the task worker, with a heartbeat for /healthz.

Runs the configured backend's own worker in this process: django-tasks' ``db_worker``
(always without its autoreloader, which would start a second process) or, with
``TASKS_BACKEND=rq``, ``rqworker default``; and beside it a thread that writes a heartbeat
to the cache at once and then every 10 seconds (``ballots/tasks/heartbeat.py``). /healthz reports the worker
down when the heartbeat is older than ``TASK_WORKER_STALE_SECONDS``. Ctrl-C or SIGTERM stops
the worker as the backend's own command does (a running task finishes first); the
heartbeat stops with the process.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ballots.tasks.heartbeat import HeartbeatThread


class Command(BaseCommand):
    help = "Run the task worker (db_worker, or rqworker with TASKS_BACKEND=rq) with a heartbeat that /healthz reads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            metavar="S",
            default="1",
            help="db_worker only: seconds to wait between looks at an empty queue (default 1)",
        )
        parser.add_argument("--batch", action="store_true", help="db_worker only: run what is queued, then exit")

    def handle(self, *args, **options):
        heartbeat = HeartbeatThread()
        heartbeat.beat()
        heartbeat.start()
        try:
            if settings.TASKS_BACKEND == "rq":
                call_command("rqworker", "default", verbosity=options["verbosity"])
            else:
                batch = ["--batch"] if options["batch"] else []
                call_command(
                    "db_worker",
                    "--no-reload",
                    "--interval",
                    options["interval"],
                    *batch,
                    verbosity=options["verbosity"],
                    stdout=self.stdout,
                    stderr=self.stderr,
                )
        finally:
            heartbeat.stop()
