"""Reads for a region's dashboard: every ballot of the region as one row of figures, in constant queries.

A row holds what a regional officer follows across a round: the roll's size, codes delivered,
turnout so far, affiliates' decisions recorded, the closing time and, once declared, the
outcome and the open share. Counts are made for all the ballots at once, never per ballot:

* the frozen roll of every opened ballot (size, voted, codes sent): one ``GROUP BY ballot``
  over ``RollEntry``, with the officer pages' own count expressions;
* eligible affiliates and their recorded decisions: one ``GROUP BY ballot`` over
  ``BallotAffiliate``, as the officer's turnout counts them;
* drafts, which have no roll yet: the members who would be on it if the ballot opened now,
  one ``GROUP BY constituency`` over ``Member`` with one filtered count per distinct set of
  eligibility rules among the drafts; their eligible affiliates likewise, one filtered count
  per distinct affiliation cut-off;
* declared results: ``declared_outcomes`` (three queries for any number of ballots).

Turnout (who has voted, never which way) is not secret: the officer pages show it live. No
choice is read for a ballot that is not declared: outcome and open share stay empty until then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from ballots.models import AffiliateVote, BallotAffiliate, RollEntry, Round, TriggerBallot
from ballots.officer.selectors import ballot_member_rules, code_count_expressions, delivery_count_expressions
from ballots.results.presenter import OUTCOME_LABELS, declared_outcomes, pc
from ballots.state import ballot_effective_status
from members.models import Affiliate, Member, Region
from members.times import uk_time_short

STATUS_LABELS = dict(TriggerBallot.Status.choices)
STATUS_ORDER = [status.value for status in TriggerBallot.Status]


@dataclass
class DashboardRow:
    """One ballot of the region, as the dashboard, its CSV and its charts show it."""

    ballot_id: int
    constituency: str
    sitting_mp: str
    round_name: str
    status: str  # the effective status: an open ballot past its closing time is closed
    voided: bool
    closes_at: dt.datetime
    # On the frozen roll; for a draft, those who would be on it if it opened now.
    roll: int
    roll_is_preview: bool
    codes_delivered: int | None  # None for a draft: no codes yet
    voted: int | None
    affiliates_eligible: int
    affiliates_recorded: int | None  # None for a draft: nothing to record yet
    # Declared (and not voided) ballots only.
    outcome: str = ""  # in words
    outcome_key: str = ""  # counting.OUTCOME_RESELECTED or counting.OUTCOME_OPEN_SELECTION
    open_share: Fraction | None = None
    judged_per_section: bool = False

    @property
    def status_label(self) -> str:
        label = STATUS_LABELS.get(self.status, self.status)
        return f"{label} (voided)" if self.voided else label

    @property
    def status_sort(self) -> int:
        """For sorting: in the order a ballot goes through them."""
        return STATUS_ORDER.index(self.status) if self.status in STATUS_ORDER else len(STATUS_ORDER)

    @cached_property
    def turnout(self) -> Fraction | None:
        if self.voted is None or not self.roll:
            return None
        return Fraction(self.voted, self.roll)

    @property
    def turnout_pc(self) -> str:
        return "" if self.turnout is None else pc(self.turnout, 1)

    @property
    def turnout_sort(self) -> float:
        """For sorting: drafts and empty rolls first."""
        return -1.0 if self.turnout is None else float(self.turnout)

    @property
    def open_share_pc(self) -> str:
        if not self.outcome:
            return ""
        return "judged per section" if self.judged_per_section else pc(self.open_share, 1)

    @property
    def open_share_sort(self) -> float:
        return -1.0 if self.open_share is None else float(self.open_share)

    @property
    def codes_delivered_sort(self) -> int:
        return -1 if self.codes_delivered is None else self.codes_delivered

    @property
    def affiliates_recorded_sort(self) -> int:
        return -1 if self.affiliates_recorded is None else self.affiliates_recorded

    # The table's cells in words (plain properties, so django-tables2 reads them without a render
    # method: a render method per cell costs a signature inspection per cell).
    @property
    def round_text(self) -> str:
        return self.round_name or "Not in a round"

    @property
    def roll_text(self) -> str:
        return f"{self.roll:,} if it opened now" if self.roll_is_preview else f"{self.roll:,}"

    @property
    def codes_delivered_text(self) -> str:
        return "None yet (draft)" if self.codes_delivered is None else f"{self.codes_delivered:,}"

    @property
    def turnout_text(self) -> str:
        if self.voted is None:
            return "Not open"
        if not self.roll:
            return "Nobody on the roll"
        return f"{self.voted:,} ({self.turnout_pc})"

    @property
    def closes_text(self) -> str:
        return uk_time_short(self.closes_at)

    @property
    def outcome_text(self) -> str:
        return self.outcome or "Not declared"

    @property
    def open_share_text(self) -> str:
        return self.open_share_pc or "–"

    @property
    def affiliates_text(self) -> str:
        """E.g. "3 of 5", or for a draft "5 eligible (not open)"."""
        if self.affiliates_recorded is None:
            return f"{self.affiliates_eligible:,} eligible (not open)"
        return f"{self.affiliates_recorded:,} of {self.affiliates_eligible:,}"


# What a row, its eligibility rules and a declared ballot's count read of the ballot: no more.
BALLOT_FIELDS = (
    "constituency__name",
    "round__name",
    "sitting_mp",
    "status",
    "closes_at",
    "voided_at",
    "counted_at",
    "rules",
    "member_counting",
    "affiliate_counting",
    "tied_branch",
    "freeze_date",
    "min_membership_months",
    "arrears_allowed",
    "affiliate_min_days",
)


def region_ballots(region: Region):
    """Every ballot of the region's constituencies, with its constituency and round (one query when read)."""
    return (
        TriggerBallot.objects.filter(constituency__region=region)
        .select_related("constituency", "round")
        .only(*BALLOT_FIELDS)
        .order_by("constituency__name", "-opens_at", "-pk")
    )


def region_rounds(region: Region):
    """The region's rounds, newest first, each with `ballot_count`."""
    return Round.objects.filter(region=region).annotate(ballot_count=Count("ballots")).order_by("-created_at", "-pk")


def _roll_counts(ids: list[int]) -> dict[int, dict]:
    """Per opened ballot: roll size, voted and codes delivered (sent), in one grouped query."""
    if not ids:
        return {}
    codes, delivery = code_count_expressions(), delivery_count_expressions()
    rows = (
        RollEntry.objects.filter(ballot_id__in=ids)
        .values("ballot_id")
        .annotate(roll=codes["roll"], voted=codes["voted"], delivered=delivery[RollEntry.DeliveryState.SENT])
        .order_by()
    )
    return {row["ballot_id"]: row for row in rows}


def _affiliate_counts(ids: list[int]) -> dict[int, dict]:
    """Per opened ballot: eligible affiliates and those whose decision is recorded, in one grouped query."""
    if not ids:
        return {}
    recorded = AffiliateVote.objects.filter(ballot_id=OuterRef("ballot_id"), affiliate_id=OuterRef("affiliate_id"))
    rows = (
        BallotAffiliate.objects.filter(ballot_id__in=ids)
        .values("ballot_id")
        .annotate(eligible=Count("pk"), recorded=Count("pk", filter=Q(Exists(recorded))))
        .order_by()
    )
    return {row["ballot_id"]: row for row in rows}


def _draft_member_counts(drafts: list[TriggerBallot]) -> dict[int, int]:
    """Per draft: the members who would be on its roll if it opened now.

    One query: the drafts' constituencies grouped, one filtered count per distinct set of rules.
    """
    if not drafts:
        return {}
    rules = sorted({ballot_member_rules(b) for b in drafts}, key=repr)
    alias = {rule: f"rules_{i}" for i, rule in enumerate(rules)}
    rows = (
        Member.objects.filter(ward__constituency_id__in={b.constituency_id for b in drafts})
        .values("ward__constituency_id")
        # Counting ward ids (never null), not member ids: the eligibility index (ward, status, joined
        # on) then answers alone, without reading the members' rows.
        .annotate(**{alias[rule]: Count("ward_id", filter=rule.q()) for rule in rules})
        .order_by()
    )
    by_constituency = {row["ward__constituency_id"]: row for row in rows}
    return {b.pk: by_constituency.get(b.constituency_id, {}).get(alias[ballot_member_rules(b)], 0) for b in drafts}


def _affiliate_cutoff(ballot: TriggerBallot) -> dt.date:
    """Affiliated on or before this day to be eligible (as ballots/officer/selectors.affiliates_preview)."""
    return ballot.freeze_date - dt.timedelta(days=ballot.affiliate_min_days)


def _draft_affiliate_counts(drafts: list[TriggerBallot]) -> dict[int, int]:
    """Per draft: its constituency's affiliates eligible if it opened now, in one grouped query."""
    if not drafts:
        return {}
    cutoffs = sorted({_affiliate_cutoff(b) for b in drafts})
    alias = {cutoff: f"before_{i}" for i, cutoff in enumerate(cutoffs)}
    rows = (
        Affiliate.objects.filter(constituency_id__in={b.constituency_id for b in drafts})
        .values("constituency_id")
        .annotate(**{alias[c]: Count("pk", filter=Q(affiliated_on__lte=c)) for c in cutoffs})
        .order_by()
    )
    by_constituency = {row["constituency_id"]: row for row in rows}
    return {b.pk: by_constituency.get(b.constituency_id, {}).get(alias[_affiliate_cutoff(b)], 0) for b in drafts}


def dashboard_rows(ballots, *, now: dt.datetime | None = None) -> list[DashboardRow]:
    """A row for each ballot (loaded with its constituency and round), in their order: at most 7 queries."""
    ballots = list(ballots)
    now = now or timezone.now()
    drafts = [b for b in ballots if b.status == TriggerBallot.Status.DRAFT]
    opened = [b.pk for b in ballots if b.status != TriggerBallot.Status.DRAFT]
    declared = [b for b in ballots if b.status == TriggerBallot.Status.DECLARED and not b.is_voided]
    roll, affiliates = _roll_counts(opened), _affiliate_counts(opened)
    draft_roll, draft_affiliates = _draft_member_counts(drafts), _draft_affiliate_counts(drafts)
    outcomes = declared_outcomes(declared) if declared else {}
    empty: dict = defaultdict(int)
    rows = []
    for ballot in ballots:
        is_draft = ballot.status == TriggerBallot.Status.DRAFT
        counts, affiliate_counts = roll.get(ballot.pk, empty), affiliates.get(ballot.pk, empty)
        row = DashboardRow(
            ballot_id=ballot.pk,
            constituency=ballot.constituency.name,
            sitting_mp=ballot.sitting_mp,
            round_name=ballot.round.name if ballot.round_id else "",
            status=ballot_effective_status(ballot, now),
            voided=ballot.is_voided,
            closes_at=ballot.closes_at,
            roll=draft_roll.get(ballot.pk, 0) if is_draft else counts["roll"],
            roll_is_preview=is_draft,
            codes_delivered=None if is_draft else counts["delivered"],
            voted=None if is_draft else counts["voted"],
            affiliates_eligible=draft_affiliates.get(ballot.pk, 0) if is_draft else affiliate_counts["eligible"],
            affiliates_recorded=None if is_draft else affiliate_counts["recorded"],
        )
        result = outcomes.get(ballot.pk)
        if result is not None:
            row.outcome, row.outcome_key = OUTCOME_LABELS[result.outcome], result.outcome
            row.open_share = result.open_share
            row.judged_per_section = result.open_share is None
        rows.append(row)
    return rows


def rows_for_csv(rows: list[DashboardRow]):
    """The CSV's cells, one tuple per row, in CSV_HEADER's order (times in UK time, the zone named)."""
    for row in rows:
        closes = timezone.localtime(row.closes_at)
        yield (
            row.constituency,
            row.sitting_mp,
            row.round_name,
            row.status_label,
            row.roll,
            "if it opened now" if row.roll_is_preview else "frozen",
            "" if row.codes_delivered is None else row.codes_delivered,
            "" if row.voted is None else row.voted,
            row.turnout_pc,
            "" if row.affiliates_recorded is None else row.affiliates_recorded,
            row.affiliates_eligible,
            f"{closes:%Y-%m-%d %H:%M} {closes.tzname()}",
            row.outcome,
            row.open_share_pc,
        )


CSV_HEADER = (
    "Constituency",
    "Sitting MP",
    "Round",
    "Status",
    "Members on the roll",
    "Roll",
    "Codes delivered",
    "Voted",
    "Turnout",
    "Affiliates recorded",
    "Affiliates eligible",
    "Voting closes (UK time)",
    "Outcome",
    "Open share",
)
