"""Fixtures of the region tests: the delivery tests' real mail server and database task backend."""

from tests.ballots.officer.delivery.conftest import database_tasks, smtp_server  # noqa: F401 - fixtures shared
