"""The formal record of a counted ballot: the returning officer's report and the declaration.

`formal_record` gathers, in a fixed number of queries, everything the report states: the
result and its shares under the ballot's rules and options, turnout and votes per ward, the
voting codes (issued, re-issued, sent, failed, bounced, by letter), the votes by channel, each
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

from ballots.models import AffiliateVote, RollEntry, TriggerBallot
from ballots.officer.audit_words import audit_sentence
from ballots.results.presenter import BallotResult, ballot_result
from ballots.results.selectors import ballot_tally
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


@dataclass
class FormalRecord:
    ballot: TriggerBallot
    result: BallotResult  # every figure, as officers see it
    declaration: BallotResult  # the public figures, small wards withheld
    codes: list[tuple[str, int]]
    channels: list[tuple[str, int]]
    affiliates: list[AffiliateDecision]
    timeline: list[tuple[str, dt.datetime]]
    events: list[RecordEvent] = field(default_factory=list)
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
    voted = result.tally.voted
    return FormalRecord(
        ballot=ballot,
        result=result,
        declaration=declaration,
        codes=_codes(ballot),
        # Every vote so far is cast online; paper and meeting votes will add their own lines.
        channels=[("Online", voted)],
        affiliates=_affiliates(ballot, result),
        timeline=_timeline(ballot),
        events=_events(ballot),
        made_at=now or timezone.now(),
    )
