"""What the delivery tests share: the mail server's side (an aiosmtpd handler that keeps every
message), the database worker run in this process, and the invariant every test checks."""

import asyncio
import email
import re
import signal
import socket
import threading

from django.core.management import call_command

from ballots.codes import voting_code_matches
from ballots.models import RollEntry

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
NOT_SENT_STATES = {"not_sent", "queued", "sending", "failed", "bounced"}


class Mailbox:
    """The server's side: keeps every message it accepts, in order.

    `refused`: addresses answered 550 at RCPT. `delay`: seconds each message takes to be
    accepted (a slow server). `hang_up_after`: once this many messages are kept, the next one
    is kept too but the connection is dropped before the reply, as when a server dies.
    """

    def __init__(self):
        self.messages: list[tuple[str, str]] = []
        self.refused: set[str] = set()
        self.delay = 0.0
        self.hang_up_after: int | None = None
        self.port = 0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        body = email.message_from_bytes(envelope.original_content).get_payload(decode=True).decode()
        with self._lock:
            self.messages.append((envelope.rcpt_tos[0], body))
            dying = self.hang_up_after is not None and len(self.messages) > self.hang_up_after
        if dying:
            server.transport.close()
        return "250 Message accepted"

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def codes_for(self, address: str) -> list[str]:
        """Every code the address was sent, oldest first."""
        with self._lock:
            bodies = [body for to, body in self.messages if to == address]
        return [re.search(r"Your voting code:\s+(\S+)", body).group(1) for body in bodies]

    def all_codes(self) -> list[str]:
        with self._lock:
            return [re.search(r"Your voting code:\s+(\S+)", body).group(1) for _, body in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_db_worker():
    """The database backend's worker, in this process, until no task is left."""
    # The worker installs its own signal handlers; the test run keeps its own.
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def assert_each_member_has_a_delivered_code_or_is_listed_as_not_sent(ballot, mailbox):
    """The delivery invariant: an entry marked sent holds the code of the last email its member
    got; every other entry is in a state the codes page lists as not sent; and no member holds
    two working codes (only the latest email's code can match)."""
    for entry in RollEntry.objects.filter(ballot=ballot).select_related("member"):
        received = mailbox.codes_for(entry.member.email)
        if entry.delivery_state == "sent":
            assert received, entry.membership_number
            assert voting_code_matches(ballot_id=ballot.pk, code=received[-1], code_hash=entry.code_hash)
        else:
            assert entry.delivery_state in NOT_SENT_STATES
        for earlier in received[:-1]:
            assert not voting_code_matches(ballot_id=ballot.pk, code=earlier, code_hash=entry.code_hash)


def assert_every_member_has_exactly_one_working_code_the_latest(ballot, mailbox):
    for entry in RollEntry.objects.filter(ballot=ballot).select_related("member"):
        received = mailbox.codes_for(entry.member.email)
        assert entry.delivery_state == "sent", entry.membership_number
        assert received
        working = [
            code for code in received if voting_code_matches(ballot_id=ballot.pk, code=code, code_hash=entry.code_hash)
        ]
        assert working == [received[-1]]
