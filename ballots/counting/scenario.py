"""What was voted: branches, affiliates and the scenario that holds them, and its JSON.

The vote and outcome words, the section names and :class:`CountingError` live here too,
since everything else in the package builds on them. A scenario is checked as it is
built (names, counts, outcomes); whether a rule set can count it is for the rule set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


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

# How a tied branch may count: not a unit, half each way, or wholly for one side.
TIE_OPTIONS = ("exclude", "split", "reselect", "open")

# The two sections a rule set may count.
MEMBERS = "members"
AFFILIATES = "affiliates"


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


def result_from_counts(reselect: int, open_: int) -> str:
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
            if reselect is not None and open_ is not None and result_from_counts(reselect, open_) != self.outcome:
                raise CountingError(
                    f"{label}: outcome {self.outcome!r} does not match its counts ({reselect} reselect, {open_} open)"
                )

    @property
    def has_counts(self) -> bool:
        return self.reselect is not None

    @property
    def result(self) -> str:
        """``reselect``, ``open``, ``tied``, or ``none`` for a branch that cast no votes."""
        if self.reselect is None or self.open is None:
            return self.outcome or NONE
        return result_from_counts(self.reselect, self.open)


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
    # Given as None (or left out), the default rule set: always a name once built.
    rules: str = None  # type: ignore[assignment]
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
        rules = default_rules() if self.rules is None else self.rules
        if not isinstance(rules, str):
            raise CountingError(f"the rule set must be named by a string, not {rules!r}")
        options = {} if self.options is None else self.options
        if not isinstance(options, Mapping):
            raise CountingError(f"options must be a mapping of names to values, not {options!r}")
        check_option_types(options)
        object.__setattr__(self, "branches", branches)
        object.__setattr__(self, "affiliates", affiliates)
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "options", MappingProxyType(dict(options)))


def default_rules() -> str:
    """The name of the default rule set (``counting.rules.DEFAULT_RULES``)."""
    from ballots.counting.rules import DEFAULT_RULES  # imported late: the rules import this module

    return DEFAULT_RULES


def check_option_types(options: Mapping[Any, Any]) -> None:
    for key, value in options.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise CountingError(f"option {key!r}: names and values must be strings, not {value!r}")


def scenario_from_dict(data: Any, *, check: bool = True) -> Scenario:
    """Build a scenario from DESIGN.md's scenario JSON (already parsed).

    With ``check`` (the default) the scenario is also counted once under its own rules,
    so that every error the count would raise is raised here.
    """
    if not isinstance(data, Mapping):
        raise CountingError("the scenario must be a JSON object with branches and affiliates")
    rules = data.get("rules")
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
    scenario = Scenario(
        branches=tuple(branches),
        affiliates=tuple(affiliates),
        rules=default_rules() if rules is None else rules,
        options=options,
    )
    if check:
        from ballots.counting.registry import validate_scenario  # the registry imports this module

        validate_scenario(scenario)
    return scenario


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
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
