"""Paper batches: the hand-counted papers of one ward and channel, entered by one officer and checked by another.

A batch is one ballot box of postal or paper votes, or one branch meeting's papers: its
reselect, open and spoilt figures only, never a name, so nothing ties a paper to its voter.

The rules, each enforced here under the ballot's row lock (so two entries for one ward
serialise, and the second sees the first):

* a batch is entered for a channel the ballot takes (paper or meeting), for a ward on its
  roll, while the ballot is open or closed and neither counted nor voided;
* its papers (reselect + open + spoilt) must be exactly the members marked on the register for
  that ward and channel and not yet in an entered or confirmed batch
  (`paper_marks_uncovered`, the count's own check), or it is refused with the difference;
* a different officer confirms or rejects it (the two-person rule; the database constraint
  `paper_batch_checked_by_another` is the backstop); a rejection gives a reason, and a
  rejected batch no longer covers any mark, so the ward's papers can be entered again.

Only confirmed batches are counted (ballots/officer/services/vote_count.py). The read for the
officers' page, `paper_batches_overview`, is at the end.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ballots.models import PAPER_CHANNELS, PaperBatch, RollEntry, TriggerBallot
from ballots.officer.audit_words_channels import CHANNEL_WORDS
from ballots.officer.services.common import (
    Actor,
    BallotStateError,
    Status,
    actor_user,
    ballot_audit_record,
    ballot_lock,
    officer_name,
)
from ballots.officer.services.letter_pdf import uk_time
from ballots.officer.services.vote_count import paper_marks_uncovered

LABEL_MAX_LENGTH: int = PaperBatch._meta.get_field("label").max_length or 120
REASON_MAX_LENGTH = 1000


def _papers(n: int) -> str:
    return f"{n:,} paper{'' if n == 1 else 's'}"


def _not_countable(ballot: TriggerBallot) -> None:
    if ballot.voided_at is not None:
        raise BallotStateError("This ballot has been voided: its paper votes are never counted.")
    if ballot.counted_at is not None:
        raise BallotStateError("This ballot's votes have already been counted: its paper batches can no longer change.")


def _entry_refuse(ballot: TriggerBallot, channel: str) -> None:
    _not_countable(ballot)
    if ballot.status not in (Status.OPEN, Status.CLOSED):
        raise BallotStateError("Paper batches are entered once the ballot has opened, during or after voting.")
    if channel not in PAPER_CHANNELS:
        raise BallotStateError("Choose how the papers came: by post or on paper, or at a branch meeting.")
    if not ballot.channel_allowed(channel):
        raise BallotStateError(f"This ballot does not take votes {CHANNEL_WORDS[channel]}.")


def _figures_check(*, reselect: int, open: int, spoilt: int) -> int:
    figures = (reselect, open, spoilt)
    if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in figures):
        raise BallotStateError("Give each figure as a whole number, 0 or more.")
    total = sum(figures)
    if total == 0:
        raise BallotStateError(
            "This batch has no papers: enter the number to reselect, for an open selection and spoilt."
        )
    return total


def _difference_refusal(*, total: int, waiting: int, ward: str, channel: str) -> str:
    marked = (
        f"{waiting:,} member{' of' if waiting == 1 else 's of'} {ward} "
        f"{'is' if waiting == 1 else 'are'} marked as having voted {CHANNEL_WORDS[channel]} and not yet in a batch"
    )
    if waiting <= 0:
        marked = f"no member of {ward} is marked as having voted {CHANNEL_WORDS[channel]} and not yet in a batch"
    if total > waiting:
        return (
            f"This batch has {_papers(total)} but {marked}: {total - max(waiting, 0):,} too many. "
            "Check the count, or mark the missing members on the register first."
        )
    return (
        f"This batch has {_papers(total)} but {marked}: {waiting - total:,} too few. "
        "Check the count for a missing paper, and the register for a member marked by mistake."
    )


@transaction.atomic
def paper_batch_enter(
    *,
    ballot: TriggerBallot,
    ward_id: int,
    channel: str,
    label: str,
    reselect: int,
    open: int,
    spoilt: int = 0,
    actor: Actor = None,
    now: dt.datetime | None = None,
) -> PaperBatch:
    """Enter a batch's figures for a ward and channel; it waits for a second officer. Audited."""
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    _entry_refuse(locked, channel)
    label = " ".join((label or "").split())
    if not label:
        raise BallotStateError("Say what the batch is, for example \u201cPostal votes, first box\u201d.")
    if len(label) > LABEL_MAX_LENGTH:
        raise BallotStateError(f"Keep the batch's name to {LABEL_MAX_LENGTH:,} characters.")
    total = _figures_check(reselect=reselect, open=open, spoilt=spoilt)
    ward = RollEntry.objects.filter(ballot_id=locked.pk, ward_id=ward_id).values_list("ward__name", flat=True).first()
    if ward is None:
        raise BallotStateError("That ward has nobody on this ballot's roll: choose one of the ballot's wards.")
    waiting = paper_marks_uncovered(locked).get((ward_id, channel), 0)
    if total != waiting:
        raise BallotStateError(_difference_refusal(total=total, waiting=waiting, ward=ward, channel=channel))
    batch = PaperBatch.objects.create(
        ballot=locked,
        ward_id=ward_id,
        channel=channel,
        label=label,
        reselect=reselect,
        open=open,
        spoilt=spoilt,
        entered_by=actor_user(actor),
        entered_at=now,
    )
    ballot_audit_record(
        action="paper_batch_entered",
        actor=actor,
        ballot=locked,
        batch_id=batch.pk,
        ward=ward,
        channel=channel,
        label=label,
        reselect=reselect,
        open=open,
        spoilt=spoilt,
    )
    return batch


def _batch_to_check(*, ballot: TriggerBallot, batch_id: int, actor: Actor) -> tuple[TriggerBallot, PaperBatch]:
    locked = ballot_lock(ballot)
    _not_countable(locked)
    batch = (
        PaperBatch.objects.select_for_update(of=("self",))
        .select_related("ward", "entered_by")
        .filter(ballot_id=locked.pk, pk=batch_id)
        .first()
    )
    if batch is None:
        raise BallotStateError("There is no such paper batch in this ballot.")
    if batch.state != PaperBatch.State.ENTERED:
        raise BallotStateError(f"This batch has already been {batch.get_state_display().lower()}.")
    checker = actor_user(actor)
    if checker is None:
        raise BallotStateError("A batch is checked by a signed-in officer.")
    if checker.pk == batch.entered_by_id:
        raise BallotStateError(
            "You entered this batch, so another officer must check it: the same person cannot both enter "
            "and confirm (or reject) a batch's count."
        )
    return locked, batch


@transaction.atomic
def paper_batch_confirm(
    *, ballot: TriggerBallot, batch_id: int, actor: Actor, now: dt.datetime | None = None
) -> PaperBatch:
    """A second officer confirms an entered batch: it will be counted. Audited."""
    locked, batch = _batch_to_check(ballot=ballot, batch_id=batch_id, actor=actor)
    batch.state = PaperBatch.State.CONFIRMED
    batch.checked_by = actor_user(actor)
    batch.checked_at = now or timezone.now()
    batch.save(update_fields=["state", "checked_by", "checked_at"])
    ballot_audit_record(
        action="paper_batch_confirmed",
        actor=actor,
        ballot=locked,
        batch_id=batch.pk,
        ward=batch.ward.name,
        channel=batch.channel,
        label=batch.label,
        entered_by=officer_name(batch.entered_by),
        reselect=batch.reselect,
        open=batch.open,
        spoilt=batch.spoilt,
    )
    return batch


@transaction.atomic
def paper_batch_reject(
    *, ballot: TriggerBallot, batch_id: int, actor: Actor, reason: str, now: dt.datetime | None = None
) -> PaperBatch:
    """A second officer rejects an entered batch, saying why; its papers can then be entered again. Audited."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise BallotStateError("Say why the batch is rejected, so that whoever enters it again can put it right.")
    if len(reason) > REASON_MAX_LENGTH:
        raise BallotStateError(f"Keep the reason to {REASON_MAX_LENGTH:,} characters.")
    locked, batch = _batch_to_check(ballot=ballot, batch_id=batch_id, actor=actor)
    batch.state = PaperBatch.State.REJECTED
    batch.checked_by = actor_user(actor)
    batch.checked_at = now or timezone.now()
    batch.reject_reason = reason
    batch.save(update_fields=["state", "checked_by", "checked_at", "reject_reason"])
    ballot_audit_record(
        action="paper_batch_rejected",
        actor=actor,
        ballot=locked,
        batch_id=batch.pk,
        ward=batch.ward.name,
        channel=batch.channel,
        label=batch.label,
        reason=reason,
    )
    return batch


# --- the officers' page: a selector -------------------------------------------------------------


@dataclass
class WardChannelRow:
    """One ward and channel: members marked, papers in confirmed and in waiting batches, and the rest."""

    ward_id: int
    ward: str
    channel: str
    marked: int = 0
    confirmed: int = 0
    waiting: int = 0

    @property
    def channel_words(self) -> str:
        return CHANNEL_WORDS[self.channel]

    @property
    def not_in_batch(self) -> int:
        """Marked members whose papers are in no entered or confirmed batch (as `paper_marks_uncovered`)."""
        return self.marked - self.confirmed - self.waiting


@dataclass
class BatchRow:
    batch: PaperBatch
    state_words: str
    entered_by: str
    entered_at: str
    checked_by: str
    checked_at: str

    @property
    def channel_words(self) -> str:
        return CHANNEL_WORDS[self.batch.channel]


@dataclass
class PaperBatchesOverview:
    channels: list[str]
    wards: list[tuple[int, str]]
    roll_size: int
    rows: list[WardChannelRow] = field(default_factory=list)
    batches: list[BatchRow] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(1 for row in self.batches if row.batch.state == PaperBatch.State.ENTERED)


def _batch_row(batch: PaperBatch) -> BatchRow:
    checked = batch.state != PaperBatch.State.ENTERED
    return BatchRow(
        batch=batch,
        state_words=batch.get_state_display(),
        entered_by=officer_name(batch.entered_by),
        entered_at=uk_time(batch.entered_at),
        checked_by=officer_name(batch.checked_by) if checked else "",
        checked_at=uk_time(batch.checked_at) if checked and batch.checked_at else "",
    )


def paper_batches_overview(ballot: TriggerBallot) -> PaperBatchesOverview:
    """The paper batches page's figures, per ward (on the roll) and channel (the ballot takes), and every
    batch with who entered and checked it and when (UK time): two queries, whatever the sizes."""
    channels = [channel.value for channel in PAPER_CHANNELS if ballot.channel_allowed(channel)]
    wards: dict[int, str] = {}
    marked: Counter[tuple[int, str]] = Counter()
    roll_size = 0
    for ward_id, ward_name, channel, n in (
        RollEntry.objects.filter(ballot_id=ballot.pk)
        .values_list("ward_id", "ward__name", "vote_channel")
        .annotate(n=Count("*"))
        .order_by()
    ):
        wards[ward_id] = ward_name
        roll_size += n
        if channel in PAPER_CHANNELS:
            marked[ward_id, channel] += n
    batches = list(
        PaperBatch.objects.filter(ballot_id=ballot.pk)
        .select_related("ward", "entered_by", "checked_by")
        .order_by("ward__name", "entered_at", "pk")
    )
    in_batches: dict[str, Counter[tuple[int, str]]] = {"confirmed": Counter(), "entered": Counter()}
    for batch in batches:
        if batch.state in in_batches:
            in_batches[batch.state][batch.ward_id, batch.channel] += batch.total
        wards.setdefault(batch.ward_id, batch.ward.name)
    ordered = sorted(wards.items(), key=lambda item: (item[1].casefold(), item[0]))
    # The channels the ballot takes, and any other that has marks or batches all the same.
    used = {channel for counter in (marked, *in_batches.values()) for (_ward, channel) in counter}
    shown = channels + sorted(used - set(channels))
    rows = [
        WardChannelRow(
            ward_id=ward_id,
            ward=name,
            channel=channel,
            marked=marked[ward_id, channel],
            confirmed=in_batches["confirmed"][ward_id, channel],
            waiting=in_batches["entered"][ward_id, channel],
        )
        for ward_id, name in ordered
        for channel in shown
    ]
    return PaperBatchesOverview(
        channels=channels,
        wards=ordered,
        roll_size=roll_size,
        rows=rows,
        batches=[_batch_row(batch) for batch in batches],
    )
