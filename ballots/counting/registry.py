"""The registry of rule sets, and counting a scenario under one of them.

A :class:`RuleSet` is one object holding everything a way of counting means: its options,
its decision (on :class:`~ballots.counting.counts.Counts`, in integers), its exact count
with explanation, its words and its chart. The rule sets themselves live in
``counting/rules/``, one module each; this module only keeps them and dispatches to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from ballots.counting.counts import Counts
from ballots.counting.results import Result, Threshold
from ballots.counting.scenario import AFFILIATES, MEMBERS, TIE_OPTIONS, CountingError, Scenario, check_option_types

# The exact count: (scenario, applied options, rule set, ignored options) -> Result.
Counter = Callable[[Scenario, dict[str, str], "RuleSet", dict[str, str]], Result]
# A decision or share on Counts: ints give a bool (an int pair), int64 arrays a bool array (a pair of arrays).
Decide = Callable[[Counts, Mapping[str, str]], Any]
Share = Callable[[Counts, Mapping[str, str]], tuple[Any, Any]]
CHARTS = ("pooled", "per_section")


@dataclass(frozen=True)
class Option:
    """A setting of a rule set: its name, the values allowed, the default and their words."""

    name: str
    choices: tuple[str, ...]
    default: str
    description: str = ""
    label: str = ""  # plain words, e.g. "How members are counted"
    choice_labels: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.default not in self.choices:
            raise CountingError(f"option {self.name!r}: default {self.default!r} is not a choice")
        object.__setattr__(self, "choice_labels", MappingProxyType(dict(self.choice_labels)))
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())

    def choice_label(self, value: str) -> str:
        """The words for one choice, e.g. "Each branch one unit" (the value itself if none given)."""
        return self.choice_labels.get(value, value)


@dataclass(frozen=True, kw_only=True)
class RuleSet:
    """A named way of counting, with everything it means (see ``docs/counting.md``).

    ``decide`` and ``forecast_share`` take :class:`Counts` of ints or of int64 arrays and use
    integer arithmetic only, so the exact count and the simulator share them. ``counter`` is
    the exact count with its sections, contributions and explanation.
    """

    name: str  # the identifier, shown in JSON and CSV; readers see the title
    title: str
    description: str
    options: tuple[Option, ...]
    sections: tuple[str, ...]
    threshold: Threshold
    chart: str  # "pooled": one bar of the pool stacked by section; "per_section": a bar per section
    share_label: str  # what a forecast's histogram shows
    decide: Decide = field(repr=False)
    forecast_share: Share = field(repr=False)
    counter: Counter = field(repr=False)
    pool_label: str | None = None  # what the open share is of; None when no overall share decides
    describe: Callable[[Mapping[str, str]], str] | None = field(default=None, repr=False)
    weighted_affiliate: Callable[[Counts, Mapping[str, str]], Fraction | None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.chart not in CHARTS:
            raise CountingError(f"rule set {self.name!r}: chart is one of {', '.join(CHARTS)}, not {self.chart!r}")
        unknown = [s for s in self.sections if s not in (MEMBERS, AFFILIATES)]
        if unknown or not self.sections:
            raise CountingError(f"rule set {self.name!r}: sections are members and/or affiliates, not {unknown}")
        if self.chart == "pooled" and not self.pool_label:
            raise CountingError(f"rule set {self.name!r}: a pooled chart needs a pool_label")

    def option(self, name: str) -> Option | None:
        for option in self.options:
            if option.name == name:
                return option
        return None

    def count(self, scenario: Scenario, options: dict[str, str], ignored: dict[str, str]) -> Result:
        """The exact count under already resolved options (use :func:`count` from outside)."""
        return self.counter(scenario, options, self, ignored)

    def describe_options(self, options: Mapping[str, str]) -> str:
        """The applied options in plain words, e.g. "How members are counted: each branch one unit; how ..."."""
        if self.describe is not None:
            return self.describe(options)
        parts = [
            f"{option.label[:1].lower()}{option.label[1:]}: {option.choice_label(options[option.name]).lower()}"
            for option in self.options
            if option.name in options
        ]
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]

    def weighted_affiliate_threshold(self, counts: Counts, options: Mapping[str, str]) -> Fraction | None:
        """The open fraction of affiliated membership the affiliates must exceed, members as they are.

        ``None`` when affiliates are not weighted under these options, or the rule set has no
        such linear form (the flip search then searches exhaustively).
        """
        return None if self.weighted_affiliate is None else self.weighted_affiliate(counts, options)

    def resolve_options(self, *layers: Mapping[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
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
_resolved_cache: dict[tuple[Any, ...], tuple[dict[str, str], dict[str, str]]] = {}


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


def get_rule_set(name: str) -> RuleSet:
    try:
        return RULE_SETS[name]
    except (KeyError, TypeError):
        raise CountingError(f"unknown rule set {name!r}; known rule sets: {', '.join(RULE_SETS)}") from None


def rule_set_choices() -> list[tuple[str, str]]:
    """(name, title) of every registered rule set, in registration order: for choice fields."""
    return [(rule_set.name, rule_set.title) for rule_set in RULE_SETS.values()]


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


def count(
    scenario: Scenario | Mapping[str, Any],
    rules: str | None = None,
    options: Mapping[str, str] | None = None,
) -> Result:
    """Count a scenario; ``rules`` and ``options`` override the scenario's own.

    Raises :class:`CountingError` for an unknown rule set or option, or input that the
    rule set cannot count (e.g. a branch given by outcome under ``individual``).
    """
    if not isinstance(scenario, Scenario):
        if isinstance(scenario, Mapping):
            from ballots.counting.scenario import scenario_from_dict

            scenario = scenario_from_dict(scenario, check=False)
        else:
            raise CountingError(f"count() needs a Scenario, not {type(scenario).__name__}")
    rule_set = get_rule_set(scenario.rules if rules is None else rules)
    base = scenario.options
    if options:
        if not isinstance(options, Mapping):
            raise CountingError(f"options must be a mapping of names to values, not {options!r}")
        check_option_types(options)
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
    return rule_set.count(scenario, dict(applied), dict(ignored))


def validate_scenario(scenario: Scenario, rules: str | None = None, options: Mapping[str, str] | None = None) -> None:
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
