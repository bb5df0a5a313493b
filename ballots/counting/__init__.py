"""The counting engine: decide reselection or open selection from the votes cast.

Pure Python (standard library only) so that the ballots, the results pages, the
``whatif`` command and the simulator all count the same way. The rules themselves
are described in ``RULES.md``; ``docs/counting.md`` gives a shorter account.

Choices made here, where the rules leave room:

* **Exact arithmetic.** Every share is a :class:`fractions.Fraction`; a figure is
  rounded only when it is shown (:func:`format_percent`, ``Result.to_dict``).
* **Options "as applied".** ``Result.options`` lists every option that the rule set
  defines, with defaults filled in, and nothing else. Under ``labour-2021`` that is
  all three options (``tied_branch`` is listed even with ``member_counting=individual``,
  where pooled votes leave no tied branch to settle). Under ``labour-2018`` and
  ``labour-pre-2018`` it is ``tied_branch`` alone. An option that another registered
  rule set defines is accepted, checked, and reported in ``Result.ignored_options``
  (``options_not_applied`` in JSON); an option no rule set defines is an error.
* **Input.** A branch gives both of its counts, or only its outcome, or both when they
  agree. A branch whose counts are 0-0 cast no votes and is never a unit. An affiliate's
  vote is ``reselect``, ``open``, ``abstain`` or ``none`` (did not vote); only the
  first two make it a unit. Under ``affiliate_counting=weighted`` a voting affiliate
  must give its affiliated membership; one with none (0) carries no weight and is not
  a unit. Names must be unique within their section, ignoring case and surrounding
  spaces. Unknown keys in scenario JSON are ignored (``simulate`` adds its own).
* **Shares.** ``open_share``/``reselect_share`` are fractions of the college under
  ``labour-2021`` and of all units under ``labour-pre-2018``; under ``labour-2018`` they
  are ``None`` because each section is judged on its own fraction
  (``SectionResult.open_fraction``). With no valid votes at all they are ``None`` and
  the MP is reselected.
* **Contribution weights** are of the college (``labour-2021``), of the unit's own
  section (``labour-2018``) or of all units (``labour-pre-2018``).

Adding a rule set: build a :class:`RuleSet` with a name, a description, its
:class:`Option` objects and a counter ``(scenario, options, rule_set, ignored) -> Result``
and pass it to :func:`register_rule_set`. Nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType
from typing import Any

__all__ = [
    "AFFILIATE_VOTES",
    "BRANCH_OUTCOMES",
    "DEFAULT_RULES",
    "OUTCOME_OPEN_SELECTION",
    "OUTCOME_RESELECTED",
    "RULE_SETS",
    "TIE_OPTIONS",
    "Affiliate",
    "Branch",
    "Contribution",
    "CountingError",
    "Option",
    "Result",
    "RuleSet",
    "Scenario",
    "SectionResult",
    "Threshold",
    "compare_rules",
    "count",
    "format_percent",
    "percent_number",
    "get_rule_set",
    "register_rule_set",
    "unregister_rule_set",
    "scenario_from_dict",
    "scenario_to_dict",
    "validate_scenario",
]


class CountingError(ValueError):
    """The one error raised for bad input; its message names the offending entry."""


RESELECT = "reselect"
OPEN = "open"
TIED = "tied"
ABSTAIN = "abstain"
NONE = "none"

BRANCH_OUTCOMES = (RESELECT, OPEN, TIED)
AFFILIATE_VOTES = (RESELECT, OPEN, ABSTAIN, NONE)

OUTCOME_RESELECTED = "reselected"
OUTCOME_OPEN_SELECTION = "open_selection"

DEFAULT_RULES = "labour-2021"
TIE_OPTIONS = ("exclude", "split", "reselect", "open")
MEMBER_COUNTING_CHOICES = ("branch", "individual")
AFFILIATE_COUNTING_CHOICES = ("unit", "weighted")

MEMBERS = "members"
AFFILIATES = "affiliates"

_ZERO = Fraction(0)
_ONE = Fraction(1)
_HALF = Fraction(1, 2)
_THIRD = Fraction(1, 3)


# --------------------------------------------------------------------------- input


def _check_name(name: Any, kind: str, position: int | None = None) -> None:
    if not isinstance(name, str) or not name.strip():
        where = f" {position}" if position is not None else ""
        raise CountingError(f"{kind}{where} has no name (a non-empty string is needed)")


def _check_count(value: Any, label: str, what: str) -> None:
    # bool is an int in Python, but True votes is a mistake, not a count of one.
    if type(value) is not int:
        raise CountingError(f"{label}: {what} votes must be a whole number, not {value!r}")
    if value < 0:
        raise CountingError(f"{label}: {what} votes cannot be negative ({value})")


def _result_from_counts(reselect: int, open_: int) -> str:
    if reselect > open_:
        return RESELECT
    if open_ > reselect:
        return OPEN
    return TIED if reselect else NONE


@dataclass(frozen=True, slots=True)
class Branch:
    """A ward branch: its two counts, or only its outcome where that is all that is known."""

    name: str
    reselect: int | None = None
    open: int | None = None
    outcome: str | None = None

    def __post_init__(self) -> None:
        reselect, open_ = self.reselect, self.open
        # The usual case, checked cheaply: the simulator builds many branches.
        if (
            type(reselect) is int
            and type(open_) is int
            and reselect >= 0
            and open_ >= 0
            and self.outcome is None
            and type(self.name) is str
            and self.name.strip()
        ):
            return
        _check_name(self.name, "a branch")
        label = f"branch {self.name!r}"
        if reselect is None and open_ is None:
            if self.outcome is None:
                raise CountingError(f"{label} gives neither vote counts (reselect, open) nor an outcome")
        elif reselect is None or open_ is None:
            given, missing = ("open", "reselect") if reselect is None else ("reselect", "open")
            raise CountingError(f"{label} gives {given} votes but not {missing} votes")
        else:
            _check_count(reselect, label, "reselect")
            _check_count(open_, label, "open")
        if self.outcome is not None:
            if self.outcome not in BRANCH_OUTCOMES:
                raise CountingError(f"{label}: outcome {self.outcome!r} is not one of {', '.join(BRANCH_OUTCOMES)}")
            if reselect is not None and _result_from_counts(reselect, open_) != self.outcome:
                raise CountingError(
                    f"{label}: outcome {self.outcome!r} does not match its counts ({reselect} reselect, {open_} open)"
                )

    @property
    def has_counts(self) -> bool:
        return self.reselect is not None

    @property
    def result(self) -> str:
        """``reselect``, ``open``, ``tied``, or ``none`` for a branch that cast no votes."""
        if self.reselect is None:
            return self.outcome
        return _result_from_counts(self.reselect, self.open)


@dataclass(frozen=True, slots=True)
class Affiliate:
    """An affiliated organisation's single vote and, for weighting, its affiliated members."""

    name: str
    vote: str
    members: int | None = None

    def __post_init__(self) -> None:
        members = self.members
        if (
            self.vote in AFFILIATE_VOTES
            and (members is None or (type(members) is int and members >= 0))
            and type(self.name) is str
            and self.name.strip()
        ):
            return
        _check_name(self.name, "an affiliate")
        label = f"affiliate {self.name!r}"
        if self.vote is None:
            object.__setattr__(self, "vote", NONE)
        elif self.vote not in AFFILIATE_VOTES:
            raise CountingError(f"{label}: vote {self.vote!r} is not one of {', '.join(AFFILIATE_VOTES)}")
        if self.members is not None and (type(self.members) is not int or self.members < 0):
            raise CountingError(
                f"{label}: affiliated members must be a whole number of at least 0, not {self.members!r}"
            )


def _check_unique(names: list[str], kind: str) -> None:
    keys = {name.strip().casefold() for name in names}
    if len(keys) == len(names):
        return
    seen: dict[str, str] = {}
    for name in names:
        key = name.strip().casefold()
        if key in seen:
            raise CountingError(f"duplicate {kind} name {name!r} (also given as {seen[key]!r})")
        seen[key] = name


@dataclass(frozen=True)
class Scenario:
    """What was voted, and the rule set and options to count it under."""

    branches: tuple[Branch, ...] = ()
    affiliates: tuple[Affiliate, ...] = ()
    rules: str = DEFAULT_RULES
    # Options are stored read-only; a dict field would make frozen scenarios mutable.
    options: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        branches = tuple(self.branches)
        affiliates = tuple(self.affiliates)
        for branch in branches:
            if type(branch) is not Branch and not isinstance(branch, Branch):
                raise CountingError(f"branches must be Branch objects, not {branch!r}")
        for affiliate in affiliates:
            if type(affiliate) is not Affiliate and not isinstance(affiliate, Affiliate):
                raise CountingError(f"affiliates must be Affiliate objects, not {affiliate!r}")
        _check_unique([b.name for b in branches], "branch")
        _check_unique([a.name for a in affiliates], "affiliate")
        rules = DEFAULT_RULES if self.rules is None else self.rules
        if not isinstance(rules, str):
            raise CountingError(f"the rule set must be named by a string, not {rules!r}")
        options = {} if self.options is None else self.options
        if not isinstance(options, Mapping):
            raise CountingError(f"options must be a mapping of names to values, not {options!r}")
        _check_option_types(options)
        object.__setattr__(self, "branches", branches)
        object.__setattr__(self, "affiliates", affiliates)
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "options", MappingProxyType(dict(options)))


def _check_option_types(options: Mapping) -> None:
    for key, value in options.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise CountingError(f"option {key!r}: names and values must be strings, not {value!r}")


# ------------------------------------------------------------------------ rule sets


@dataclass(frozen=True)
class Option:
    """A setting of a rule set: its name, the values allowed and the default."""

    name: str
    choices: tuple[str, ...]
    default: str
    description: str = ""

    def __post_init__(self) -> None:
        if self.default not in self.choices:
            raise CountingError(f"option {self.name!r}: default {self.default!r} is not a choice")


Counter = Callable[["Scenario", dict, "RuleSet", dict], "Result"]


@dataclass(frozen=True)
class RuleSet:
    """A named way of counting: a description, its options and the function that counts."""

    name: str
    description: str
    options: tuple[Option, ...]
    counter: Counter = field(repr=False)

    def option(self, name: str) -> Option | None:
        for option in self.options:
            if option.name == name:
                return option
        return None

    def resolve_options(self, *layers: Mapping | None) -> tuple[dict, dict]:
        """Merge option layers (later wins); return (applied, ignored) or raise CountingError."""
        applied = {option.name: option.default for option in self.options}
        ignored: dict[str, str] = {}
        for layer in layers:
            if not layer:
                continue
            for key, value in layer.items():
                option = self.option(key)
                if option is not None:
                    if value not in option.choices:
                        raise CountingError(
                            f"option {key}={value!r} is not allowed under {self.name}; "
                            f"choose one of {', '.join(option.choices)}"
                        )
                    applied[key] = value
                    ignored.pop(key, None)
                    continue
                choices = _choices_anywhere(key)
                if choices is None:
                    raise CountingError(f"unknown option {key!r}; known options: {', '.join(_all_option_names())}")
                if value not in choices:
                    raise CountingError(f"option {key}={value!r} is not allowed; choose one of {', '.join(choices)}")
                ignored[key] = value
        return applied, ignored


# Change it through register_rule_set/unregister_rule_set, which keep the option cache fresh.
RULE_SETS: dict[str, RuleSet] = {}
_resolved_cache: dict[tuple, tuple[dict, dict]] = {}


def register_rule_set(rule_set: RuleSet, *, replace: bool = False) -> RuleSet:
    """Add a rule set to the registry, so that ``count`` and ``whatif`` accept its name."""
    if not isinstance(rule_set, RuleSet):
        raise CountingError(f"register_rule_set needs a RuleSet, not {rule_set!r}")
    if rule_set.name in RULE_SETS and not replace:
        raise CountingError(f"a rule set named {rule_set.name!r} is already registered")
    RULE_SETS[rule_set.name] = rule_set
    _resolved_cache.clear()
    return rule_set


def unregister_rule_set(name: str) -> RuleSet:
    """Remove a rule set from the registry (tests, plug-ins); returns it."""
    rule_set = get_rule_set(name)
    del RULE_SETS[name]
    _resolved_cache.clear()
    return rule_set


def _choices_anywhere(name: str) -> tuple[str, ...] | None:
    choices: list[str] = []
    found = False
    for rule_set in RULE_SETS.values():
        option = rule_set.option(name)
        if option is not None:
            found = True
            choices.extend(c for c in option.choices if c not in choices)
    return tuple(choices) if found else None


def _all_option_names() -> list[str]:
    names: list[str] = []
    for rule_set in RULE_SETS.values():
        names.extend(o.name for o in rule_set.options if o.name not in names)
    return names


def get_rule_set(name: str) -> RuleSet:
    try:
        return RULE_SETS[name]
    except (KeyError, TypeError):
        raise CountingError(f"unknown rule set {name!r}; known rule sets: {', '.join(RULE_SETS)}") from None


# -------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Contribution:
    """What one unit (a branch or an affiliate) gave to one side, and why."""

    section: str
    name: str
    side: str  # "reselect", "open", or "none" for an entry that is not a unit
    weight: Fraction
    note: str = ""

    def to_dict(self) -> dict:
        return {
            "section": self.section,
            "name": self.name,
            "side": self.side,
            "weight": percent_number(self.weight),
            "weight_exact": _exact(self.weight),
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

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "counted_by": self.counted_by,
            "weight": percent_number(self.weight),
            "weight_exact": _exact(self.weight),
            "units": self.units,
            "units_reselect": _plain_number(self.units_reselect),
            "units_open": _plain_number(self.units_open),
            "tied": self.tied,
            "excluded": self.excluded,
            "open_fraction": percent_number(self.open_fraction),
            "open_fraction_exact": _exact(self.open_fraction),
            "open_share": percent_number(self.open_share),
            "open_share_exact": _exact(self.open_share),
            "reselect_share": percent_number(self.reselect_share),
            "reselect_share_exact": _exact(self.reselect_share),
            "triggered": self.triggered,
            "votes": dict(self.votes),
        }


@dataclass(frozen=True)
class Threshold:
    """The test that decides: e.g. ``more than`` ``1/2`` of ``the college``."""

    test: str  # "more than" or "at least"
    value: Fraction
    applies_to: str

    def met_by(self, share: Fraction) -> bool:
        return share > self.value if self.test == "more than" else share >= self.value

    def to_dict(self) -> dict:
        return {
            "test": self.test,
            "value": percent_number(self.value),
            "exact": _exact(self.value),
            "applies_to": self.applies_to,
        }


class Result:
    """The outcome of one count, with everything needed to check it by hand.

    ``sections``, ``contributions`` and ``explanation`` are built on first use: the
    simulator counts many times and mostly reads only the outcome and the shares.
    """

    def __init__(
        self,
        *,
        rule_set: RuleSet,
        options: dict,
        ignored_options: dict,
        open_selection: bool,
        open_share: Fraction | None,
        sections: list[SectionResult] | Callable[[], list[SectionResult]],
        threshold: Threshold,
        no_valid_votes: bool,
        contributions: Callable[[], list[Contribution]] | None = None,
        explanation: Callable[[Result], str] | None = None,
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
        raise KeyError(name)

    @cached_property
    def sections(self) -> list[SectionResult]:
        return self._sections()

    @cached_property
    def contributions(self) -> list[Contribution]:
        return self._contributions() if self._contributions else []

    @cached_property
    def explanation(self) -> str:
        if self._explanation is not None:
            return self._explanation(self)
        return f"Counted under {self.rules}: {_outcome_words(self.open_selection)}."

    def to_dict(self) -> dict:
        """A JSON-ready dict: DESIGN.md's ``whatif --json`` contract (shares in percent)."""
        return {
            "rules": self.rules,
            "rules_description": self.rule_set.description,
            "options": dict(self.options),
            "options_not_applied": dict(self.ignored_options),
            "outcome": self.outcome,
            "open_share": percent_number(self.open_share),
            "reselect_share": percent_number(self.reselect_share),
            "open_share_exact": _exact(self.open_share),
            "reselect_share_exact": _exact(self.reselect_share),
            "threshold": self.threshold.to_dict(),
            "no_valid_votes": self.no_valid_votes,
            "sections": [section.to_dict() for section in self.sections],
            "contributions": [c.to_dict() for c in self.contributions],
            "explanation": self.explanation,
        }

    def __repr__(self) -> str:
        share = "n/a" if self.open_share is None else format_percent(self.open_share)
        return f"<Result {self.rules} {self.outcome} open={share} options={self.options}>"


# ----------------------------------------------------------------------- formatting


def format_percent(share: Fraction | int | None, places: int = 3) -> str:
    """Show a fraction of 1 as a percentage, rounding half up only here."""
    if share is None:
        return "n/a"
    scale = 10**places
    value = Fraction(share) * 100 * scale
    rounded = (value.numerator * 2 + value.denominator) // (2 * value.denominator)
    whole, part = divmod(rounded, scale)
    if places == 0:
        return f"{whole}%"
    return f"{whole}.{part:0{places}d}%"


def percent_number(share: Fraction | None) -> float | int | None:
    """A share of 1 as a JSON number of percent: exact whole numbers stay integers."""
    if share is None:
        return None
    value = share * 100
    return int(value) if value.denominator == 1 else float(value)


def _plain_number(value: Fraction | int) -> float | int:
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def _exact(share: Fraction | None) -> str | None:
    if share is None:
        return None
    return f"{share.numerator}/{share.denominator}"


def _units_text(value: Fraction | int) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def _plural(n: Fraction | int, singular: str, plural: str | None = None) -> str:
    word = singular if n == 1 else (plural or singular + "s")
    return f"{_units_text(n)} {word}"


def _cite(share: Fraction, threshold: Fraction | None = None) -> str:
    """A percentage, with the exact fraction when rounding would hide the deciding side."""
    shown = format_percent(share)
    if share.denominator != 1 and (share * 100_000).denominator != 1:
        if threshold is not None and shown == format_percent(threshold) and share != threshold:
            return f"{shown} (exactly {share.numerator}/{share.denominator})"
    return shown


def _outcome_words(open_selection: bool) -> str:
    return "there will be an open selection" if open_selection else "the MP is reselected"


# -------------------------------------------------------------------------- tallies


class _Tally:
    """A section counted, before weights: the fraction is ``open_num / total_num``."""

    __slots__ = (
        "counted_by",
        "units",
        "reselect2",
        "open2",
        "open_num",
        "total_num",
        "tied",
        "excluded",
        "votes",
        "extra",
    )

    # Units per side are kept doubled so that a split tie stays a whole number.

    def fraction(self) -> Fraction | None:
        return Fraction(self.open_num, self.total_num) if self.total_num else None

    def triggers_third(self) -> bool:
        return bool(self.total_num) and 3 * self.open_num >= self.total_num


def _tally_branches(branches: tuple[Branch, ...], tie: str) -> _Tally:
    n_reselect = n_open = n_tied = n_empty = 0
    votes_reselect = votes_open = 0
    for branch in branches:
        reselect = branch.reselect
        if reselect is None:
            outcome = branch.outcome
            if outcome == RESELECT:
                n_reselect += 1
            elif outcome == OPEN:
                n_open += 1
            else:
                n_tied += 1
        else:
            open_ = branch.open
            votes_reselect += reselect
            votes_open += open_
            if reselect > open_:
                n_reselect += 1
            elif open_ > reselect:
                n_open += 1
            elif reselect:
                n_tied += 1
            else:
                n_empty += 1
    tally = _Tally()
    tally.counted_by = "branch"
    tally.tied = n_tied
    tally.votes = {"reselect": votes_reselect, "open": votes_open}
    tally.extra = n_empty
    if tie == "exclude":
        tally.units = n_reselect + n_open
        tally.excluded = n_tied + n_empty
        open2 = 2 * n_open
    else:
        tally.units = n_reselect + n_open + n_tied
        tally.excluded = n_empty
        if tie == "split":
            open2 = 2 * n_open + n_tied
        elif tie == RESELECT:
            open2 = 2 * n_open
        else:
            open2 = 2 * (n_open + n_tied)
    tally.open2 = tally.open_num = open2
    tally.total_num = 2 * tally.units
    tally.reselect2 = tally.total_num - open2
    return tally


def _tally_individual(branches: tuple[Branch, ...]) -> _Tally:
    votes_reselect = votes_open = n_empty = 0
    for branch in branches:
        reselect = branch.reselect
        if reselect is None:
            raise CountingError(
                f"branch {branch.name!r} gives only its outcome; member_counting=individual "
                "needs every branch's reselect and open counts"
            )
        votes_reselect += reselect
        votes_open += branch.open
        if not reselect and not branch.open:
            n_empty += 1
    tally = _Tally()
    tally.counted_by = "individual"
    tally.units = votes_reselect + votes_open
    tally.reselect2 = 2 * votes_reselect
    tally.open2 = 2 * votes_open
    tally.open_num = votes_open
    tally.total_num = tally.units
    tally.tied = 0
    tally.excluded = n_empty
    tally.votes = {"reselect": votes_reselect, "open": votes_open}
    tally.extra = n_empty
    return tally


def _tally_affiliates(affiliates: tuple[Affiliate, ...], weighted: bool) -> _Tally:
    n_reselect = n_open = n_abstain = n_none = n_zero = 0
    members_reselect = members_open = 0
    for affiliate in affiliates:
        vote = affiliate.vote
        if vote == RESELECT or vote == OPEN:
            if weighted:
                members = affiliate.members
                if members is None:
                    raise CountingError(
                        f"affiliate {affiliate.name!r} voted {vote} but gives no affiliated "
                        "members; affiliate_counting=weighted needs them"
                    )
                if not members:
                    n_zero += 1
                    continue
                if vote == OPEN:
                    members_open += members
                else:
                    members_reselect += members
            if vote == OPEN:
                n_open += 1
            else:
                n_reselect += 1
        elif vote == ABSTAIN:
            n_abstain += 1
        else:
            n_none += 1
    tally = _Tally()
    tally.units = n_reselect + n_open
    tally.reselect2 = 2 * n_reselect
    tally.open2 = 2 * n_open
    tally.tied = 0
    tally.excluded = n_abstain + n_none + n_zero
    tally.votes = {"reselect": n_reselect, "open": n_open, "abstain": n_abstain, "none": n_none}
    if weighted:
        tally.counted_by = "weighted"
        tally.open_num = members_open
        tally.total_num = members_open + members_reselect
        tally.votes["members_reselect"] = members_reselect
        tally.votes["members_open"] = members_open
        tally.votes["zero_members"] = n_zero
    else:
        tally.counted_by = "unit"
        tally.open_num = n_open
        tally.total_num = tally.units
    tally.extra = n_zero
    return tally


def _section(
    name: str,
    tally: _Tally,
    weight: Fraction | None,
    fraction: Fraction | None,
    triggered: bool | None = None,
) -> SectionResult:
    if weight is None or fraction is None:
        open_share = reselect_share = None if weight is None else _ZERO
    else:
        open_share = weight * fraction
        reselect_share = weight - open_share
    return SectionResult(
        name=name,
        counted_by=tally.counted_by,
        weight=weight,
        units=tally.units,
        units_reselect=Fraction(tally.reselect2, 2),
        units_open=Fraction(tally.open2, 2),
        tied=tally.tied,
        excluded=tally.excluded,
        open_fraction=fraction,
        open_share=open_share,
        reselect_share=reselect_share,
        votes=tally.votes,
        triggered=triggered,
    )


# -------------------------------------------------------------------- contributions


def _branch_contributions(branches: tuple[Branch, ...], tie: str, unit_weight: Fraction) -> list[Contribution]:
    out = []
    for branch in branches:
        result = branch.result
        if result == NONE:
            out.append(Contribution(MEMBERS, branch.name, NONE, _ZERO, "no votes cast"))
        elif result != TIED:
            out.append(Contribution(MEMBERS, branch.name, result, unit_weight, f"majority {result}"))
        elif tie == "exclude":
            out.append(Contribution(MEMBERS, branch.name, NONE, _ZERO, "tied: excluded"))
        elif tie == "split":
            half = unit_weight / 2
            out.append(Contribution(MEMBERS, branch.name, RESELECT, half, "tied: split"))
            out.append(Contribution(MEMBERS, branch.name, OPEN, half, "tied: split"))
        else:
            out.append(Contribution(MEMBERS, branch.name, tie, unit_weight, f"tied: counted {tie}"))
    return out


def _individual_contributions(branches: tuple[Branch, ...], vote_weight: Fraction) -> list:
    out = []
    for branch in branches:
        if not branch.reselect and not branch.open:
            out.append(Contribution(MEMBERS, branch.name, NONE, _ZERO, "no votes cast"))
            continue
        for side, votes in ((RESELECT, branch.reselect), (OPEN, branch.open)):
            if votes:
                out.append(Contribution(MEMBERS, branch.name, side, vote_weight * votes, f"{votes} votes"))
    return out


def _affiliate_contributions(
    affiliates: tuple[Affiliate, ...], unit_weight: Fraction, weighted: bool, total_members: int
) -> list[Contribution]:
    out = []
    for affiliate in affiliates:
        vote = affiliate.vote
        if vote == ABSTAIN:
            out.append(Contribution(AFFILIATES, affiliate.name, NONE, _ZERO, "abstained"))
        elif vote == NONE:
            out.append(Contribution(AFFILIATES, affiliate.name, NONE, _ZERO, "did not vote"))
        elif weighted:
            if not affiliate.members:
                out.append(Contribution(AFFILIATES, affiliate.name, NONE, _ZERO, "no affiliated members"))
            else:
                weight = unit_weight * affiliate.members / total_members
                note = f"{affiliate.members} affiliated members"
                out.append(Contribution(AFFILIATES, affiliate.name, vote, weight, note))
        else:
            out.append(Contribution(AFFILIATES, affiliate.name, vote, unit_weight, f"voted {vote}"))
    return out


def _no_contributions(scenario: Scenario) -> list[Contribution]:
    """Every entry, with no weight: what to show when no valid votes were cast."""
    out = []
    for branch in scenario.branches:
        note = "no votes cast" if branch.result == NONE else f"{branch.result}: not a unit"
        out.append(Contribution(MEMBERS, branch.name, NONE, _ZERO, note))
    for affiliate in scenario.affiliates:
        note = {ABSTAIN: "abstained", NONE: "did not vote"}.get(affiliate.vote, "not a unit")
        out.append(Contribution(AFFILIATES, affiliate.name, NONE, _ZERO, note))
    return out


# ------------------------------------------------------------------ explanations


_TIE_WORDS = {
    "exclude": "excluded",
    "split": "split half to each side",
    "reselect": "counted for reselection",
    "open": "counted for open selection",
}


def _branch_notes(section: SectionResult, tie: str, n_empty: int) -> str:
    notes = []
    if section.tied:
        notes.append(f"{_plural(section.tied, 'tied branch', 'tied branches')} {_TIE_WORDS[tie]}")
    if n_empty:
        notes.append(f"{_plural(n_empty, 'branch', 'branches')} with no votes")
    return f" ({'; '.join(notes)})" if notes else ""


def _affiliate_notes(section: SectionResult) -> str:
    notes = []
    if section.votes.get("abstain"):
        notes.append(f"{section.votes['abstain']} abstained")
    if section.votes.get("none"):
        notes.append(f"{section.votes['none']} did not vote")
    if section.votes.get("zero_members"):
        notes.append(f"{section.votes['zero_members']} with no affiliated members")
    return f" ({'; '.join(notes)})" if notes else ""


def _sides_text(section: SectionResult) -> str:
    return (
        f"{_units_text(section.units_open)} for open selection and "
        f"{_units_text(section.units_reselect)} for reselection"
    )


# ------------------------------------------------------------------------ labour-2021

_COLLEGE_THRESHOLD = Threshold("more than", _HALF, "the college")
_SECTION_THRESHOLD = Threshold("at least", _THIRD, "the units of either section")
_POOL_THRESHOLD = Threshold("more than", _HALF, "all units")


def _no_votes_result(scenario, rule_set, options, ignored, members, affs, threshold) -> Result:
    """No units in either section: no trigger, and the result says no valid votes were cast."""
    return Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=False,
        open_share=None,
        sections=lambda: [_section(MEMBERS, members, _ZERO, None), _section(AFFILIATES, affs, _ZERO, None)],
        threshold=threshold,
        no_valid_votes=True,
        contributions=lambda: _no_contributions(scenario),
        explanation=_explain_no_votes,
    )


def _count_2021(scenario: Scenario, options: dict, rule_set: RuleSet, ignored: dict) -> Result:
    tie = options["tied_branch"]
    individual = options["member_counting"] == "individual"
    weighted = options["affiliate_counting"] == "weighted"
    branches, affiliates = scenario.branches, scenario.affiliates
    members = _tally_individual(branches) if individual else _tally_branches(branches, tie)
    affs = _tally_affiliates(affiliates, weighted)

    # Only the outcome and the share are worked out here, in integers with a single
    # Fraction; the sections are built if someone reads them.
    m_open, m_total, a_open, a_total = members.open_num, members.total_num, affs.open_num, affs.total_num
    threshold = _COLLEGE_THRESHOLD
    if m_total and a_total:
        member_weight = affiliate_weight = _HALF
        open_share = Fraction(m_open * a_total + a_open * m_total, 2 * m_total * a_total)
    elif m_total or a_total:
        # A section with no units passes its weight to the other.
        member_weight = _ONE if m_total else _ZERO
        affiliate_weight = _ONE - member_weight
        open_share = Fraction(m_open, m_total) if m_total else Fraction(a_open, a_total)
    else:
        return _no_votes_result(scenario, rule_set, options, ignored, members, affs, threshold)

    def sections() -> list[SectionResult]:
        return [
            _section(MEMBERS, members, member_weight, members.fraction()),
            _section(AFFILIATES, affs, affiliate_weight, affs.fraction()),
        ]

    def contributions() -> list[Contribution]:
        if individual:
            per_vote = member_weight / members.total_num if members.total_num else _ZERO
            out = _individual_contributions(branches, per_vote)
        else:
            per_unit = member_weight / members.units if members.units else _ZERO
            out = _branch_contributions(branches, tie, per_unit)
        if weighted:
            out += _affiliate_contributions(affiliates, affiliate_weight, True, affs.total_num)
        else:
            per_unit = affiliate_weight / affs.units if affs.units else _ZERO
            out += _affiliate_contributions(affiliates, per_unit, False, 0)
        return out

    def explanation(result: Result) -> str:
        return _explain_2021(result, tie, members.extra, len(branches))

    return Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=open_share.numerator * 2 > open_share.denominator,
        open_share=open_share,
        sections=sections,
        threshold=threshold,
        no_valid_votes=False,
        contributions=contributions,
        explanation=explanation,
    )


def _explain_no_votes(result: Result) -> str:
    return (
        f"Counted under {result.rules}: no valid votes were cast (no branch expressed a "
        "preference and no affiliate voted reselect or open), so there is no trigger and "
        "the MP is reselected."
    )


def _explain_2021(result: Result, tie: str, n_empty: int, n_branches: int) -> str:
    members, affiliates = result.sections
    options = result.options
    ways = {
        "branch": "branches as equal units decided by their members' majority",
        "individual": "one member, one vote, pooled across all branches",
    }[options["member_counting"]]
    aff_ways = {
        "unit": "each voting affiliate one equal vote",
        "weighted": "affiliates weighted by affiliated membership",
    }[options["affiliate_counting"]]
    tie_text = f", tied branches {_TIE_WORDS[tie]}" if members.counted_by == "branch" else ""
    parts = [
        f"Counted under {result.rules}: an electoral college of members 50% and "
        f"affiliates 50%, with {ways}{tie_text}, and {aff_ways}."
    ]

    if members.open_fraction is None:
        if members.counted_by == "individual" or not n_branches:
            why = "no member votes were cast"
        else:
            why = f"none of the {_plural(n_branches, 'branch', 'branches')} counts as a unit"
            why += _branch_notes(members, tie, n_empty)
        parts.append(f"Members: {why}, so the affiliates carry the whole college.")
    elif members.counted_by == "individual":
        parts.append(
            f"Members ({format_percent(members.weight)}): "
            f"{_units_text(members.units_open)} of {members.units} member votes were for "
            f"open selection ({format_percent(members.open_fraction)}), giving "
            f"{format_percent(members.open_share)} of the college to open selection."
        )
    else:
        if members.units == n_branches == 1:
            which = "the only branch counts as one unit"
        elif members.units == n_branches:
            which = f"all {n_branches} branches count as units"
        elif members.units == 1:
            which = f"1 of the {n_branches} branches counts as a unit"
        else:
            which = f"{members.units} of the {n_branches} branches count as units"
        parts.append(
            f"Members ({format_percent(members.weight)}): {which} of "
            f"{format_percent(members.unit_weight)} each"
            f"{_branch_notes(members, tie, n_empty)}; {_sides_text(members)}, giving "
            f"{format_percent(members.open_share)} of the college to open selection."
        )

    if affiliates.open_fraction is None:
        why = "no affiliate voted reselect or open" + _affiliate_notes(affiliates)
        parts.append(f"Affiliates: {why}, so the members carry the whole college.")
    elif affiliates.counted_by == "weighted":
        votes = affiliates.votes
        total = votes["members_open"] + votes["members_reselect"]
        parts.append(
            f"Affiliates ({format_percent(affiliates.weight)}): "
            f"{_plural(affiliates.units, 'affiliate')} voted{_affiliate_notes(affiliates)}, "
            f"with {total} affiliated members; those for open selection have "
            f"{votes['members_open']} ({format_percent(affiliates.open_fraction)}), giving "
            f"{format_percent(affiliates.open_share)} of the college to open selection."
        )
    else:
        parts.append(
            f"Affiliates ({format_percent(affiliates.weight)}): "
            f"{_plural(affiliates.units, 'affiliate')} voted{_affiliate_notes(affiliates)}, "
            f"{format_percent(affiliates.unit_weight)} each; {_sides_text(affiliates)}, "
            f"giving {format_percent(affiliates.open_share)} of the college to open selection."
        )

    share = result.open_share
    shown = _cite(share, _HALF)
    if members.open_fraction is not None and affiliates.open_fraction is not None:
        total = f"{format_percent(members.open_share)} + {format_percent(affiliates.open_share)} = {shown}"
    else:
        total = shown
    if share > _HALF:
        comparison = "more than 50%"
    elif share == _HALF:
        comparison = "exactly 50%, not more"
    else:
        comparison = "less than 50%"
    parts.append(
        f"The open share of the college is {total}; an open selection needs more than 50%, "
        f"and {shown} is {comparison}, so {_outcome_words(result.open_selection)}."
    )
    return " ".join(parts)


# ------------------------------------------------------------------------ labour-2018


def _count_2018(scenario: Scenario, options: dict, rule_set: RuleSet, ignored: dict) -> Result:
    tie = options["tied_branch"]
    branches, affiliates = scenario.branches, scenario.affiliates
    members = _tally_branches(branches, tie)
    affs = _tally_affiliates(affiliates, False)
    member_trigger = members.triggers_third()
    affiliate_trigger = affs.triggers_third()
    no_votes = not members.total_num and not affs.total_num

    def sections() -> list[SectionResult]:
        return [
            _section(MEMBERS, members, None, members.fraction(), member_trigger),
            _section(AFFILIATES, affs, None, affs.fraction(), affiliate_trigger),
        ]

    def contributions() -> list[Contribution]:
        if no_votes:
            return _no_contributions(scenario)
        per_branch = Fraction(1, members.units) if members.units else _ZERO
        per_affiliate = Fraction(1, affs.units) if affs.units else _ZERO
        return _branch_contributions(branches, tie, per_branch) + _affiliate_contributions(
            affiliates, per_affiliate, False, 0
        )

    def explanation(result: Result) -> str:
        if no_votes:
            return _explain_no_votes(result)
        return _explain_2018(result, tie, members.extra, len(branches))

    return Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=member_trigger or affiliate_trigger,
        open_share=None,
        sections=sections,
        threshold=_SECTION_THRESHOLD,
        no_valid_votes=no_votes,
        contributions=contributions,
        explanation=explanation,
    )


def _explain_2018(result: Result, tie: str, n_empty: int, n_branches: int) -> str:
    members, affiliates = result.sections
    parts = [
        f"Counted under {result.rules}: each section is judged on its own, and an open "
        "selection follows if one third or more of the branches that voted, or one third "
        f"or more of the affiliates that voted, chose open (tied branches {_TIE_WORDS[tie]})."
    ]
    for section, kind, notes in (
        (members, ("branch", "branches"), _branch_notes(members, tie, n_empty)),
        (affiliates, ("affiliate", "affiliates"), _affiliate_notes(affiliates)),
    ):
        label = kind[1].capitalize()
        if section.open_fraction is None:
            parts.append(f"{label}: none voted{notes}, so this section cannot trigger.")
            continue
        fraction = section.open_fraction
        verdict = "at least one third" if section.triggered else "less than one third"
        exactly = " (exactly one third)" if fraction == _THIRD else ""
        parts.append(
            f"{label}: {_units_text(section.units_open)} of the {_plural(section.units, *kind)} "
            f"that voted chose open{notes}, which is {_cite(fraction, _THIRD)}{exactly}: "
            f"{verdict}."
        )
    if result.open_selection:
        which = [s.name for s in result.sections if s.triggered]
        who = " and the ".join("branches" if n == MEMBERS else "affiliates" for n in which)
        parts.append(f"Because the {who} reached one third, there will be an open selection.")
    else:
        parts.append("Neither section reached one third, so the MP is reselected.")
    return " ".join(parts)


# -------------------------------------------------------------------- labour-pre-2018


def _count_pre_2018(scenario: Scenario, options: dict, rule_set: RuleSet, ignored: dict) -> Result:
    tie = options["tied_branch"]
    branches, affiliates = scenario.branches, scenario.affiliates
    members = _tally_branches(branches, tie)
    affs = _tally_affiliates(affiliates, False)
    threshold = _POOL_THRESHOLD
    total = members.units + affs.units
    if not total:
        return _no_votes_result(scenario, rule_set, options, ignored, members, affs, threshold)
    open_share = Fraction(members.open2 + affs.open2, 2 * total)

    def sections() -> list[SectionResult]:
        return [
            _section(MEMBERS, members, Fraction(members.units, total), members.fraction()),
            _section(AFFILIATES, affs, Fraction(affs.units, total), affs.fraction()),
        ]

    def contributions() -> list[Contribution]:
        per_unit = Fraction(1, total)
        return _branch_contributions(branches, tie, per_unit) + _affiliate_contributions(affiliates, per_unit, False, 0)

    def explanation(result: Result) -> str:
        return _explain_pre_2018(result, tie, members.extra)

    return Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=open_share.numerator * 2 > open_share.denominator,
        open_share=open_share,
        sections=sections,
        threshold=threshold,
        no_valid_votes=False,
        contributions=contributions,
        explanation=explanation,
    )


def _explain_pre_2018(result: Result, tie: str, n_empty: int) -> str:
    members, affiliates = result.sections
    total = members.units + affiliates.units
    units_open = members.units_open + affiliates.units_open
    shown = _cite(result.open_share, _HALF)
    if result.open_share > _HALF:
        comparison = "more than half"
    elif result.open_share == _HALF:
        comparison = "exactly half, not more"
    else:
        comparison = "less than half"
    return (
        f"Counted under {result.rules}: branches and affiliates are pooled as equal units, "
        "and an open selection needs more than half of all units that voted "
        f"(tied branches {_TIE_WORDS[tie]}). "
        f"Branches: {_units_text(members.units_open)} of {_plural(members.units, 'branch', 'branches')} "
        f"chose open{_branch_notes(members, tie, n_empty)}. "
        f"Affiliates: {_units_text(affiliates.units_open)} of "
        f"{_plural(affiliates.units, 'affiliate')} chose open{_affiliate_notes(affiliates)}. "
        f"Together {_units_text(units_open)} of {_plural(total, 'unit')} chose open, {shown}, "
        f"which is {comparison}, so {_outcome_words(result.open_selection)}."
    )


# ------------------------------------------------------------------- the registry

TIED_BRANCH_OPTION = Option(
    "tied_branch",
    TIE_OPTIONS,
    "exclude",
    "How a branch whose members' votes are tied counts: not a unit, half each way, or wholly for one side.",
)
MEMBER_COUNTING_OPTION = Option(
    "member_counting",
    MEMBER_COUNTING_CHOICES,
    "branch",
    "Members counted by branch (each branch a unit) or individually (votes pooled).",
)
AFFILIATE_COUNTING_OPTION = Option(
    "affiliate_counting",
    AFFILIATE_COUNTING_CHOICES,
    "unit",
    "Each voting affiliate one equal unit, or weighted by affiliated membership.",
)

register_rule_set(
    RuleSet(
        name="labour-2021",
        description=(
            "Electoral college: members 50%, affiliates 50%. Open selection when the open "
            "share of the college is more than 50%."
        ),
        options=(MEMBER_COUNTING_OPTION, AFFILIATE_COUNTING_OPTION, TIED_BRANCH_OPTION),
        counter=_count_2021,
    )
)
register_rule_set(
    RuleSet(
        name="labour-2018",
        description=(
            "Each branch and affiliate that voted is a unit. Open selection when one third "
            "or more of the branches, or of the affiliates, that voted chose open."
        ),
        options=(TIED_BRANCH_OPTION,),
        counter=_count_2018,
    )
)
register_rule_set(
    RuleSet(
        name="labour-pre-2018",
        description=(
            "Each branch and affiliate that voted is a unit, pooled. Open selection when "
            "more than half of all units chose open."
        ),
        options=(TIED_BRANCH_OPTION,),
        counter=_count_pre_2018,
    )
)


# ------------------------------------------------------------------- entry points


def count(
    scenario: Scenario | Mapping,
    rules: str | None = None,
    options: Mapping | None = None,
) -> Result:
    """Count a scenario; ``rules`` and ``options`` override the scenario's own.

    Raises :class:`CountingError` for an unknown rule set or option, or input that the
    rule set cannot count (e.g. a branch given by outcome under ``individual``).
    """
    if not isinstance(scenario, Scenario):
        if isinstance(scenario, Mapping):
            scenario = scenario_from_dict(scenario, check=False)
        else:
            raise CountingError(f"count() needs a Scenario, not {type(scenario).__name__}")
    rule_set = get_rule_set(scenario.rules if rules is None else rules)
    base = scenario.options
    if options:
        if not isinstance(options, Mapping):
            raise CountingError(f"options must be a mapping of names to values, not {options!r}")
        _check_option_types(options)
    # Resolving options is pure; the simulator counts the same settings many times.
    # Keyed by the registry's size as well: an option's status depends on every rule set.
    key = (rule_set.name, len(RULE_SETS), tuple(base.items()), tuple(options.items()) if options else ())
    resolved = _resolved_cache.get(key)
    if resolved is None:
        resolved = rule_set.resolve_options(base, options)
        if len(_resolved_cache) > 1024:
            _resolved_cache.clear()
        _resolved_cache[key] = resolved
    applied, ignored = resolved
    return rule_set.counter(scenario, dict(applied), rule_set, dict(ignored))


def validate_scenario(scenario: Scenario, rules: str | None = None, options: Mapping | None = None) -> None:
    """Raise :class:`CountingError` unless the scenario can be counted as given."""
    count(scenario, rules, options)


def compare_rules(scenario: Scenario) -> list[Result]:
    """The same votes under every registered rule set and, where it applies, every tie option.

    The scenario's other options are kept where the rule set has them.
    """
    results = []
    for rule_set in RULE_SETS.values():
        if rule_set.option("tied_branch") is not None:
            for tie in TIE_OPTIONS:
                results.append(count(scenario, rule_set.name, {"tied_branch": tie}))
        else:
            results.append(count(scenario, rule_set.name))
    return results


def scenario_from_dict(data: Any, *, check: bool = True) -> Scenario:
    """Build a scenario from DESIGN.md's scenario JSON (already parsed).

    With ``check`` (the default) the scenario is also counted once under its own rules,
    so that every error the count would raise is raised here.
    """
    if not isinstance(data, Mapping):
        raise CountingError("the scenario must be a JSON object with branches and affiliates")
    rules = data.get("rules")
    if rules is None:
        rules = DEFAULT_RULES
    options = data.get("options")
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise CountingError("options must be a JSON object of option names and values")
    branches = []
    raw_branches = data.get("branches") or []
    if not isinstance(raw_branches, list):
        raise CountingError("branches must be a list")
    for position, item in enumerate(raw_branches, start=1):
        if not isinstance(item, Mapping):
            raise CountingError(f"branch {position} must be an object, not {item!r}")
        _check_name(item.get("name"), "branch", position)
        branches.append(
            Branch(
                name=item["name"],
                reselect=item.get("reselect"),
                open=item.get("open"),
                outcome=item.get("outcome"),
            )
        )
    affiliates = []
    raw_affiliates = data.get("affiliates") or []
    if not isinstance(raw_affiliates, list):
        raise CountingError("affiliates must be a list")
    for position, item in enumerate(raw_affiliates, start=1):
        if not isinstance(item, Mapping):
            raise CountingError(f"affiliate {position} must be an object, not {item!r}")
        _check_name(item.get("name"), "affiliate", position)
        if "vote" not in item:
            raise CountingError(f'affiliate {item["name"]!r} gives no vote (use "none" if it did not vote)')
        affiliates.append(Affiliate(name=item["name"], vote=item["vote"], members=item.get("members")))
    scenario = Scenario(branches=tuple(branches), affiliates=tuple(affiliates), rules=rules, options=options)
    if check:
        validate_scenario(scenario)
    return scenario


def scenario_to_dict(scenario: Scenario) -> dict:
    """The inverse of :func:`scenario_from_dict`."""
    branches = []
    for branch in scenario.branches:
        item: dict[str, Any] = {"name": branch.name}
        if branch.reselect is not None:
            item["reselect"] = branch.reselect
            item["open"] = branch.open
        if branch.outcome is not None:
            item["outcome"] = branch.outcome
        branches.append(item)
    affiliates = []
    for affiliate in scenario.affiliates:
        item = {"name": affiliate.name, "vote": affiliate.vote}
        if affiliate.members is not None:
            item["members"] = affiliate.members
        affiliates.append(item)
    return {
        "rules": scenario.rules,
        "options": dict(scenario.options),
        "branches": branches,
        "affiliates": affiliates,
    }
