"""Branch meetings at which a ward's members vote online: opening one, closing it, and making a browser
its device.

A meeting is an online vote held in a room: its votes are online votes (the roll marks them
"online", exactly as a vote from home), cast on the members' own phones or on one shared
device. What the meeting changes is only who can be stopped by whose typing mistakes: while
it is open, requests from its device or from its room's network address have the per-client
rate limit lifted (ballots/meeting_devices.py, ballots/ratelimit.py); the per-member limits stay.

Opening makes a random device token and keeps only its keyed hash, with a keyed hash of the
address the officer opened it from (the room); neither can be turned back into the token or
the address. Making a browser the meeting's device makes a fresh token, hands it to that
browser in a cookie and keeps its hash in place of the last one: a meeting has one device at a
time, and a token, once handed over, is never seen by the server again. Closing ends the
meeting at once. Opening and closing go in the ballot's audit log.

The reads of the meetings page (the ballot's meetings, the wards on its roll) are here beside
the writes, as the meetings' own selectors.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ballots.meeting_devices import meeting_room_hash, meeting_token_hash
from ballots.models import MeetingSession, RollEntry, TriggerBallot
from ballots.officer.services.common import Actor, BallotStateError, Status, ballot_audit_record, ballot_lock
from ballots.officer.services.letter_pdf import uk_time
from members.models import Ward

# How long a meeting runs unless the officer says otherwise (never past the meetings' closing time).
DEFAULT_LENGTH = dt.timedelta(hours=3)
TITLE_MAX_LENGTH: int = MeetingSession._meta.get_field("title").max_length or 120


def meeting_latest_close(ballot: TriggerBallot) -> dt.datetime:
    """The latest a meeting of `ballot` may run until: its branch meetings' closing time, and never
    past the ballot's own (a meeting's votes are online votes)."""
    meetings: dt.datetime = ballot.channel_closes_at("meeting")
    return min(meetings, ballot.closes_at)


def meeting_default_close(ballot: TriggerBallot, now: dt.datetime) -> dt.datetime:
    return min(now + DEFAULT_LENGTH, meeting_latest_close(ballot))


def meeting_opening_refusal(ballot: TriggerBallot, now: dt.datetime) -> str:
    """Why no meeting of `ballot` can be opened now, in words; '' when one can. Reads nothing more."""
    if ballot.status == Status.DRAFT:
        return "This ballot is still a draft: a branch meeting can be opened once voting is open."
    if ballot.status != Status.OPEN or now >= ballot.closes_at:
        return "Voting in this ballot has closed: no branch meeting can be opened."
    if now < ballot.opens_at:
        return f"Voting has not opened yet: it opens {uk_time(ballot.opens_at)}."
    if not ballot.online_voting:
        return (
            "This ballot takes no votes online. At a meeting opened here members vote online, "
            "so mark the votes cast on paper at the meeting in the marked register instead."
        )
    if not ballot.meeting_voting:
        return "This ballot's settings take no votes at branch meetings: allow them in its settings first."
    latest = meeting_latest_close(ballot)
    if now >= latest:
        return f"Branch meetings were held until {uk_time(latest)}: it is too late to open one."
    return ""


def _token_new() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, meeting_token_hash(token)


@transaction.atomic
def meeting_open(
    *,
    ballot: TriggerBallot,
    ward_id: int,
    title: str,
    shared_device: bool,
    room_address: str,
    actor: Actor,
    closes_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> MeetingSession:
    """Open a branch meeting of `ballot` for a ward on its roll, until `closes_at` (by default three
    hours, never past the meetings' closing time). `room_address` is the network address of the
    room ('' for none). Raise BallotStateError, writing nothing, when it cannot be opened."""
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    refusal = meeting_opening_refusal(locked, now)
    if refusal:
        raise BallotStateError(refusal)
    title = " ".join((title or "").split())
    if not title:
        raise BallotStateError("Give the meeting a name, such as “Barton branch meeting, 3 March”.")
    if len(title) > TITLE_MAX_LENGTH:
        raise BallotStateError(f"Give the meeting a name of at most {TITLE_MAX_LENGTH} characters.")
    ward = Ward.objects.filter(pk=ward_id, constituency_id=locked.constituency_id).first()
    if ward is None or not RollEntry.objects.filter(ballot_id=locked.pk, ward_id=ward.pk).exists():
        raise BallotStateError("Choose a ward with members on this ballot's roll.")
    latest = meeting_latest_close(locked)
    closes_at = closes_at or meeting_default_close(locked, now)
    if closes_at <= now:
        raise BallotStateError("The meeting's closing time has already passed: choose a later one.")
    if closes_at > latest:
        raise BallotStateError(
            f"A branch meeting can run until {uk_time(latest)} at the latest: choose that or earlier."
        )
    _token, token_hash = _token_new()  # handed to no one: a device gets its own (meeting_device_make)
    meeting = MeetingSession.objects.create(
        ballot=locked,
        ward=ward,
        title=title,
        shared_device=shared_device,
        token_hash=token_hash,
        room_address_hash=meeting_room_hash(room_address) if room_address else "",
        opened_by_id=getattr(actor, "pk", None),
        opened_at=now,
        closes_at=closes_at,
    )
    ballot_audit_record(
        action="meeting_opened", actor=actor, ballot=locked, meeting=title, ward=ward.name, shared_device=shared_device
    )
    return meeting


def _meeting_locked(ballot: TriggerBallot, meeting_id: int) -> MeetingSession:
    meeting = (
        MeetingSession.objects.select_for_update()
        .select_related("ward")
        .filter(pk=meeting_id, ballot_id=ballot.pk)
        .first()
    )
    if meeting is None:
        raise BallotStateError("That meeting is not one of this ballot's.")
    return meeting


@transaction.atomic
def meeting_close(
    *, ballot: TriggerBallot, meeting_id: int, actor: Actor, now: dt.datetime | None = None
) -> MeetingSession:
    """End a meeting at once: from now its device and room lift no limit."""
    now = now or timezone.now()
    meeting = _meeting_locked(ballot, meeting_id)
    if meeting.closed_at is not None:
        raise BallotStateError(f"The meeting “{meeting.title}” was already closed {uk_time(meeting.closed_at)}.")
    meeting.closed_at = now
    meeting.closed_by_id = getattr(actor, "pk", None)
    meeting.save(update_fields=["closed_at", "closed_by"])
    ballot_audit_record(
        action="meeting_closed", actor=actor, ballot=ballot, meeting=meeting.title, ward=meeting.ward.name
    )
    return meeting


@transaction.atomic
def meeting_device_make(
    *, ballot: TriggerBallot, meeting_id: int, now: dt.datetime | None = None
) -> tuple[MeetingSession, str]:
    """A fresh device token for a running meeting: (the meeting, the token for the browser's cookie).

    Its hash replaces the last one, so the browser made the device before stops being it."""
    now = now or timezone.now()
    meeting = _meeting_locked(ballot, meeting_id)
    if meeting.closed_at is not None or now >= meeting.closes_at:
        raise BallotStateError(f"The meeting “{meeting.title}” has ended: open a new one to vote at.")
    current = TriggerBallot.objects.only("status", "closes_at").get(pk=ballot.pk)
    if current.status != Status.OPEN or now >= current.closes_at:
        raise BallotStateError("Voting in this ballot has closed: no browser can be made a meeting's device.")
    token, meeting.token_hash = _token_new()
    meeting.save(update_fields=["token_hash"])
    return meeting, token


# ------------------------------------------------------------------ the meetings page's reads


@dataclass(frozen=True)
class MeetingRow:
    meeting: MeetingSession
    running: bool
    state: str  # in words, with times in UK time
    opened: str  # when, in UK time, and by whom


def _state(meeting: MeetingSession, now: dt.datetime, ballot_open: bool) -> tuple[bool, str]:
    if meeting.closed_at is not None:
        who = f" by {meeting.closed_by.get_username()}" if meeting.closed_by else ""
        return False, f"Closed {uk_time(meeting.closed_at)}{who}"
    if now >= meeting.closes_at:
        return False, f"Ended {uk_time(meeting.closes_at)}, its closing time"
    if not ballot_open:
        return False, "Ended: voting in the ballot has closed"
    return True, f"Open until {uk_time(meeting.closes_at)}"


def _opened(meeting: MeetingSession) -> str:
    who = f" by {meeting.opened_by.get_username()}" if meeting.opened_by else ""
    return f"{uk_time(meeting.opened_at)}{who}"


def meetings_of_ballot(*, ballot: TriggerBallot, now: dt.datetime | None = None) -> list[MeetingRow]:
    """Every meeting of `ballot`, the latest opened first, each with whether it runs now: one query."""
    now = now or timezone.now()
    ballot_open = ballot.status == Status.OPEN and now < ballot.closes_at
    meetings = MeetingSession.objects.filter(ballot_id=ballot.pk).select_related("ward", "opened_by", "closed_by")
    return [MeetingRow(meeting, *_state(meeting, now, ballot_open), _opened(meeting)) for meeting in meetings]


def meeting_wards(*, ballot: TriggerBallot) -> list[Ward]:
    """The wards with members on `ballot`'s roll, by name: one query."""
    on_roll = RollEntry.objects.filter(ballot_id=ballot.pk).values("ward_id")
    return list(Ward.objects.filter(pk__in=on_roll).order_by("name"))
