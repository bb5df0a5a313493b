"""Where bench/vote_load.py's CPU goes: each batch's CPU time, by who spent it.

Throughput on a shared two-CPU machine says how fast, not why; the CPU time each part spent
during a batch says where a request's cost lies. For every batch the bench reads, before and
after, the user + system CPU time (/proc/<pid>/stat) of:

    app       the batch's gunicorn server (its master and workers);
    database  the PostgreSQL backends connected to that server's database (pg_stat_activity);
    clients   the load generator's processes;
    machine   every CPU of the machine (/proc/stat), less its idle and I/O-wait time: all of the
              above plus anything else running, such as PostgreSQL's WAL writer.

Divided by the batch's requests, that is CPU milliseconds per request, which does not depend on
how the batches' wall times happened to fall. A backend that exits during a batch takes its last
figures with it (the servers keep their connections, so this is rare and undercounts only).
Linux only: elsewhere every figure is None and the report says so.
"""

import os
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PARTS = ("app", "database", "clients", "machine")


def _process_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # After the command's closing bracket: state is field 3, utime field 14, stime field 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _machine_seconds() -> float:
    """Busy CPU seconds of the whole machine since boot: all time less idle and I/O wait."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = values[3], values[4]
    return (sum(values[:8]) - idle - iowait) / CLOCK_TICKS


def _backend_pids(server: str, database: str) -> list[int]:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
        ).fetchall()
    return [pid for (pid,) in rows]


@dataclass
class Reading:
    """CPU seconds so far: each process of each part, and the machine's."""

    processes: dict  # part -> {pid: seconds}
    machine: float


class CpuMeter:
    """Reads the CPU time of one batch's parts: `app_pids()` and `client_pids` are the processes,
    `database` the batch's server's database on the PostgreSQL server at `server`."""

    available = Path("/proc/stat").exists()

    def __init__(self, server: str, client_pids: list[int]):
        self.server = server
        self.client_pids = client_pids

    def read(self, app_pids: list[int], database: str) -> Reading | None:
        if not self.available:
            return None
        groups = {"app": app_pids, "database": _backend_pids(self.server, database), "clients": self.client_pids}
        processes = {part: {pid: _process_seconds(pid) for pid in pids} for part, pids in groups.items()}
        return Reading(processes, _machine_seconds())

    def spent(self, before: Reading | None, after: Reading | None) -> dict | None:
        """{part: CPU seconds spent between the two readings}; a process new since `before` counts from 0."""
        if before is None or after is None:
            return None
        spent = {
            part: sum(seconds - before.processes[part].get(pid, 0.0) for pid, seconds in pids.items())
            for part, pids in after.processes.items()
        }
        spent["machine"] = after.machine - before.machine
        return spent
