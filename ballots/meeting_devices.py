"""Branch meetings on the voting pages: is this request from an open meeting's device or room?

A meeting (ballots/models/paper.py, MeetingSession) is opened by an officer for a ward. Two
things tie a voting request to it, and both are kept only as keyed hashes
(ballots.ratelimit.keyed_hash, under the rate limits' server key):

* the **device cookie**, set on a browser the officer makes the meeting's device: a random
  token, of which the meeting keeps only the hash;
* the **room**: the network address the meeting was opened from (a branch meeting's wifi
  shares one address), of which the meeting keeps only the hash.

A request from either, while the meeting is open (not closed, before its closing time, its
ballot still open), has the per-client rate limit lifted for that ballot's votes; the limits
per member stay (ballots/ratelimit.py). A device of a meeting held on one shared device also
changes the pages: a banner names the meeting, the receipt page has a "Next voter" button and
returns to a blank start page by itself (templates/ballots/voting/_meeting_*.html).

`meeting_lookup` is the one place the voting views ask: at most one query per request, and
none at all on a page with no ballot to lift limits for and no device cookie. Its answer is
kept on the request, so the page drawn afterwards asks nothing more. A failed query lifts
nothing and shows no banner: the page is then an ordinary voting page, never an error.
"""

import logging
from dataclasses import dataclass

from django.db import DatabaseError
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from ballots.models import MeetingSession, TriggerBallot
from ballots.ratelimit import client_address, keyed_hash

logger = logging.getLogger(__name__)

DEVICE_COOKIE = "meeting_device"
_DEVICE_PURPOSE = "meeting-device"
_ROOM_PURPOSE = "meeting-room"
# How long a shared device's receipt stays on screen before it returns to the start by itself;
# and a ballot paper or confirmation left half done (the next voter must not cast it).
RECEIPT_IDLE_SECONDS = 120
PAPER_IDLE_SECONDS = 300
_REQUEST_ATTRIBUTE = "_meeting_lookup"


def meeting_token_hash(token: str) -> str:
    """What a meeting keeps of its device token."""
    return keyed_hash(purpose=_DEVICE_PURPOSE, text=token)


def meeting_room_hash(address: str) -> str:
    """What a meeting keeps of its room's network address."""
    return keyed_hash(purpose=_ROOM_PURPOSE, text=address)


@dataclass(frozen=True)
class MeetingDevice:
    """The open meeting whose device this browser is: what its pages show."""

    ballot_id: int
    title: str
    shared_device: bool


@dataclass(frozen=True)
class MeetingLookup:
    """What one request is, meeting-wise: the meeting device it is (or None), and whether the
    client's rate limit is lifted for votes in `ballot_id`."""

    ballot_id: int | None
    device: MeetingDevice | None
    lifts_client_limit: bool

    @property
    def shared_device(self) -> bool:
        return self.device is not None and self.device.shared_device


NO_MEETING = MeetingLookup(ballot_id=None, device=None, lifts_client_limit=False)


def _open_meetings(now):
    return MeetingSession.objects.filter(
        closed_at__isnull=True,
        opened_at__lte=now,
        closes_at__gt=now,
        ballot__status=TriggerBallot.Status.OPEN,
        ballot__online_voting=True,
        ballot__closes_at__gt=now,
    )


def _query(request, ballot_id: int | None) -> MeetingLookup:
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    token = token if 0 < len(token) <= 100 else ""
    if not token and ballot_id is None:
        return NO_MEETING
    device_hash = meeting_token_hash(token) if token else None
    matches = Q(pk__in=[])
    if device_hash:
        matches |= Q(token_hash=device_hash)
    if ballot_id is not None:
        matches |= Q(ballot_id=ballot_id, room_address_hash=meeting_room_hash(client_address(request)))
    rows = (
        _open_meetings(timezone.now())
        .filter(matches)
        .annotate(
            is_device=Case(When(token_hash=device_hash or "", then=Value(1)), default=0, output_field=IntegerField())
        )
        .order_by("-is_device", "-opened_at", "-pk")
        .values("ballot_id", "title", "shared_device", "is_device")
    )
    try:
        rows = list(rows[:2])
    except DatabaseError:
        logger.exception("Could not look up the branch meeting of a voting request: no limit is lifted.")
        return NO_MEETING
    device = next(
        (MeetingDevice(row["ballot_id"], row["title"], row["shared_device"]) for row in rows if row["is_device"]), None
    )
    lifts = ballot_id is not None and any(row["ballot_id"] == ballot_id for row in rows)
    return MeetingLookup(ballot_id=ballot_id, device=device, lifts_client_limit=lifts)


def meeting_lookup(request, *, ballot_id: int | None = None) -> MeetingLookup:
    """This request's meeting: its device (from the cookie) and, for a vote in `ballot_id`, whether
    the client's limit is lifted (the device's meeting, or the room's, is of that ballot).

    Asked once per request; a later call for the same ballot (or for none) is answered from the
    first, with no query."""
    known = getattr(request, _REQUEST_ATTRIBUTE, None)
    if known is not None and (ballot_id is None or known.ballot_id == ballot_id):
        return known
    found = _query(request, ballot_id)
    setattr(request, _REQUEST_ATTRIBUTE, found)
    return found
