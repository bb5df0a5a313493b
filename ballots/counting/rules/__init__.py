"""The rule sets, one module each, registered here in the order readers see them.

To add a rule set: write one module beside these (its options, its decision on
:class:`~ballots.counting.counts.Counts`, its exact count and explanation, its words and
chart) ending in ``RULE_SET = RuleSet(...)``, and register it below. Nothing else in the
project names a rule set.
"""

from __future__ import annotations

from ballots.counting.registry import register_rule_set
from ballots.counting.rules import labour_2018, labour_2021, labour_pre_2018

for _module in (labour_2021, labour_2018, labour_pre_2018):
    register_rule_set(_module.RULE_SET)

# The rule set a scenario or a ballot uses when it names none.
DEFAULT_RULES = labour_2021.RULE_SET.name

__all__ = ["DEFAULT_RULES"]
