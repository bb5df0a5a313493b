"""What a results page shows: :class:`BallotResult`, its ward and affiliate rows, and the declared outcomes.

The same :class:`BallotResult` feeds the page, its JSON and its CSV (``exports.py``), so the
three always agree. A ward's counts by channel (online, by post or on paper, at a branch
meeting) are for officers only (``BallotResult.channel_rows`` is empty on a public result); the
public sees the ballot's votes by channel in one sentence, when that is safe (``channels.py``).
Everything here asks the counted result and its rule set (its title, sections, threshold,
labels); nothing compares rule-set names or assumes both sections exist. Its words are in the
page's language when asked for (``words.py``), so a bilingual ballot's page may be Welsh; the
JSON and CSV are made on English requests, so they stay English.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from ballots import counting
from ballots.models import TriggerBallot
from ballots.results import channels, disclosure
from ballots.results.flip import flip_sentence
from ballots.results.scenario import ballot_scenario, unknown_size_note
from ballots.results.selectors import AffiliateTally, Tally, WardTally, ballot_tallies, ballot_tally
from ballots.results.words import OUTCOME_LABELS as OUTCOME_LABELS  # re-exported: the region's pages use it
from ballots.results.words import (
    option_rows,
    options_text,
    outcome_label,
    pc,
    result_label,
    threshold_words,
    translated,
)
from members.selectors import months_before


def units_text(value: Fraction | int) -> str:
    """A number of units, which may be a half under ``tied_branch=split``."""
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def counted_section(result: counting.Result, name: str) -> counting.SectionResult | None:
    """The section if the result's rule set counts it, else None."""
    return result.section(name) if name in result.rule_set.sections else None


def same_count(one: counting.Result, other: counting.Result) -> bool:
    """Whether two results were counted under the same rule set and options."""
    return one.rule_set is other.rule_set and one.options == other.options


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
    def votes_cast(self) -> int | None:
        """None where withheld: with the branch's result, the votes cast could give its counts away."""
        return None if self.withheld else self.tally.votes

    @property
    def voted(self) -> int | None:
        return None if self.withheld else self.tally.voted

    @property
    def turnout(self) -> Fraction | None:
        return None if self.withheld else self.tally.turnout

    @property
    def result(self) -> str:
        return self.tally.result

    @property
    def result_label(self) -> str:
        return result_label(self.tally.result)

    @property
    def weight_pc(self) -> str:
        return gettext("withheld") if self.weight is None else counting.format_percent(self.weight)

    @property
    def turnout_pc(self) -> str:
        return gettext("withheld") if self.withheld else pc(self.tally.turnout)


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
    def rule_set(self):
        return self.result.rule_set

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
    def members_pooled(self) -> bool:
        return disclosure.members_pooled(self.result)

    @property
    def disclosure_note(self) -> str:
        if not self.withheld_ids:
            return ""
        small = sum(1 for row in self.branches if row.withheld and row.tally.votes < self.threshold)
        return disclosure.disclosure_note(
            threshold=self.threshold, withheld=len(self.withheld_ids), pooled=self.members_pooled, small=small
        )

    @property
    def channels_used(self) -> list[tuple[str, str]]:
        return channels.channels_used(self.tally)

    @property
    def channel_rows(self) -> list[channels.ChannelRow]:
        """Officers only (empty when public): each ward's counts by channel, then all wards."""
        return [] if self.public else channels.channel_rows(self.branches, self.tally)

    @property
    def channel_votes(self) -> dict[str, int] | None:
        """The ballot's votes per channel used; None on a public result where they are not safe to publish."""
        if self.public and not channels.channel_votes_public(self.branches, self.tally, threshold=self.threshold):
            return None
        return {channel: counts.votes for channel, counts in self.tally.by_channel.items()}

    @property
    def channels_sentence(self) -> str:
        """How the votes came in, in a sentence; "" if all online or not safe to publish."""
        votes = self.channel_votes
        return "" if votes is None else channels.channels_sentence(votes)

    @property
    def explanation(self) -> str:
        """The count's explanation, and how the votes came in where not all online."""
        explanation = self.result.explanation_in(translation)  # in the page's language, figures exact
        return " ".join(part for part in (explanation, self.channels_sentence) if part)

    @property
    def affiliates_weighted(self) -> bool:
        """Whether the count weighs affiliates by their affiliated members."""
        section = self.affiliate_section
        return section is not None and section.counted_by == "weighted"

    @property
    def unknown_size_note(self) -> str:
        """Said only where the count weighs affiliates by their members."""
        return unknown_size_note(self.tally) if self.affiliates_weighted else ""

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.result.outcome)

    @property
    def rules_title(self) -> str:
        return translated(self.rule_set.title)

    @property
    def rules_description(self) -> str:
        return translated(self.rule_set.description)

    @property
    def pool_text(self) -> str:
        """What the open share is of ("the college"), or "the count" where the rule set names none."""
        return translated(self.rule_set.pool_label) or gettext("the count")

    @property
    def applies_to_text(self) -> str:
        """What the threshold is of, e.g. "the units of either section"."""
        return translated(self.result.threshold.applies_to)

    @property
    def member_section(self) -> counting.SectionResult | None:
        return counted_section(self.result, counting.MEMBERS)

    @property
    def affiliate_section(self) -> counting.SectionResult | None:
        return counted_section(self.result, counting.AFFILIATES)

    @property
    def eligibility(self) -> dict[str, Any]:
        ballot = self.ballot
        return {
            "freeze_date": ballot.freeze_date.isoformat(),
            "min_membership_months": ballot.min_membership_months,
            "joined_on_or_before": self.joined_on_or_before.isoformat(),
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
        return threshold_words(self.result.threshold)

    @property
    def turnout_pc(self) -> str:
        return pc(self.tally.turnout)

    @property
    def member_weight_pc(self) -> str:
        """The members' share of the college or pool; "" where the rule set gives none."""
        section = self.member_section
        return "" if section is None or section.weight is None else pc(section.weight)

    @property
    def affiliate_weight_pc(self) -> str:
        section = self.affiliate_section
        return "" if section is None or section.weight is None else pc(section.weight)

    @property
    def option_rows(self) -> list[tuple[str, str]]:
        return option_rows(self.result)

    @property
    def affiliate_votes(self) -> dict:
        votes: dict[str, int] = defaultdict(int)
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
                    "title": translated(other.rule_set.title),
                    "options": options_text(other.rule_set, other.options),
                    "outcome": outcome_label(other.outcome),
                    "open_selection": other.open_selection,
                    "open_pc": pc(other.open_share) if other.open_share is not None else gettext("judged per section"),
                    "applied": applied,
                    "same": other.outcome == self.result.outcome,
                }
            )
        return rows

    @property
    def member_units_text(self) -> str:
        section = self.member_section
        if section is None:
            return ""
        if section.counted_by == "individual":
            return gettext("member votes pooled")
        return gettext("branches: %(reselect)s reselect, %(open)s open") % {
            "reselect": units_text(section.units_reselect),
            "open": units_text(section.units_open),
        }

    @property
    def hangs_on_rules(self) -> bool:
        return any(not row["same"] for row in self.other_rows)

    @property
    def joined_on_or_before(self):
        return months_before(self.ballot.freeze_date, self.ballot.min_membership_months)


def _weights_by_name(result: counting.Result, section: str) -> dict[str, Fraction]:
    weights: dict[str, Fraction] = defaultdict(Fraction)
    for contribution in result.contributions:
        if contribution.section == section:
            weights[contribution.name] += contribution.weight
    return weights


def ballot_result(
    ballot: TriggerBallot, *, public: bool, tally: Tally | None = None, with_flip: bool = True
) -> BallotResult:
    """Everything the results page, JSON and CSV show; ``public`` withholds small wards."""
    tally = tally if tally is not None else ballot_tally(ballot)
    scenario = ballot_scenario(ballot, tally=tally)
    result = counting.count(scenario)
    others = [(other, same_count(other, result)) for other in counting.compare_rules(scenario)]
    threshold = disclosure.disclosure_threshold()
    pooled = disclosure.members_pooled(result)
    withheld = disclosure.withheld_ward_ids(tally.wards, threshold=threshold, individual=pooled) if public else set()
    member_weights = _weights_by_name(result, counting.MEMBERS)
    affiliate_weights = _weights_by_name(result, counting.AFFILIATES)
    branches = []
    for ward in tally.wards:
        is_withheld = ward.ward_id in withheld
        weight: Fraction | None = member_weights.get(ward.name, Fraction(0))
        if is_withheld and pooled:
            weight = None  # proportional to its votes: it would give them away
        branches.append(BranchRow(tally=ward, withheld=is_withheld, weight=weight))
    # Under rules that do not count affiliates their votes are still shown, with no weight at all.
    counts_affiliates = counting.AFFILIATES in result.rule_set.sections
    affiliates = [
        AffiliateRow(tally=a, weight=affiliate_weights.get(a.name, Fraction(0)) if counts_affiliates else None)
        for a in tally.affiliates
    ]
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
        flip=flip_sentence(scenario, hide_members=bool(withheld)) if with_flip else None,
    )


def declared_outcomes(ballots) -> dict[int, counting.Result]:
    """The counted result of each ballot in a page of ballots, in a constant number of queries."""
    ballots = list(ballots)
    tallies = ballot_tallies(ballots, turnout=False)
    out = {}
    for ballot in ballots:
        try:
            out[ballot.pk] = counting.count(ballot_scenario(ballot, tally=tallies[ballot.pk]))
        except counting.CountingError:
            continue
    return out
