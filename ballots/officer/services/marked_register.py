"""The marked register: an officer marks a member as having voted by post, on paper or at a branch
meeting, and may undo their own mark, in the same login session, with a reason.

A mark is the same once-only guard as an online vote: a conditional UPDATE of the roll entry
(`... WHERE NOT has_voted`), so of a mark and an online vote for one member racing, exactly
one flips the flag and the other is refused (on PostgreSQL the database decides; SQLite has
one writer at a time). A member marked cannot then vote online, and one who voted online
cannot be marked.

The ballot's row is held FOR SHARE while a mark is written, as the online cast holds it: marks
and votes proceed side by side, but closing the ballot (an UPDATE of that row) waits for the
marks in flight, and a mark that starts after the close committed finds the ballot closed.
An undo takes the row lock itself (ballot_lock, FOR UPDATE): undoing is rare, and it must not
pass a paper batch being entered for the same ward at the same moment.

A mark keeps a keyed hash of the officer's login session (never the session key itself), so
that only that officer, in that session, can undo it. Nothing here says which way anyone voted:
a paper's choice is counted in its ward's batch (ballots/models/paper.py), never beside a name.

The reads of the register page (find members, the marks of this session, the counts per
channel) are here beside the writes, as the register's own selectors.
"""

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ballots.models import PAPER_CHANNELS, RollEntry, TriggerBallot, VoteChannel
from ballots.officer.audit_words_channels import CHANNEL_WORDS
from ballots.officer.selectors import VOTED_HOW
from ballots.officer.services.common import Actor, BallotStateError, Status, ballot_audit_record, ballot_lock
from ballots.officer.services.letter_pdf import uk_time
from ballots.officer.services.vote_count import paper_marks_uncovered
from ballots.state import VOTING_CLOSED, VOTING_NOT_OPEN_YET, VOTING_OPEN, ballot_voting_state
from members.membership_numbers import membership_number_lookup_values

# The most members a search shows; a longer list asks for a closer search.
SEARCH_LIMIT = 50
# The marks of this session shown on the page (each with its undo link), latest first.
RECENT_LIMIT = 20
REASON_MAX_LENGTH = 500

_BALLOT = TriggerBallot._meta.db_table


def marked_session_hash(*, ballot_id: int, session_key: str | None) -> str:
    """A keyed hash of an officer's login session for a mark on `ballot_id`; '' when there is no session."""
    if not session_key:
        return ""
    return salted_hmac("ballots.marked-register-session", f"{ballot_id}:{session_key}", algorithm="sha256").hexdigest()


def _ballot_hold(ballot: TriggerBallot) -> TriggerBallot:
    """The ballot re-read with its row held FOR SHARE (PostgreSQL), as an online vote holds it.

    Django's ORM offers FOR UPDATE only, which would make marks wait for one another and for
    every vote; FOR SHARE lets them run side by side and makes only a close (an UPDATE) wait.
    On SQLite one writer at a time holds anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT id FROM "{_BALLOT}" WHERE id = %s FOR SHARE', [ballot.pk])  # noqa: S608
    return TriggerBallot.objects.select_related("constituency").get(pk=ballot.pk)


def _open_refuse(ballot: TriggerBallot, now: dt.datetime) -> None:
    """Refuse unless members can vote in `ballot` now (its status open, within its voting period)."""
    if ballot.voided_at is not None:
        raise BallotStateError("This ballot has been voided: it takes no more votes.")
    if ballot.status == Status.DRAFT:
        raise BallotStateError("This ballot is still a draft: members can be marked once it is open.")
    state = ballot_voting_state(ballot, now)
    if state == VOTING_CLOSED:
        raise BallotStateError("Voting in this ballot has closed: no more votes can be marked.")
    if state == VOTING_NOT_OPEN_YET:
        raise BallotStateError(f"Voting has not opened yet: it opens {uk_time(ballot.opens_at)}.")


def marked_register_refusal(ballot: TriggerBallot, now: dt.datetime) -> str:
    """Why no member can be marked in `ballot` now, in words; '' when they can (no lock, no write)."""
    try:
        _open_refuse(ballot, now)
    except BallotStateError as error:
        return str(error)
    return ""


def marked_register_channel_open(ballot: TriggerBallot, channel: str, now: dt.datetime) -> bool:
    """Whether a member can be marked as having voted by `channel` now (a paper channel only)."""
    # A voided ballot is never open (a database constraint), and no channel closes after the ballot.
    return (
        channel in PAPER_CHANNELS
        and ballot.channel_allowed(channel)
        and ballot_voting_state(ballot, now) == VOTING_OPEN
        and now < ballot.channel_closes_at(channel)
    )


def _channel_refuse(ballot: TriggerBallot, channel: str, now: dt.datetime) -> None:
    if channel not in PAPER_CHANNELS:
        raise BallotStateError("Choose how the member voted: by post or on paper, or at a branch meeting.")
    words = CHANNEL_WORDS[channel]
    if not ballot.channel_allowed(channel):
        raise BallotStateError(f"This ballot takes no votes {words}.")
    closes_at = ballot.channel_closes_at(channel)
    if now >= closes_at:
        raise BallotStateError(f"Votes {words} were taken until {uk_time(closes_at)}: it is too late to mark one.")


def _already_voted(entry: RollEntry) -> str:
    how = CHANNEL_WORDS.get(entry.vote_channel or VoteChannel.ONLINE, CHANNEL_WORDS[VoteChannel.ONLINE])
    return f"{entry.member.full_name} ({entry.membership_number}) has already voted {how}: each member votes once."


def _entry_get(ballot: TriggerBallot, entry_id: int) -> RollEntry:
    entry = RollEntry.objects.filter(pk=entry_id, ballot_id=ballot.pk).select_related("member").first()
    if entry is None:
        raise BallotStateError("That member is not on this ballot's roll.")
    return entry


@transaction.atomic
def vote_mark(
    *,
    ballot: TriggerBallot,
    entry_id: int,
    channel: str,
    actor: Actor,
    session_key: str | None,
    now: dt.datetime | None = None,
) -> RollEntry:
    """Mark a member on the register as having voted by `channel` (paper or meeting), once.

    Raise BallotStateError, writing nothing, when the ballot is not open, the channel is not
    allowed or has closed, or the member has already voted (online or marked).
    """
    now = now or timezone.now()
    held = _ballot_hold(ballot)
    _open_refuse(held, now)
    _channel_refuse(held, channel, now)
    channel = VoteChannel(channel).value
    entry = _entry_get(held, entry_id)
    # The once-only guard, the same as the online cast's: of racing writers exactly one matches.
    marked = RollEntry.objects.filter(pk=entry.pk, ballot_id=held.pk, has_voted=False).update(
        has_voted=True,
        vote_channel=channel,
        marked_at=now,
        marked_by_id=getattr(actor, "pk", None),
        marked_session=marked_session_hash(ballot_id=held.pk, session_key=session_key),
    )
    if not marked:
        entry.refresh_from_db(fields=["has_voted", "vote_channel"])
        raise BallotStateError(_already_voted(entry))
    ballot_audit_record(
        action="vote_marked", actor=actor, ballot=held, membership_number=entry.membership_number, channel=channel
    )
    entry.refresh_from_db(fields=["has_voted", "vote_channel", "marked_at", "marked_by", "marked_session"])
    return entry


@transaction.atomic
def vote_mark_undo(
    *,
    ballot: TriggerBallot,
    entry_id: int,
    actor: Actor,
    session_key: str | None,
    reason: str,
    now: dt.datetime | None = None,
) -> RollEntry:
    """Undo a mark: only its officer, in the login session it was made in, with a reason, while voting is
    open, and only while no paper batch counts the vote. The member may then vote again, online too."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise BallotStateError("Say why the mark is being undone: the reason goes in the audit log.")
    locked = ballot_lock(ballot)
    _open_refuse(locked, now)
    entry = _entry_get(locked, entry_id)
    if not entry.has_voted or entry.vote_channel not in PAPER_CHANNELS:
        raise BallotStateError(
            f"{entry.member.full_name} ({entry.membership_number}) is not marked on the register: there is no mark "
            "to undo. A vote cast online cannot be undone."
        )
    session = marked_session_hash(ballot_id=locked.pk, session_key=session_key)
    if entry.marked_by_id is None or entry.marked_by_id != getattr(actor, "pk", None):
        raise BallotStateError("Only the officer who made this mark can undo it.")
    if not session or not constant_time_compare(session, entry.marked_session):
        raise BallotStateError(
            "A mark can be undone only in the login session it was made in: this one was made in another. "
            "Ask a second officer to check the paper batches instead."
        )
    if paper_marks_uncovered(locked).get((entry.ward_id, entry.vote_channel), 0) <= 0:
        raise BallotStateError(
            f"A batch already counts this vote; reject the batch first. Every member marked in "
            f"{entry.ward} {CHANNEL_WORDS[entry.vote_channel]} is in a paper batch."
        )
    channel = entry.vote_channel
    undone = RollEntry.objects.filter(
        pk=entry.pk, ballot_id=locked.pk, has_voted=True, vote_channel=channel, marked_session=entry.marked_session
    ).update(has_voted=False, vote_channel="", marked_at=None, marked_by=None, marked_session="")
    if not undone:
        raise BallotStateError("This mark has already been undone.")
    ballot_audit_record(
        action="vote_mark_undone",
        actor=actor,
        ballot=locked,
        membership_number=entry.membership_number,
        channel=channel,
        reason=reason,
    )
    entry.refresh_from_db(fields=["has_voted", "vote_channel", "marked_at", "marked_by", "marked_session"])
    return entry


# ------------------------------------------------------------------ the register page's reads


def marked_register_search(*, ballot: TriggerBallot, text: str) -> tuple[list[Any], bool]:
    """Roll entries whose membership number is `text`, or whose names contain every word of it (any case);
    at most SEARCH_LIMIT, by name; and whether there were more. One query."""
    words = (text or "").split()
    if not words:
        return [], False
    by_number = Q(membership_number__in=membership_number_lookup_values(text))
    by_name = Q()
    for word in words:
        by_name &= Q(member__first_name__icontains=word) | Q(member__last_name__icontains=word)
    rows = list(
        RollEntry.objects.filter(by_number | by_name, ballot_id=ballot.pk)
        .select_related("member", "ward")
        .annotate(voted_how=VOTED_HOW)
        .order_by("member__last_name", "member__first_name", "membership_number")[: SEARCH_LIMIT + 1]
    )
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


def marked_register_recent(*, ballot: TriggerBallot, actor: Actor, session_key: str | None) -> list[Any]:
    """The marks `actor` made in this login session that still stand, latest first (the ones they may undo)."""
    session = marked_session_hash(ballot_id=ballot.pk, session_key=session_key)
    actor_id = getattr(actor, "pk", None)
    if not session or actor_id is None:
        return []
    return list(
        RollEntry.objects.filter(
            ballot_id=ballot.pk,
            has_voted=True,
            vote_channel__in=PAPER_CHANNELS,
            marked_by_id=actor_id,
            marked_session=session,
        )
        .select_related("member", "ward")
        .annotate(voted_how=VOTED_HOW)
        .order_by("-marked_at", "-pk")[:RECENT_LIMIT]
    )


def marked_register_counts(*, ballot: TriggerBallot) -> dict[str, int]:
    """How many members are marked as having voted by each paper channel (by VoteChannel value): one query."""
    return RollEntry.objects.filter(ballot_id=ballot.pk, has_voted=True).aggregate(
        **{channel.value: Count("pk", filter=Q(vote_channel=channel)) for channel in PAPER_CHANNELS}
    )
