"""The formal record of a counted ballot: the returning officer's report and the declaration.

`formal_record` gathers, in a fixed number of queries, everything the report states: the
result and its shares under the ballot's rules and options, turnout and votes per ward, the
voting codes (issued, re-issued, sent, failed, bounced, by letter), the votes by channel (per
ward: online, by post or on paper, at meetings, spoilt papers; and the paper batches
confirmed), each
affiliate's decision with its delegate and when and by whom it was recorded, the timeline, and
every audit event in plain words. The declaration (the public figures only, as the results
page shows them) is made from the same record. Pages and PDFs draw it (views/formal_record.py,
services/record_pdf.py); nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from ballots.models import AffiliateVote, PaperBatch, RollEntry, TriggerBallot
from ballots.officer.audit_words import audit_sentence
from ballots.results.presenter import BallotResult, ballot_result
from ballots.results.selectors import CHANNEL_LABELS, ChannelCounts, ballot_tally
from members.models import AuditEvent


class RecordNotReady(Exception):
    """The ballot has no formal record yet; the message says why, in words for the officer."""


@dataclass(frozen=True)
class AffiliateDecision:
    name: str
    kind: str
    vote: str
    delegate_name: str
    recorded_at: dt.datetime | None
    recorded_by: str


@dataclass(frozen=True)
class RecordEvent:
    when: dt.datetime
    who: str
    what: str


@dataclass(frozen=True)
class ChannelWard:
    """A ward's votes by the way they were cast (the last row of a record's list is all wards)."""

    name: str
    online: int
    paper: int
    meeting: int
    spoilt: int

    @property
    def votes(self) -> int:
        return self.online + self.paper + self.meeting


@dataclass
class FormalRecord:
    ballot: TriggerBallot
    result: BallotResult  # every figure, as officers see it
    declaration: BallotResult  # the public figures, small wards withheld
    codes: list[tuple[str, int]]
    channels: list[tuple[str, int]]  # the votes per channel used, all wards together
    affiliates: list[AffiliateDecision]
    timeline: list[tuple[str, dt.datetime]]
    events: list[RecordEvent] = field(default_factory=list)
    channel_wards: list[ChannelWard] = field(default_factory=list)  # per ward, then "All wards"
    batches_confirmed: int = 0
    made_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def provisional(self) -> bool:
        return self.ballot.status != TriggerBallot.Status.DECLARED

    @property
    def rules_and_options(self) -> list[tuple[str, str]]:
        return [("Rules", self.result.rule_set.title), *self.result.option_rows]


def formal_record_check(ballot: TriggerBallot) -> None:
    """Raise RecordNotReady unless the ballot's votes have been counted."""
    if ballot.counted_at is None:
        if ballot.status in (TriggerBallot.Status.DRAFT, TriggerBallot.Status.OPEN):
            raise RecordNotReady("The formal record is made once the ballot has closed and its votes are counted.")
        raise RecordNotReady("The votes are still sealed: count them with the ballot's key, then the record is ready.")


def _codes(ballot: TriggerBallot) -> list[tuple[str, int]]:
    states = RollEntry.DeliveryState
    counts = RollEntry.objects.filter(ballot=ballot).aggregate(
        roll=Count("pk"),
        issued=Count("pk", filter=~Q(code_hash="")),
        sent_email=Count("pk", filter=Q(delivery_state=states.SENT, delivery_channel=RollEntry.DeliveryChannel.EMAIL)),
        sent_letter=Count("pk", filter=Q(delivery_channel=RollEntry.DeliveryChannel.LETTER)),
        failed=Count("pk", filter=Q(delivery_state=states.FAILED)),
        bounced=Count("pk", filter=Q(delivery_state=states.BOUNCED)),
    )
    reissues = AuditEvent.objects.filter(ballot_id=ballot.pk).aggregate(
        one=Count("pk", filter=Q(action="voting_code_reissued")),
        every=Sum(
            Cast(KeyTextTransform("count", "detail"), IntegerField()), filter=Q(action="voting_codes_reissued_all")
        ),
    )
    return [
        ("Members on the roll", counts["roll"]),
        ("Holding a voting code at the close", counts["issued"]),
        ("Codes re-issued to one member", reissues["one"]),
        ("Codes replaced in a re-issue to everyone", reissues["every"] or 0),
        ("Codes sent by email", counts["sent_email"]),
        ("Codes sent by letter", counts["sent_letter"]),
        ("Emails refused by the mail server", counts["failed"]),
        ("Emails bounced", counts["bounced"]),
    ]


def _affiliates(ballot: TriggerBallot, result: BallotResult) -> list[AffiliateDecision]:
    username = f"recorded_by__{get_user_model().USERNAME_FIELD}"
    recorded = {
        affiliate_id: (recorded_at, by)
        for affiliate_id, recorded_at, by in AffiliateVote.objects.filter(ballot=ballot).values_list(
            "affiliate_id", "recorded_at", username
        )
    }
    decisions = []
    for row in result.affiliates:
        recorded_at, by = recorded.get(row.tally.affiliate_id, (None, None))
        decisions.append(
            AffiliateDecision(
                name=row.tally.name,
                kind=row.tally.kind_label,
                vote=row.tally.vote_label,
                delegate_name=row.tally.delegate_name,
                recorded_at=recorded_at,
                recorded_by=by or "",
            )
        )
    return decisions


def _channel_wards(result: BallotResult) -> list[ChannelWard]:
    def row(name: str, by_channel: dict[str, ChannelCounts]) -> ChannelWard:
        votes = {channel: counts.votes for channel, counts in by_channel.items()}
        return ChannelWard(
            name=name,
            online=votes.get("online", 0),
            paper=votes.get("paper", 0),
            meeting=votes.get("meeting", 0),
            spoilt=sum(counts.spoilt for counts in by_channel.values()),
        )

    rows = [row(branch.name, branch.tally.by_channel) for branch in result.branches]
    return [*rows, row("All wards", result.tally.by_channel)]


def _timeline(ballot: TriggerBallot) -> list[tuple[str, dt.datetime]]:
    moments = [
        ("Created", ballot.created_at),
        ("Voting opened", ballot.opened_at),
        ("Voting closed", ballot.closed_at),
        ("Votes counted", ballot.counted_at),
        ("Result declared", ballot.declared_at),
        ("Voided", ballot.voided_at),
    ]
    return [(label, moment) for label, moment in moments if moment is not None]


def _events(ballot: TriggerBallot) -> list[RecordEvent]:
    events = AuditEvent.objects.filter(ballot_id=ballot.pk).select_related("actor").order_by("created_at", "pk")
    return [
        RecordEvent(
            when=event.created_at,
            who=event.actor.get_username() if event.actor is not None else "The system",
            what=audit_sentence(event.action, event.detail),
        )
        for event in events
    ]


def formal_record(ballot: TriggerBallot, *, now: dt.datetime | None = None) -> FormalRecord:
    """The formal record of a counted ballot; RecordNotReady if its votes are not counted yet."""
    formal_record_check(ballot)
    tally = ballot_tally(ballot)
    result = ballot_result(ballot, public=False, tally=tally, with_flip=False)
    declaration = ballot_result(ballot, public=True, tally=tally, with_flip=False)
    by_channel = result.tally.by_channel
    return FormalRecord(
        ballot=ballot,
        result=result,
        declaration=declaration,
        codes=_codes(ballot),
        channels=[(CHANNEL_LABELS[channel], counts.votes) for channel, counts in by_channel.items()]
        or [(CHANNEL_LABELS["online"], 0)],
        channel_wards=_channel_wards(result),
        batches_confirmed=PaperBatch.objects.filter(ballot=ballot, state=PaperBatch.State.CONFIRMED).count(),
        affiliates=_affiliates(ballot, result),
        timeline=_timeline(ballot),
        events=_events(ballot),
        made_at=now or timezone.now(),
    )
