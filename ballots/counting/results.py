"""What a count gives back: the result, its sections, each unit's contribution, the threshold.

:class:`Threshold` holds the one decisive test ("more than" or "at least" a fraction),
written once in integers so that every rule set, exact or vectorised, decides with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ballots.counting.formatting import exact, format_percent, percent_number, plain_number
from ballots.counting.phrases import ENGLISH, Phrase, Text, Translations, gettext_lazy, render
from ballots.counting.scenario import OUTCOME_OPEN_SELECTION, OUTCOME_RESELECTED, CountingError

if TYPE_CHECKING:
    from ballots.counting.registry import RuleSet


@dataclass(frozen=True)
class Contribution:
    """What one unit (a branch or an affiliate) gave to one side, and why."""

    section: str
    name: str
    side: str  # "reselect", "open", or "none" for an entry that is not a unit
    weight: Fraction
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "name": self.name,
            "side": self.side,
            "weight": percent_number(self.weight),
            "weight_exact": exact(self.weight),
            "note": self.note,
        }


@dataclass(frozen=True)
class SectionResult:
    """How one section (``members`` or ``affiliates``) was counted.

    ``units`` are what the section's fraction is taken over: branches, member votes
    (``individual``) or voting affiliates. ``units_reselect``/``units_open`` may be halves
    under ``tied_branch=split``. ``open_fraction`` is the section's own open fraction
    (of its affiliated membership under ``weighted``); ``weight``, ``open_share`` and
    ``reselect_share`` are of the college or pool, and ``None`` under ``labour-2018``.
    """

    name: str
    counted_by: str
    weight: Fraction | None
    units: int
    units_reselect: Fraction
    units_open: Fraction
    tied: int
    excluded: int
    open_fraction: Fraction | None
    open_share: Fraction | None
    reselect_share: Fraction | None
    votes: Mapping[str, int]
    triggered: bool | None = None

    @property
    def reselect_fraction(self) -> Fraction | None:
        return None if self.open_fraction is None else 1 - self.open_fraction

    @property
    def unit_weight(self) -> Fraction | None:
        """The weight of one unit of this section in the college or pool, if units are equal."""
        if self.weight is None or not self.units or self.counted_by in ("individual", "weighted"):
            return None
        return self.weight / self.units

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "counted_by": self.counted_by,
            "weight": percent_number(self.weight),
            "weight_exact": exact(self.weight),
            "units": self.units,
            "units_reselect": plain_number(self.units_reselect),
            "units_open": plain_number(self.units_open),
            "tied": self.tied,
            "excluded": self.excluded,
            "open_fraction": percent_number(self.open_fraction),
            "open_fraction_exact": exact(self.open_fraction),
            "open_share": percent_number(self.open_share),
            "open_share_exact": exact(self.open_share),
            "reselect_share": percent_number(self.reselect_share),
            "reselect_share_exact": exact(self.reselect_share),
            "triggered": self.triggered,
            "votes": dict(self.votes),
        }


@dataclass(frozen=True)
class Threshold:
    """The test that decides: e.g. ``more than`` ``1/2`` of ``the college``."""

    test: str  # "more than" or "at least"
    value: Fraction
    applies_to: str

    def __post_init__(self) -> None:
        if self.test not in ("more than", "at least"):
            raise CountingError(f'a threshold\'s test is "more than" or "at least", not {self.test!r}')

    def met(self, num: Any, den: Any) -> Any:
        """Whether ``num / den`` passes, in integers: ``den`` of 0 (no units) never does.

        Works the same on Python ints (a bool) and on NumPy int64 arrays (a bool array),
        so the exact count and the simulator decide with this one test.
        """
        p, q = self.value.numerator, self.value.denominator
        if self.test == "more than":
            return (den > 0) & (num * q > p * den)
        return (den > 0) & (num * q >= p * den)

    def met_by(self, share: Fraction) -> bool:
        return bool(self.met(share.numerator, share.denominator))

    def to_dict(self) -> dict[str, Any]:
        return {
            "test": self.test,
            "value": percent_number(self.value),
            "exact": exact(self.value),
            "applies_to": self.applies_to,
        }


class Result:
    """The outcome of one count, with everything needed to check it by hand.

    ``sections``, ``contributions`` and ``explanation`` are built on first use: the
    simulator counts many times and mostly reads only the outcome and the shares. The
    explanation is kept as a phrase (``explanation_phrase``) so that it can be shown in
    any language (``explanation_in``) with the same figures.
    """

    def __init__(
        self,
        *,
        rule_set: RuleSet,
        options: dict[str, str],
        ignored_options: dict[str, str],
        open_selection: bool,
        open_share: Fraction | None,
        sections: list[SectionResult] | Callable[[], list[SectionResult]],
        threshold: Threshold,
        no_valid_votes: bool,
        contributions: Callable[[], list[Contribution]] | None = None,
        explanation: Callable[[Result], Text] | None = None,
    ) -> None:
        self.rule_set = rule_set
        self.rules = rule_set.name
        self.options = options
        self.ignored_options = ignored_options
        self.outcome = OUTCOME_OPEN_SELECTION if open_selection else OUTCOME_RESELECTED
        self.open_share = open_share
        if callable(sections):
            self._sections = sections
        else:
            self.__dict__["sections"] = list(sections)
        self.threshold = threshold
        self.no_valid_votes = no_valid_votes
        self._contributions = contributions
        self._explanation = explanation

    @property
    def reselect_share(self) -> Fraction | None:
        return None if self.open_share is None else 1 - self.open_share

    @property
    def open_selection(self) -> bool:
        return self.outcome == OUTCOME_OPEN_SELECTION

    @property
    def reselected(self) -> bool:
        return self.outcome == OUTCOME_RESELECTED

    @property
    def open_percent(self) -> float | None:
        return None if self.open_share is None else float(self.open_share * 100)

    @property
    def reselect_percent(self) -> float | None:
        return None if self.reselect_share is None else float(self.reselect_share * 100)

    def section(self, name: str) -> SectionResult:
        for section in self.sections:
            if section.name == name:
                return section
        # Only the sections the rule set counts exist: ask rule_set.sections first.
        raise KeyError(name)

    @cached_property
    def sections(self) -> list[SectionResult]:
        return self._sections()

    @cached_property
    def contributions(self) -> list[Contribution]:
        return self._contributions() if self._contributions else []

    @cached_property
    def explanation_phrase(self) -> Text:
        """The explanation to translate: a phrase, or plain text from a rule set that gives only that."""
        if self._explanation is not None:
            return self._explanation(self)
        title = Phrase(self.rule_set.title)
        if self.open_selection:
            return gettext_lazy("Counted under %(title)s. There will be an open selection.", title=title)
        return gettext_lazy("Counted under %(title)s. The MP is reselected.", title=title)

    @cached_property
    def explanation(self) -> str:
        """The explanation in English."""
        return render(self.explanation_phrase, ENGLISH)

    def explanation_in(self, translations: Translations) -> str:
        """The explanation through ``translations`` (``gettext``/``ngettext``), figures unchanged.

        Plain text from a rule set registered from outside is returned as it is.
        """
        return render(self.explanation_phrase, translations)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: DESIGN.md's ``whatif --json`` contract (shares in percent)."""
        return {
            "rules": self.rules,
            "rules_description": self.rule_set.description,
            "options": dict(self.options),
            "options_not_applied": dict(self.ignored_options),
            "outcome": self.outcome,
            "open_share": percent_number(self.open_share),
            "reselect_share": percent_number(self.reselect_share),
            "open_share_exact": exact(self.open_share),
            "reselect_share_exact": exact(self.reselect_share),
            "threshold": self.threshold.to_dict(),
            "no_valid_votes": self.no_valid_votes,
            "sections": [section.to_dict() for section in self.sections],
            "contributions": [c.to_dict() for c in self.contributions],
            "explanation": self.explanation,
        }

    def __repr__(self) -> str:
        share = "n/a" if self.open_share is None else format_percent(self.open_share)
        return f"<Result {self.rules} {self.outcome} open={share} options={self.options}>"
