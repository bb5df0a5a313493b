"""Fixtures of the delivery tests: a real mail server (aiosmtpd, in this process, on a loopback
port) with Django's SMTP backend pointed at it, and the database task backend."""

import pytest
from aiosmtpd.controller import Controller

from tests.ballots.officer.delivery.delivery_checks import DATABASE_TASKS, Mailbox, free_port


@pytest.fixture
def smtp_server(settings):
    """A mail server on a loopback port, and Django's SMTP backend sending to it."""
    mailbox = Mailbox()
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mailbox.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def database_tasks(settings):
    """The database task backend, as in production (the suite's default runs tasks at once)."""
    settings.TASKS = DATABASE_TASKS
