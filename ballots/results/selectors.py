"""Results of a trigger ballot: tallies from the database, counted by ``ballots/counting.py``.

Selectors only (no writes). The same :class:`BallotResult` feeds the results page, its
JSON and its CSV, so the three always agree.

Queries are constant, whatever the number of wards, affiliates and votes:

* member votes: one ``GROUP BY ward, choice`` over ``MemberVote`` (an index-only scan of
  ``member_vote_tally_idx`` on PostgreSQL);
* turnout: one ``GROUP BY ward, has_voted`` over ``RollEntry`` (``roll_turnout_idx``);
* ward names: one query over the constituency's wards;
* affiliates: one query over ``BallotAffiliate`` left-joined to that ballot's
  ``AffiliateVote`` rows.

Disclosure (see ``docs/results.md``): on public pages a ward with at least one but fewer
than ``settings.RESULTS_DISCLOSURE_THRESHOLD`` votes has its counts withheld; its branch
result still shows. Withheld counts must not be recoverable from totals, so when any ward
is withheld the member section's per-side vote totals are not published either (only the
votes cast, which turnout shows anyway). Under ``member_counting=individual`` the open
share itself implies the per-side totals, so a single withheld ward is protected by also
withholding the next-smallest ward (complementary suppression): only the pair's combined
split can then be derived.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count, F, FilteredRelation, Q
from django.db.models.functions import Coalesce

from ballots import counting
from ballots.models import BallotAffiliate, MemberVote, RollEntry, TriggerBallot
from ballots.state import VOTING_CLOSED, ballot_voting_state
from ballots.simulation import smallest_flip
from members.models import Affiliate, Ward
from members.selectors import months_before

logger = logging.getLogger(__name__)

RESELECT = "reselect"
OPEN = "open"
NONE = "none"

KIND_LABELS = dict(Affiliate.Kind.choices)
VOTE_LABELS = {RESELECT: "Reselect", OPEN: "Open selection", "abstain": "Abstained", NONE: "Did not vote"}
RESULT_LABELS = {RESELECT: "Reselect", OPEN: "Open selection", "tied": "Tied", NONE: "No votes"}
OUTCOME_LABELS = {
    counting.OUTCOME_RESELECTED: "Reselected",
    counting.OUTCOME_OPEN_SELECTION: "Open selection",
}


def pc(share: Fraction | None, places: int = 3) -> str:
    """A share of 1 as a percentage for display (rounded half up, only here)."""
    return "n/a" if share is None else counting.format_percent(share, places)


def disclosure_threshold() -> int:
    return int(getattr(settings, "RESULTS_DISCLOSURE_THRESHOLD", 10))


# ------------------------------------------------------------------------ tallies


@dataclass
class WardTally:
    ward_id: int
    name: str
    reselect: int = 0
    open: int = 0
    eligible: int = 0
    voted: int = 0

    @property
    def votes(self) -> int:
        return self.reselect + self.open

    @property
    def result(self) -> str:
        if self.reselect > self.open:
            return RESELECT
        if self.open > self.reselect:
            return OPEN
        return "tied" if self.reselect else NONE

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.voted, self.eligible) if self.eligible else None


@dataclass
class AffiliateTally:
    affiliate_id: int
    name: str
    kind: str
    members: int | None
    vote: str  # reselect, open, abstain or none
    delegate_name: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def vote_label(self) -> str:
        return VOTE_LABELS.get(self.vote, self.vote)


@dataclass
class Tally:
    wards: list[WardTally] = field(default_factory=list)
    affiliates: list[AffiliateTally] = field(default_factory=list)

    @property
    def eligible(self) -> int:
        return sum(w.eligible for w in self.wards)

    @property
    def voted(self) -> int:
        return sum(w.voted for w in self.wards)

    @property
    def votes_reselect(self) -> int:
        return sum(w.reselect for w in self.wards)

    @property
    def votes_open(self) -> int:
        return sum(w.open for w in self.wards)

    @property
    def votes_cast(self) -> int:
        return self.votes_reselect + self.votes_open

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.voted, self.eligible) if self.eligible else None


def _ballot_ids(ballots) -> list[int]:
    return [b.pk for b in ballots]


def ballot_tallies(ballots, *, turnout: bool = True) -> dict[int, Tally]:
    """Tallies for several ballots at once, in a constant number of queries (3 or 4)."""
    ballots = list(ballots)
    ids = _ballot_ids(ballots)
    if not ids:
        return {}
    votes: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for ballot_id, ward_id, choice, n in (
        MemberVote.objects.filter(ballot_id__in=ids)
        .values_list("ballot_id", "ward_id", "choice")
        .annotate(n=Count("*"))
        .order_by()
    ):
        votes[ballot_id][ward_id][choice] = n
    roll: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    if turnout:
        for ballot_id, ward_id, has_voted, n in (
            RollEntry.objects.filter(ballot_id__in=ids)
            .values_list("ballot_id", "ward_id", "has_voted")
            .annotate(n=Count("*"))
            .order_by()
        ):
            entry = roll[ballot_id][ward_id]
            entry[0] += n
            if has_voted:
                entry[1] += n
    constituency_ids = {b.constituency_id for b in ballots}
    ward_names: dict[int, tuple[int, str]] = {
        pk: (constituency_id, name)
        for pk, constituency_id, name in Ward.objects.filter(constituency_id__in=constituency_ids).values_list(
            "pk", "constituency_id", "name"
        )
    }
    affiliates: dict[int, list[AffiliateTally]] = defaultdict(list)
    rows = (
        BallotAffiliate.objects.filter(ballot_id__in=ids)
        .annotate(
            this_vote=FilteredRelation("affiliate__votes", condition=Q(affiliate__votes__ballot_id=F("ballot_id")))
        )
        .values_list(
            "ballot_id",
            "affiliate_id",
            "affiliate__name",
            "affiliate__kind",
            Coalesce("affiliated_members", "affiliate__affiliated_members"),
            "this_vote__choice",
            "this_vote__delegate_name",
        )
        .order_by("affiliate__name", "affiliate_id")
    )
    for ballot_id, affiliate_id, name, kind, members, choice, delegate in rows:
        affiliates[ballot_id].append(
            AffiliateTally(
                affiliate_id=affiliate_id,
                name=name,
                kind=kind,
                members=members,
                vote=choice or NONE,
                delegate_name=delegate or "",
            )
        )
    tallies = {}
    for ballot in ballots:
        ballot_votes = votes.get(ballot.pk, {})
        ballot_roll = roll.get(ballot.pk, {})
        wards = []
        for ward_id in set(ballot_votes) | set(ballot_roll):
            _constituency, name = ward_names.get(ward_id, (None, f"Ward {ward_id}"))
            counts = ballot_votes.get(ward_id, {})
            eligible, voted = ballot_roll.get(ward_id, (0, 0))
            wards.append(
                WardTally(
                    ward_id=ward_id,
                    name=name,
                    reselect=counts.get(RESELECT, 0),
                    open=counts.get(OPEN, 0),
                    eligible=eligible,
                    voted=voted,
                )
            )
        wards.sort(key=lambda w: (w.name.casefold(), w.ward_id))
        tallies[ballot.pk] = Tally(wards=wards, affiliates=affiliates.get(ballot.pk, []))
    return tallies


def ballot_tally(ballot: TriggerBallot) -> Tally:
    """Per ward (every ward with anyone on the roll or any vote) and per eligible affiliate."""
    return ballot_tallies([ballot])[ballot.pk]


def ballot_scenario(tally: Tally, ballot: TriggerBallot) -> counting.Scenario:
    """The counting engine's input: every ward's counts, every eligible affiliate's vote."""
    branches = tuple(counting.Branch(name=w.name, reselect=w.reselect, open=w.open) for w in tally.wards)
    affiliates = tuple(
        counting.Affiliate(name=a.name, vote=a.vote, members=a.members if a.members is not None else 0)
        for a in tally.affiliates
    )
    return counting.Scenario(
        branches=branches, affiliates=affiliates, rules=ballot.rules, options=ballot_options(ballot)
    )


def ballot_options(ballot: TriggerBallot) -> dict[str, str]:
    """The ballot's options that its rule set defines (the others do not apply to it)."""
    rule_set = counting.RULE_SETS.get(ballot.rules)
    return {
        name: str(value)
        for name, value in ballot.options.items()
        if rule_set is None or rule_set.option(name) is not None
    }


# ------------------------------------------------------------------------ result


def voting_has_closed(ballot: TriggerBallot, now=None) -> bool:
    """Closed or declared, or open with its closing time passed (no more votes can arrive)."""
    return ballot_voting_state(ballot, now) == VOTING_CLOSED


@dataclass
class BranchRow:
    """A ward as shown: counts are None where withheld."""

    tally: WardTally
    withheld: bool
    weight: Fraction | None  # share of the college (or section/pool) given by this branch

    @property
    def name(self) -> str:
        return self.tally.name

    @property
    def reselect(self) -> int | None:
        return None if self.withheld else self.tally.reselect

    @property
    def open(self) -> int | None:
        return None if self.withheld else self.tally.open

    @property
    def result(self) -> str:
        return self.tally.result

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.tally.result]

    @property
    def weight_pc(self) -> str:
        return "withheld" if self.weight is None else counting.format_percent(self.weight)

    @property
    def turnout_pc(self) -> str:
        return pc(self.tally.turnout)


@dataclass
class AffiliateRow:
    tally: AffiliateTally
    weight: Fraction | None

    @property
    def weight_pc(self) -> str:
        return pc(self.weight)


@dataclass
class BallotResult:
    ballot: TriggerBallot
    tally: Tally
    scenario: counting.Scenario
    result: counting.Result
    other_rules: list[tuple[counting.Result, bool]]
    public: bool
    threshold: int
    withheld_ids: set[int]
    branches: list[BranchRow]
    affiliates: list[AffiliateRow]
    flip: str | None = None

    @property
    def provisional(self) -> bool:
        return self.ballot.status != TriggerBallot.Status.DECLARED

    @property
    def any_withheld(self) -> bool:
        return bool(self.withheld_ids)

    @property
    def member_totals_withheld(self) -> bool:
        return self.any_withheld

    @property
    def withheld_names(self) -> list[str]:
        return [row.name for row in self.branches if row.withheld]

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.result.outcome]

    @property
    def member_section(self) -> counting.SectionResult:
        return self.result.section(counting.MEMBERS)

    @property
    def affiliate_section(self) -> counting.SectionResult:
        return self.result.section(counting.AFFILIATES)

    @property
    def eligibility(self) -> dict[str, Any]:
        ballot = self.ballot
        return {
            "freeze_date": ballot.freeze_date.isoformat(),
            "min_membership_months": ballot.min_membership_months,
            "joined_on_or_before": months_before(ballot.freeze_date, ballot.min_membership_months).isoformat(),
            "arrears_allowed": ballot.arrears_allowed,
            "affiliate_min_days": ballot.affiliate_min_days,
        }

    @property
    def open_pc(self) -> str:
        return pc(self.result.open_share)

    @property
    def reselect_pc(self) -> str:
        return pc(self.result.reselect_share)

    @property
    def threshold_text(self) -> str:
        threshold = self.result.threshold
        return f"{threshold.test} {pc(threshold.value, 0 if threshold.value.denominator <= 2 else 3)}"

    @property
    def turnout_pc(self) -> str:
        return pc(self.tally.turnout)

    @property
    def member_weight_pc(self) -> str:
        return pc(self.member_section.weight)

    @property
    def affiliate_weight_pc(self) -> str:
        return pc(self.affiliate_section.weight)

    @property
    def affiliate_votes(self) -> dict:
        votes = defaultdict(int)
        for row in self.affiliates:
            votes[row.tally.vote] += 1
        return dict(votes)

    @property
    def other_rows(self) -> list[dict]:
        rows = []
        for other, applied in self.other_rules:
            rows.append(
                {
                    "rules": other.rules,
                    "tied_branch": other.options.get("tied_branch", ""),
                    "options": ", ".join(f"{k}={v}" for k, v in other.options.items()),
                    "outcome": OUTCOME_LABELS[other.outcome],
                    "open_selection": other.open_selection,
                    "open_pc": pc(other.open_share) if other.open_share is not None else "judged per section",
                    "applied": applied,
                    "same": other.outcome == self.result.outcome,
                }
            )
        return rows

    @property
    def member_units_text(self) -> str:
        section = self.member_section
        if section.counted_by == "individual":
            return "member votes pooled"
        return (
            f"branches: {counting._units_text(section.units_reselect)} reselect, "
            f"{counting._units_text(section.units_open)} open"
        )

    @property
    def hangs_on_rules(self) -> bool:
        return any(not row["same"] for row in self.other_rows)

    @property
    def joined_on_or_before(self):
        return months_before(self.ballot.freeze_date, self.ballot.min_membership_months)


def withheld_ward_ids(wards: list[WardTally], *, threshold: int, individual: bool) -> set[int]:
    """Wards whose counts a public page must not show (see the module docstring)."""
    withheld = {w.ward_id for w in wards if 0 < w.votes < threshold}
    if individual and len(withheld) == 1:
        # The open share gives the pooled member totals: withhold one more ward so that a
        # lone small ward's split cannot be derived by subtraction.
        others = sorted((w for w in wards if w.votes and w.ward_id not in withheld), key=lambda w: (w.votes, w.name))
        if others:
            withheld.add(others[0].ward_id)
    return withheld


def _weights_by_name(result: counting.Result, section: str) -> dict[str, Fraction]:
    weights: dict[str, Fraction] = defaultdict(Fraction)
    for contribution in result.contributions:
        if contribution.section == section:
            weights[contribution.name] += contribution.weight
    return weights


# The flip search (issue 6, ballots/simulation.py) tries every mix of affiliates' votes, which
# grows with the square of their number; above this many affiliates the page leaves it out.
FLIP_MAX_AFFILIATES = 60
# The search takes up to a second with a hundred wards, and a ballot's figures stop changing
# once it closes: remember the sentence per process, keyed by the exact figures counted.
_FLIP_MEMO: dict[str, str | None] = {}
_FLIP_MEMO_SIZE = 256


def _smallest_flip(scenario: counting.Scenario, *, hide_members: bool) -> str | None:
    key = json.dumps([counting.scenario_to_dict(scenario), hide_members], sort_keys=True)
    key = hashlib.sha256(key.encode()).hexdigest()
    if key in _FLIP_MEMO:
        return _FLIP_MEMO[key]
    sentence = _smallest_flip_uncached(scenario, hide_members=hide_members)
    if len(_FLIP_MEMO) >= _FLIP_MEMO_SIZE:
        _FLIP_MEMO.clear()
    _FLIP_MEMO[key] = sentence
    return sentence


def _smallest_flip_uncached(scenario: counting.Scenario, *, hide_members: bool) -> str | None:
    """The sentence for the smallest change that flips the result (ballots.simulation), if any.

    With wards withheld (public page), the members' part is left out: the number of votes
    that would flip a small ward gives its margin away, and with its turnout its counts.
    """
    if len(scenario.affiliates) > FLIP_MAX_AFFILIATES:
        return None
    try:
        flip = smallest_flip(scenario)
        if hide_members:
            affiliates = flip.affiliate_sentence()
            if not affiliates:
                return None
            return (
                f"The result would have changed {affiliates}. (What members' votes would have changed "
                "it is not shown, because it would reveal the counts of withheld wards.)"
            )
        return flip.sentence()
    except Exception:  # noqa: BLE001 - an optional sentence must never hide the declared result
        logger.exception("smallest flip failed; the results page is shown without it")
        return None


def ballot_result(
    ballot: TriggerBallot, *, public: bool, tally: Tally | None = None, with_flip: bool = True
) -> BallotResult:
    """Everything the results page, JSON and CSV show; ``public`` withholds small wards."""
    tally = tally if tally is not None else ballot_tally(ballot)
    scenario = ballot_scenario(tally, ballot)
    result = counting.count(scenario)
    others = []
    for other in counting.compare_rules(scenario):
        applied = other.rules == result.rules and other.options == result.options
        others.append((other, applied))
    threshold = disclosure_threshold()
    individual = result.options.get("member_counting") == "individual"
    withheld = withheld_ward_ids(tally.wards, threshold=threshold, individual=individual) if public else set()
    member_weights = _weights_by_name(result, counting.MEMBERS)
    affiliate_weights = _weights_by_name(result, counting.AFFILIATES)
    branches = []
    for ward in tally.wards:
        is_withheld = ward.ward_id in withheld
        weight = member_weights.get(ward.name, Fraction(0))
        if is_withheld and individual:
            weight = None  # proportional to its votes: it would give them away
        branches.append(BranchRow(tally=ward, withheld=is_withheld, weight=weight))
    affiliates = [AffiliateRow(tally=a, weight=affiliate_weights.get(a.name, Fraction(0))) for a in tally.affiliates]
    return BallotResult(
        ballot=ballot,
        tally=tally,
        scenario=scenario,
        result=result,
        other_rules=others,
        public=public,
        threshold=threshold,
        withheld_ids=withheld,
        branches=branches,
        affiliates=affiliates,
        flip=_smallest_flip(scenario, hide_members=bool(withheld)) if with_flip else None,
    )


# ------------------------------------------------------------------------ export


def _public_section(section: dict, *, hide_member_votes: bool) -> dict:
    if section["name"] == counting.MEMBERS and hide_member_votes:
        section = dict(section)
        section["votes"] = None
        section["votes_withheld"] = True
    return section


def result_as_dict(br: BallotResult) -> dict:
    """DESIGN.md's results JSON: the ``whatif --json`` fields plus the ballot's own figures."""
    ballot = br.ballot
    data = br.result.to_dict()
    hide = br.member_totals_withheld
    data["sections"] = [_public_section(s, hide_member_votes=hide) for s in data["sections"]]
    if br.withheld_ids:
        withheld_names = set(br.withheld_names)
        individual = br.result.options.get("member_counting") == "individual"
        data["contributions"] = [
            c
            for c in data["contributions"]
            if not (individual and c["section"] == counting.MEMBERS and c["name"] in withheld_names)
        ]
    tally = br.tally
    data["ballot"] = {
        "id": ballot.pk,
        "constituency": ballot.constituency.name,
        "sitting_mp": ballot.sitting_mp,
        "status": ballot.status,
        "closes_at": ballot.closes_at.isoformat() if ballot.closes_at else None,
        "declared_at": ballot.declared_at.isoformat() if ballot.declared_at else None,
    }
    data["provisional"] = br.provisional
    data["branches"] = [
        {
            "name": row.name,
            "reselect": row.reselect,
            "open": row.open,
            "withheld": row.withheld,
            "result": row.result,
            "weight": counting.percent_number(row.weight),
            "votes_cast": row.tally.votes,
            "eligible": row.tally.eligible,
            "voted": row.tally.voted,
            "turnout": counting.percent_number(row.tally.turnout),
        }
        for row in br.branches
    ]
    data["affiliates"] = [
        {
            "name": row.tally.name,
            "kind": row.tally.kind,
            "vote": row.tally.vote,
            "members": row.tally.members,
            "weight": counting.percent_number(row.weight),
        }
        for row in br.affiliates
    ]
    data["member_votes"] = {
        "cast": tally.votes_cast,
        "reselect": None if hide else tally.votes_reselect,
        "open": None if hide else tally.votes_open,
    }
    data["turnout"] = {
        "eligible": tally.eligible, "voted": tally.voted, "percent": counting.percent_number(tally.turnout)
    }
    data["eligibility"] = br.eligibility
    data["disclosure"] = {
        "public": br.public,
        "threshold": br.threshold,
        "withheld": br.withheld_names,
        "note": disclosure_note(br) if br.withheld_ids else "",
    }
    data["other_rules"] = [
        {
            "rules": other.rules,
            "options": dict(other.options),
            "outcome": other.outcome,
            "open_share": counting.percent_number(other.open_share),
            "applied": applied,
            "for_information": not applied,
        }
        for other, applied in br.other_rules
    ]
    data["smallest_flip"] = br.flip
    return data


def disclosure_note(br: BallotResult) -> str:
    n = len(br.withheld_ids)
    text = (
        f"To protect the secrecy of the ballot, vote counts are not published for a ward where "
        f"fewer than {br.threshold} members voted; the branch's result still shows. "
    )
    if br.result.options.get("member_counting") == "individual" and n > 1:
        text += (
            "Because member votes are pooled under these rules, the next smallest ward's counts are "
            "withheld as well, so that no single ward's counts can be worked out from the totals. "
        )
    text += (
        "For the same reason the member totals for each side are not published: only the total "
        "number of member votes cast."
    )
    return text


CSV_HEADER = [
    "section",
    "name",
    "kind",
    "reselect",
    "open",
    "votes_cast",
    "eligible",
    "turnout_percent",
    "result_or_vote",
    "weight_percent",
    "withheld",
]


def _fmt(share: Fraction | None) -> str:
    return "" if share is None else counting.format_percent(share).rstrip("%")


def result_csv_rows(br: BallotResult):
    """The CSV's rows: wards, a members' total, affiliates, then the outcome."""
    for row in br.branches:
        ward = row.tally
        yield [
            "members",
            row.name,
            "ward branch",
            "" if row.reselect is None else row.reselect,
            "" if row.open is None else row.open,
            ward.votes,
            ward.eligible,
            _fmt(ward.turnout),
            row.result,
            _fmt(row.weight),
            "yes" if row.withheld else "no",
        ]
    tally = br.tally
    hide = br.member_totals_withheld
    yield [
        "members_total",
        "All wards",
        "",
        "" if hide else tally.votes_reselect,
        "" if hide else tally.votes_open,
        tally.votes_cast,
        tally.eligible,
        _fmt(tally.turnout),
        "",
        _fmt(br.member_section.weight),
        "yes" if hide else "no",
    ]
    for row in br.affiliates:
        yield [
            "affiliates",
            row.tally.name,
            row.tally.kind,
            "",
            "",
            "",
            "",
            "",
            row.tally.vote,
            _fmt(row.weight),
            "no",
        ]
    yield ["outcome", br.result.outcome, br.result.rules, "", "", "", "", "", "", _fmt(br.result.open_share), ""]


def declared_ballots():
    """Declared ballots, newest first (the public list)."""
    return (
        TriggerBallot.objects.filter(status=TriggerBallot.Status.DECLARED)
        .select_related("constituency")
        .order_by(F("declared_at").desc(nulls_last=True), "-pk")
    )


def declared_outcomes(ballots) -> dict[int, counting.Result]:
    """The counted result of each ballot in a page of ballots, in a constant number of queries."""
    ballots = list(ballots)
    tallies = ballot_tallies(ballots, turnout=False)
    out = {}
    for ballot in ballots:
        try:
            out[ballot.pk] = counting.count(ballot_scenario(tallies[ballot.pk], ballot))
        except counting.CountingError:
            continue
    return out


__all__ = [
    "BallotResult",
    "Tally",
    "ballot_result",
    "ballot_scenario",
    "ballot_tallies",
    "ballot_tally",
    "declared_ballots",
    "declared_outcomes",
    "result_as_dict",
    "result_csv_rows",
    "voting_has_closed",
    "withheld_ward_ids",
]
