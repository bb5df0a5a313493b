"""The counting engine: decide reselection or open selection from the votes cast.

Pure Python (standard library only) so that the ballots, the results pages, the
``whatif`` command and the simulator all count the same way. The rules are described in
``RULES.md``; ``docs/counting.md`` gives the layout and how to add a rule set.

* :mod:`.scenario`: branches, affiliates, the scenario and its JSON; the vote words.
* :mod:`.counts`: :class:`Counts`, the integer tallies every decision reads, and
  :func:`branch_units`, the one place a tie option is applied.
* :mod:`.results`: :class:`Result`, its sections and contributions, :class:`Threshold`.
* :mod:`.formatting`: :func:`format_percent` and :func:`percent_number`.
* :mod:`.phrases`: :class:`~.phrases.Phrase`, an explanation's words kept as message ids
  with their figures, so ``Result.explanation_in`` can give them in Welsh as in English.
* :mod:`.registry`: :class:`Option`, :class:`RuleSet`, the registry, :func:`count`.
* :mod:`.rules`: one module per rule set, each holding everything that rule set means.

Choices made here, where the rules leave room:

* **Exact arithmetic.** Every share is a :class:`fractions.Fraction`; a figure is
  rounded only when it is shown (:func:`format_percent`, ``Result.to_dict``).
* **Options "as applied".** ``Result.options`` lists every option that the rule set
  defines, with defaults filled in, and nothing else. An option that another registered
  rule set defines is accepted, checked, and reported in ``Result.ignored_options``
  (``options_not_applied`` in JSON); an option no rule set defines is an error.
* **Input.** A branch gives both of its counts, or only its outcome, or both when they
  agree. A branch whose counts are 0-0 cast no votes and is never a unit. An affiliate's
  vote is ``reselect``, ``open``, ``abstain`` or ``none`` (did not vote); only the
  first two make it a unit. Under weighted affiliates a voting affiliate must give its
  affiliated membership; one with none (0) carries no weight and is not a unit. Names
  must be unique within their section, ignoring case and surrounding spaces. Unknown
  keys in scenario JSON are ignored (``simulate`` adds its own).
* **Shares.** ``open_share``/``reselect_share`` are fractions of the rule set's pool
  (``RuleSet.pool_label``); a rule set that judges each section on its own fraction has
  none (``None``). With no valid votes at all they are ``None`` and the MP is reselected.
"""

from __future__ import annotations

from ballots.counting.counts import Counts, branch_units, counts_from_scenario
from ballots.counting.formatting import format_percent, percent_number
from ballots.counting.registry import (
    RULE_SETS,
    Option,
    RuleSet,
    compare_rules,
    count,
    get_rule_set,
    register_rule_set,
    rule_set_choices,
    unregister_rule_set,
    validate_scenario,
)
from ballots.counting.results import Contribution, Result, SectionResult, Threshold
from ballots.counting.rules import DEFAULT_RULES
from ballots.counting.scenario import (
    ABSTAIN,
    AFFILIATE_VOTES,
    AFFILIATES,
    BRANCH_OUTCOMES,
    MEMBERS,
    NONE,
    OPEN,
    OUTCOME_OPEN_SELECTION,
    OUTCOME_RESELECTED,
    RESELECT,
    TIE_OPTIONS,
    TIED,
    Affiliate,
    Branch,
    CountingError,
    Scenario,
    scenario_from_dict,
    scenario_to_dict,
)

__all__ = [
    "ABSTAIN",
    "AFFILIATES",
    "AFFILIATE_VOTES",
    "BRANCH_OUTCOMES",
    "DEFAULT_RULES",
    "MEMBERS",
    "NONE",
    "OPEN",
    "OUTCOME_OPEN_SELECTION",
    "OUTCOME_RESELECTED",
    "RESELECT",
    "RULE_SETS",
    "TIED",
    "TIE_OPTIONS",
    "Affiliate",
    "Branch",
    "Contribution",
    "CountingError",
    "Counts",
    "Option",
    "Result",
    "RuleSet",
    "Scenario",
    "SectionResult",
    "Threshold",
    "branch_units",
    "compare_rules",
    "count",
    "counts_from_scenario",
    "format_percent",
    "get_rule_set",
    "percent_number",
    "register_rule_set",
    "rule_set_choices",
    "scenario_from_dict",
    "scenario_to_dict",
    "unregister_rule_set",
    "validate_scenario",
]
