"""Voting codes by letter: a PDF pack, one A4 page a member, made by the task worker and
downloaded once.

The officer asks for a pack (`letter_pack_request`): every member yet to vote without an
email address, every member yet to vote (a reminder by post), those whose email failed or
bounced, or one member by membership number. That only records the request and enqueues a
task with the pack's id. The worker (`letter_pack_build`), in ONE transaction, makes each
member a fresh code (their old one stops working), stores its keyed hash, marks them "sent,
by letter", draws the PDF and stores it sealed: if anything fails, nothing is kept and no member loses a working code.

The PDF holds codes, so it is stored only encrypted (a key derived from SECRET_KEY), handed
over by the first download and then emptied (`letter_pack_download`). A pack nobody downloads
within a day is emptied by `close_due_ballots` (`letter_packs_expire`), and the codes made for
it are withdrawn: they never reached anyone.

No code is put in a log, an audit entry, the task's arguments or its result.
"""

import datetime as dt
import hashlib
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from nacl.secret import SecretBox

from ballots.codes import voting_code_generate, voting_code_hash
from ballots.models import LetterPack, RollEntry, TriggerBallot
from ballots.officer.services.common import Actor, BallotStateError, Status, ballot_audit_record, ballot_lock
from ballots.officer.services.letter_pdf import letters_pdf
from ballots.officer.services.voting_codes import voting_codes_check_issuable
from members.membership_numbers import membership_number_lookup_values, membership_number_normalise

logger = logging.getLogger(__name__)

Selection = LetterPack.Selection
PackState = LetterPack.State
State = RollEntry.DeliveryState
UK_TIME = ZoneInfo("Europe/London")
# How long a made pack waits for its download before it is emptied and its codes withdrawn.
PACK_LIFETIME = dt.timedelta(hours=24)
FAILURE_MAX_LENGTH = LetterPack._meta.get_field("failure").max_length or 200


class LetterPackGone(Exception):
    """The pack was downloaded already, expired or never made: there is nothing to hand over."""


def _pack_key() -> bytes:
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=SecretBox.KEY_SIZE, person=b"letter-pack").digest()


def letter_pack_seal(pdf: bytes) -> bytes:
    """The PDF encrypted for storage (nonce and ciphertext)."""
    return bytes(SecretBox(_pack_key()).encrypt(pdf))


def letter_pack_open(sealed: bytes) -> bytes:
    return SecretBox(_pack_key()).decrypt(sealed)


# Choosing whom to write to.


def _entries_chosen(*, ballot: TriggerBallot, selection: str, membership_number: str) -> QuerySet[RollEntry]:
    entries = RollEntry.objects.filter(ballot=ballot, has_voted=False)
    if selection == Selection.NO_EMAIL:
        entries = entries.filter(member__email="")
    elif selection == Selection.NOT_VOTED:
        pass  # everybody yet to vote: a reminder by post
    elif selection == Selection.UNDELIVERED:
        entries = entries.filter(delivery_state__in=[State.FAILED, State.BOUNCED])
    elif selection == Selection.MEMBER:
        # However it is typed ("l 100001" is L100001), as the roll search and the voting pages take it.
        entries = entries.filter(membership_number__in=membership_number_lookup_values(membership_number))
    else:
        raise ValueError(f"unknown letter selection {selection!r}")
    return entries.select_related("member", "ward").order_by("ward__name", "membership_number")


def _user(actor: Actor) -> Any:
    """The signed-in officer to record, or None for the system."""
    return actor if actor is not None and actor.is_authenticated else None


def _check_can_write(ballot: TriggerBallot, now: dt.datetime) -> None:
    voting_codes_check_issuable(ballot=ballot, now=now)
    if ballot.status != Status.OPEN:
        raise BallotStateError("Letters are made only while the ballot is open.")


def _enqueue_after_commit(pack_id: int) -> None:
    # Imported here: the task module imports these services, so a module-level import would loop.
    from ballots.tasks import voting_code_letters_build

    def enqueue() -> None:
        try:
            voting_code_letters_build.enqueue(pack_id)
        except Exception as error:  # noqa: BLE001 - the pack stays queued and says so on the page
            logger.error("Could not enqueue letter pack %s: %s", pack_id, type(error).__name__)

    transaction.on_commit(enqueue)


@transaction.atomic
def letter_pack_request(
    *,
    ballot: TriggerBallot,
    actor: Actor,
    selection: str = Selection.NO_EMAIL,
    membership_number: str = "",
    now: dt.datetime | None = None,
) -> LetterPack:
    """Record a request for a letter pack and enqueue its making; the worker makes the codes."""
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    _check_can_write(locked, now)
    if LetterPack.objects.filter(ballot=locked, state__in=[PackState.QUEUED, PackState.READY]).exists():
        raise BallotStateError(
            "A letter pack is already being made or waiting to be downloaded: download it first, "
            "as a new pack would give its members new codes."
        )
    count = _entries_chosen(ballot=locked, selection=selection, membership_number=membership_number).count()
    if not count:
        if selection == Selection.MEMBER:
            raise BallotStateError("Nobody yet to vote has that membership number on this ballot's roll.")
        raise BallotStateError("Nobody yet to vote is in that group, so there is no letter to make.")
    pack = LetterPack.objects.create(
        ballot=locked,
        requested_by=_user(actor),
        created_at=now,
        selection=selection,
        membership_number=membership_number_normalise(membership_number) if selection == Selection.MEMBER else "",
        member_count=count,
    )
    ballot_audit_record(
        action="letter_pack_requested",
        actor=actor,
        ballot=locked,
        pack=pack.pk,
        selection=selection,
        members=count,
        membership_number=pack.membership_number or None,
    )
    _enqueue_after_commit(pack.pk)
    return pack


# The worker's side.


def _issue_letter_codes(ballot: TriggerBallot, entries: list[RollEntry], now: dt.datetime) -> list[str]:
    """A fresh code for each entry, its hash stored and the entry marked sent by letter; the codes."""
    codes = []
    for entry in entries:
        code = voting_code_generate()
        entry.code_hash = voting_code_hash(ballot_id=ballot.pk, code=code)
        entry.code_issued_at = entry.delivery_changed_at = now
        entry.delivery_state, entry.delivery_channel = State.SENT, RollEntry.DeliveryChannel.LETTER
        entry.delivery_failure = ""
        codes.append(code)
    RollEntry.objects.bulk_update(
        entries,
        [
            "code_hash",
            "code_issued_at",
            "delivery_state",
            "delivery_channel",
            "delivery_changed_at",
            "delivery_failure",
        ],
        batch_size=500,
    )
    return codes


def letter_pack_build(*, pack_id: int) -> int:
    """Make the pack's letters, each with a fresh code, and store the PDF sealed; return how many."""
    pack = LetterPack.objects.select_related("ballot__constituency").get(pk=pack_id)
    if pack.state != PackState.QUEUED:
        return 0  # made already (a task run twice), or expired
    try:
        with transaction.atomic():
            count = _build(pack)
    except BallotStateError as error:
        _pack_failed(pack, str(error))
        return 0
    except Exception as error:
        _pack_failed(pack, f"The letters could not be made ({type(error).__name__}); no code was changed.")
        raise
    return count


def _build(pack: LetterPack) -> int:
    now = timezone.now()
    ballot = ballot_lock(pack.ballot)
    # Re-read under its lock: an expiry in the meantime means the pack is no longer wanted.
    if LetterPack.objects.select_for_update().get(pk=pack.pk).state != PackState.QUEUED:
        return 0
    _check_can_write(ballot, now)
    entries = list(
        _entries_chosen(ballot=ballot, selection=pack.selection, membership_number=pack.membership_number)
        .select_for_update(of=("self",))
        .iterator()
    )
    if not entries:
        raise BallotStateError("By the time the pack was made nobody in that group was yet to vote.")
    codes = _issue_letter_codes(ballot, entries, now)
    pdf = letters_pdf(ballot=ballot, letters=zip(entries, codes, strict=True))
    LetterPack.objects.filter(pk=pack.pk).update(
        state=PackState.READY, member_count=len(entries), built_at=now, pdf=letter_pack_seal(pdf)
    )
    ballot_audit_record(
        action="letter_pack_made",
        actor=None,
        ballot=ballot,
        pack=pack.pk,
        members=len(entries),
        selection=pack.selection,
    )
    return len(entries)


def _pack_failed(pack: LetterPack, reason: str) -> None:
    LetterPack.objects.filter(pk=pack.pk).update(state=PackState.FAILED, failure=reason[:FAILURE_MAX_LENGTH], pdf=b"")
    ballot_audit_record(action="letter_pack_failed", actor=None, ballot=pack.ballot, pack=pack.pk, reason=reason)


# The officer's download, and the clearing of packs left behind.


@transaction.atomic
def letter_pack_download(*, pack: LetterPack, actor: Actor, now: dt.datetime | None = None) -> bytes:
    """The pack's PDF, ONCE: the stored copy is emptied as it is handed over."""
    now = now or timezone.now()
    locked = LetterPack.objects.select_for_update(of=("self",)).select_related("ballot__constituency").get(pk=pack.pk)
    sealed = bytes(locked.pdf)
    if locked.state != PackState.READY or not sealed:
        raise LetterPackGone(_gone_reason(locked))
    pdf = letter_pack_open(sealed)
    locked.state, locked.pdf, locked.downloaded_at = PackState.DOWNLOADED, b"", now
    locked.downloaded_by = _user(actor)
    locked.save(update_fields=["state", "pdf", "downloaded_at", "downloaded_by"])
    ballot_audit_record(
        action="letter_pack_downloaded", actor=actor, ballot=locked.ballot, pack=locked.pk, members=locked.member_count
    )
    return pdf


def _gone_reason(pack: LetterPack) -> str:
    if pack.state == PackState.DOWNLOADED:
        return "This letter pack has been downloaded already, and a pack can be downloaded only once."
    if pack.state == PackState.EXPIRED:
        return "This letter pack was not downloaded within a day, so it was deleted and its codes withdrawn."
    if pack.state == PackState.QUEUED:
        return "This letter pack is still being made."
    return "This letter pack could not be made."


def letter_packs_expire(*, now: dt.datetime | None = None) -> int:
    """Empty every pack not downloaded within PACK_LIFETIME, withdrawing its codes; return how many."""
    now = now or timezone.now()
    expired = 0
    due = LetterPack.objects.filter(state__in=[PackState.READY, PackState.QUEUED], created_at__lt=now - PACK_LIFETIME)
    for pack in due.select_related("ballot__constituency"):
        with transaction.atomic():
            locked = LetterPack.objects.select_for_update().get(pk=pack.pk)
            if locked.state not in (PackState.READY, PackState.QUEUED):
                continue
            withdrawn = 0
            if locked.built_at is not None:
                # The entries still holding this pack's codes: nobody has their letter.
                withdrawn = RollEntry.objects.filter(
                    ballot_id=locked.ballot_id,
                    has_voted=False,
                    delivery_channel=RollEntry.DeliveryChannel.LETTER,
                    code_issued_at=locked.built_at,
                ).update(
                    code_hash="",
                    code_issued_at=None,
                    delivery_state=State.NOT_SENT,
                    delivery_changed_at=now,
                    delivery_failure="Letter pack not downloaded in time.",
                )
            LetterPack.objects.filter(pk=locked.pk).update(state=PackState.EXPIRED, pdf=b"")
            ballot_audit_record(
                action="letter_pack_expired", actor=None, ballot=pack.ballot, pack=pack.pk, codes_withdrawn=withdrawn
            )
            expired += 1
    return expired
