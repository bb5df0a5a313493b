"""Reads for the officer pages: ballots of a constituency, the roll preview, the frozen roll, turnout,
codes, audit."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When

from ballots import counting
from ballots.models import AffiliateVote, BallotAffiliate, CodeReminder, RollEntry, TriggerBallot, VoteChannel
from ballots.officer.services.letter_pdf import address_problem
from members.membership_numbers import membership_number_lookup_values
from members.models import Affiliate, AuditEvent, Member, Ward
from members.selectors import (
    INELIGIBLE_ARREARS,
    INELIGIBLE_LAPSED,
    INELIGIBLE_TOO_RECENT,
    MemberEligibilityRules,
    rows_for_export,
)

# ------------------------------------------------------------------ officer pages


def ballots_for_constituency(constituency):
    return TriggerBallot.objects.filter(constituency=constituency).order_by("-opens_at", "-pk")


def ballot_rule_set_options(ballot: TriggerBallot) -> list[tuple[str, str]]:
    """(label, chosen value in words) of each option the ballot's rule set defines, in its order.

    Options the rule set does not have are left out: they play no part in this ballot's count.
    """
    rule_set = counting.RULE_SETS.get(ballot.rules)
    if rule_set is None:
        return [(name.replace("_", " ").capitalize(), value) for name, value in ballot.options.items()]
    return [
        (option.label, option.choice_label(ballot.options[option.name]))
        for option in rule_set.options
        if option.name in ballot.options
    ]


def ballot_member_rules(ballot: TriggerBallot) -> MemberEligibilityRules:
    return MemberEligibilityRules(
        freeze_date=ballot.freeze_date,
        min_membership_months=ballot.min_membership_months,
        arrears_allowed=ballot.arrears_allowed,
    )


@dataclass
class RollPreviewWard:
    name: str
    eligible: int
    too_recent: int
    lapsed: int
    arrears: int

    @property
    def total(self) -> int:
        return self.eligible + self.too_recent + self.lapsed + self.arrears


@dataclass
class UnreachableMember:
    """An eligible member with no email address: their code must go by letter."""

    membership_number: str
    name: str
    ward: str
    # Why a letter's address will not print, in words; "" when it will.
    address_problem: str


@dataclass
class RollPreview:
    rules: MemberEligibilityRules
    wards: list[RollPreviewWard]
    affiliates_eligible: int
    affiliates_total: int
    no_email: list[UnreachableMember] = field(default_factory=list)
    # Wards with fewer members on the roll than this have their counts withheld publicly.
    disclosure_threshold: int = 10

    @property
    def small_wards(self) -> list[RollPreviewWard]:
        """Wards with members on the roll, but fewer than the disclosure threshold (docs/results.md)."""
        return [ward for ward in self.wards if 0 < ward.eligible < self.disclosure_threshold]

    @property
    def unreachable(self) -> list[UnreachableMember]:
        """Those with neither an email address nor a postal address that will print."""
        return [member for member in self.no_email if member.address_problem]

    @property
    def totals(self) -> RollPreviewWard:
        return RollPreviewWard(
            name="All wards",
            eligible=sum(w.eligible for w in self.wards),
            too_recent=sum(w.too_recent for w in self.wards),
            lapsed=sum(w.lapsed for w in self.wards),
            arrears=sum(w.arrears for w in self.wards),
        )


def roll_preview(ballot: TriggerBallot) -> RollPreview:
    """Who would be on the roll if the ballot opened now, per ward, and why the others are not.

    Three queries whatever the size: one grouped count per ward, one for the affiliates, one
    for the eligible members without an email address (who need a letter).
    """
    rules = ballot_member_rules(ballot)
    # Counts per reason come from the one definition of eligibility, in its order of checks.
    arrears = (
        Value(0) if rules.arrears_allowed else Count("members", filter=rules.reason_q(INELIGIBLE_ARREARS, "members__"))
    )
    wards = (
        Ward.objects.filter(constituency_id=ballot.constituency_id)
        .annotate(
            eligible=Count("members", filter=rules.q("members__")),
            lapsed=Count("members", filter=rules.reason_q(INELIGIBLE_LAPSED, "members__")),
            arrears=arrears,
            too_recent=Count("members", filter=rules.reason_q(INELIGIBLE_TOO_RECENT, "members__")),
        )
        .order_by("name")
    )
    cutoff = ballot.freeze_date - timedelta(days=ballot.affiliate_min_days)
    affiliates = Affiliate.objects.filter(constituency_id=ballot.constituency_id).aggregate(
        total=Count("pk"), eligible=Count("pk", filter=Q(affiliated_on__lte=cutoff))
    )
    return RollPreview(
        rules=rules,
        wards=[RollPreviewWard(w.name, w.eligible, w.too_recent, w.lapsed, w.arrears) for w in wards],
        affiliates_eligible=affiliates["eligible"],
        affiliates_total=affiliates["total"],
        no_email=_eligible_without_email(ballot, rules),
        disclosure_threshold=settings.RESULTS_DISCLOSURE_THRESHOLD,
    )


def _eligible_without_email(ballot: TriggerBallot, rules: MemberEligibilityRules) -> list[UnreachableMember]:
    """The eligible members with no email address, each with whether a letter would reach them: one query."""
    rows = (
        Member.objects.filter(rules.q(), ward__constituency_id=ballot.constituency_id, email="")
        .order_by("ward__name", "last_name", "first_name", "membership_number")
        .values_list("membership_number", "first_name", "last_name", "ward__name", "address", "postcode")
    )
    return [
        UnreachableMember(number, f"{first} {last}".strip(), ward, address_problem(address=address, postcode=postcode))
        for number, first, last, ward, address, postcode in rows
    ]


def members_ineligible(ballot: TriggerBallot):
    """The constituency's members who would not be on the roll, each with `ineligibility` (the reason)."""
    rules = ballot_member_rules(ballot)
    return (
        Member.objects.filter(ward__constituency_id=ballot.constituency_id)
        .annotate(ineligibility=rules.ineligibility_case())
        .exclude(ineligibility="")
        .select_related("ward")
        .order_by("ward__name", "last_name", "first_name", "membership_number")
    )


def affiliates_preview(ballot: TriggerBallot):
    """The constituency's affiliates, each annotated `eligible` (affiliated early enough)."""
    cutoff = ballot.freeze_date - timedelta(days=ballot.affiliate_min_days)
    return (
        Affiliate.objects.filter(constituency_id=ballot.constituency_id)
        .annotate(eligible=Case(When(affiliated_on__lte=cutoff, then=Value(True)), default=Value(False)))
        .order_by("name")
    )


# Whether and how a roll entry's member voted, in words ("Not yet", "Online", "By post or on
# paper", "At a branch meeting"), as a column the database fills: a vote cast online before
# channels were recorded has no channel, and counts as online.
VOTED_NOT_YET = "Not yet"
VOTED_HOW = Case(
    When(has_voted=False, then=Value(VOTED_NOT_YET)),
    *(When(vote_channel=channel, then=Value(channel.label)) for channel in VoteChannel),
    default=Value(VoteChannel.ONLINE.label),
    output_field=CharField(),
)


def roll_entries(ballot: TriggerBallot):
    """The frozen roll: each entry with its member and ward, and `voted_how` (VOTED_HOW), by ward and name."""
    return (
        RollEntry.objects.filter(ballot=ballot)
        .select_related("member", "ward")
        .annotate(voted_how=VOTED_HOW)
        .order_by("ward__name", "member__last_name", "member__first_name", "membership_number")
    )


@dataclass
class TurnoutWard:
    name: str
    eligible: int
    voted: int

    @property
    def percent(self) -> str:
        return _percent(self.voted, self.eligible)


@dataclass
class Turnout:
    wards: list[TurnoutWard]
    affiliates_eligible: int
    affiliates_recorded: int

    @property
    def eligible(self) -> int:
        return sum(w.eligible for w in self.wards)

    @property
    def voted(self) -> int:
        return sum(w.voted for w in self.wards)

    @property
    def percent(self) -> str:
        return _percent(self.voted, self.eligible)

    @property
    def affiliates_percent(self) -> str:
        return _percent(self.affiliates_recorded, self.affiliates_eligible)


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "–"
    return f"{100 * part / whole:.1f}%"


def ballot_turnout(ballot: TriggerBallot) -> Turnout:
    """Voted of eligible per ward (from the frozen roll) and affiliates recorded of eligible.

    Counts of who has voted only, never of which way: two queries, whatever the size.
    """
    wards = (
        RollEntry.objects.filter(ballot=ballot)
        .values("ward__name")
        .annotate(eligible=Count("pk"), voted=Count("pk", filter=Q(has_voted=True)))
        .order_by("ward__name")
    )
    recorded = AffiliateVote.objects.filter(ballot_id=OuterRef("ballot_id"), affiliate_id=OuterRef("affiliate_id"))
    affiliates = BallotAffiliate.objects.filter(ballot=ballot).aggregate(
        eligible=Count("pk"), recorded=Count("pk", filter=Q(Exists(recorded)))
    )
    return Turnout(
        wards=[TurnoutWard(row["ward__name"], row["eligible"], row["voted"]) for row in wards],
        affiliates_eligible=affiliates["eligible"],
        affiliates_recorded=affiliates["recorded"],
    )


def code_count_expressions() -> dict:
    no_email = Q(member__email="") | Q(member__email__isnull=True)
    return {
        "roll": Count("pk"),
        "issued": Count("pk", filter=~Q(code_hash="")),
        "not_issued": Count("pk", filter=Q(code_hash="") & Q(has_voted=False)),
        "voted": Count("pk", filter=Q(has_voted=True)),
        "no_email": Count("pk", filter=no_email),
    }


def ballot_code_counts(ballot: TriggerBallot) -> dict:
    """Roll size, codes issued, codes still to issue, voted, and members without an email: one query."""
    return RollEntry.objects.filter(ballot=ballot).aggregate(**code_count_expressions())


def roll_entry_find(ballot: TriggerBallot, membership_number: str):
    """The roll entry for a typed membership number (spaces and case aside), or None."""
    values = membership_number_lookup_values(membership_number)
    if not values:
        return None
    entries = RollEntry.objects.filter(ballot=ballot, membership_number__in=values).select_related("member", "ward")
    # Where a number as typed and its canonical form both match, the one as typed wins.
    return min(entries, key=lambda entry: values.index(entry.membership_number), default=None)


def ballot_affiliates_with_votes(ballot: TriggerBallot):
    """The ballot's eligible affiliates, each with `vote` (its AffiliateVote or None): two queries."""
    rows = list(BallotAffiliate.objects.filter(ballot=ballot).select_related("affiliate").order_by("affiliate__name"))
    votes = {
        vote.affiliate_id: vote for vote in AffiliateVote.objects.filter(ballot=ballot).select_related("recorded_by")
    }
    for row in rows:
        row.vote = votes.get(row.affiliate_id)
    return rows


_NOT_GIVEN = object()


def ballot_audit_events(ballot: TriggerBallot, *, action: str | None = None, actor_id: Any = _NOT_GIVEN):
    """The ballot's audit events, newest first; only those of `action`, or by `actor_id` (None: the system)."""
    events = AuditEvent.objects.filter(ballot_id=ballot.pk)
    if action is not None:
        events = events.filter(action=action)
    if actor_id is not _NOT_GIVEN:
        events = events.filter(actor_id=actor_id)
    return events.select_related("actor").order_by("-created_at", "-pk")


def ballot_audit_filter_choices(ballot: TriggerBallot) -> tuple[list[str], list[tuple[int, str]]]:
    """What the ballot's log can be filtered by: the actions in it, and the officers (id, username) in it."""
    events = AuditEvent.objects.filter(ballot_id=ballot.pk)
    actions = list(events.values_list("action", flat=True).distinct().order_by())
    username = f"actor__{get_user_model().USERNAME_FIELD}"
    officers = list(events.filter(actor__isnull=False).values_list("actor_id", username).distinct().order_by(username))
    return actions, officers


def ballot_audit_rows_for_export(ballot: TriggerBallot, **filters: Any) -> Iterator[tuple]:
    """(created_at, actor's username or None, action, detail) of the audit events of `ballot` (filtered
    as `ballot_audit_events`), newest first as on the page: one query, read in chunks (see rows_for_export)."""
    username = f"actor__{get_user_model().USERNAME_FIELD}"
    return rows_for_export(
        queryset=ballot_audit_events(ballot, **filters), fields=("created_at", username, "action", "detail")
    )


def delivery_count_expressions() -> dict:
    states = RollEntry.DeliveryState
    counts = {state.value: Count("pk", filter=Q(delivery_state=state)) for state in states}
    counts["sent_by_email"] = Count(
        "pk", filter=Q(delivery_state=states.SENT, delivery_channel=RollEntry.DeliveryChannel.EMAIL)
    )
    return counts


def delivery_counts(ballot: TriggerBallot) -> dict:
    """How many roll entries are in each delivery state, keyed by state, plus `sent_by_email`: one query."""
    return RollEntry.objects.filter(ballot=ballot).aggregate(**delivery_count_expressions())


def ballot_code_and_delivery_counts(ballot: TriggerBallot) -> dict:
    """`ballot_code_counts` and `delivery_counts` in one dict, from one query (for the codes page)."""
    return RollEntry.objects.filter(ballot=ballot).aggregate(**code_count_expressions(), **delivery_count_expressions())


def delivery_progress(counts: dict) -> dict | None:
    """While emails are queued or sending: how many of the emailed have gone and failed; else None."""
    states = RollEntry.DeliveryState
    waiting = counts[states.QUEUED] + counts[states.SENDING]
    if not waiting:
        return None
    failed = counts[states.FAILED] + counts[states.BOUNCED]
    sent = counts["sent_by_email"]
    return {"sent": sent, "total": sent + failed + waiting, "failed": failed, "waiting": waiting}


def deliveries_needing_attention(ballot: TriggerBallot):
    """Roll entries whose email failed or bounced, with their member (name, email) and the reason."""
    return (
        RollEntry.objects.filter(
            ballot=ballot, delivery_state__in=[RollEntry.DeliveryState.FAILED, RollEntry.DeliveryState.BOUNCED]
        )
        .select_related("member", "ward")
        .order_by("ward__name", "membership_number")
    )


def reminder_counts(ballot: TriggerBallot) -> dict:
    """Members yet to vote with and without an email address (whether they voted, never how): one query."""
    no_email = Q(member__email="")
    return RollEntry.objects.filter(ballot=ballot, has_voted=False).aggregate(
        with_email=Count("pk", filter=~no_email), no_email=Count("pk", filter=no_email)
    )


def ballot_reminders(ballot: TriggerBallot):
    """The ballot's reminders, latest first, with who scheduled and who cancelled them."""
    return (
        CodeReminder.objects.filter(ballot=ballot)
        .select_related("created_by", "cancelled_by")
        .order_by("-send_at", "-pk")
    )
