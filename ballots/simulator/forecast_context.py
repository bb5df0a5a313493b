"""What the forecast page shows of a result: the headline and its words, the assumptions with
their sources, the charts and the table of every rule set and tie option."""

from __future__ import annotations

from ballots import counting
from ballots.simulator.assumptions import Origin, forecast_assumptions
from ballots.simulator.charts import histogram_description, histogram_svg, pivotal_ranking, pivotal_svg, share_label
from ballots.simulator.forecast_words import forecast_words


def tie_words(rule_set: counting.RuleSet, options) -> str:
    """How the rule set counted a tied branch, in words ("" if it has no such option)."""
    option = rule_set.option("tied_branch")
    return "" if option is None else option.choice_label(options.get("tied_branch", option.default))


def forecast_context(result, data: dict, origin: Origin) -> dict:
    rows = forecast_rows(result)
    return {
        "result": result,
        "words": forecast_words(result),
        "assumptions": forecast_assumptions(data, origin),
        "histogram": histogram_svg(result),
        "histogram_text": histogram_description(result),
        "share_label": share_label(result),
        "histogram_rows": [
            (100 * low, 100 * high, k, 100 * k / result.trials) for low, high, k in result.histogram_bins()
        ],
        "pivotal_chart": pivotal_svg(result),
        "pivotal_rows": [(kind, name, 100 * p) for kind, name, p in pivotal_ranking(result)],
        "rule_rows": rows,
        "main_row": next(row for row in rows if row["main"]),
        "rules_title": counting.get_rule_set(result.rules).title,
    }


def forecast_rows(result) -> list[dict]:
    """One row per rule set with the scenario's options, then one per other way of counting a tie."""
    rows = []
    main = counting.get_rule_set(result.rules)
    for name, rf in result.by_rules.items():
        rule_set = counting.get_rule_set(name)
        tie_option = rule_set.option("tied_branch")
        rows.append(
            {
                "rules": name,
                "title": rule_set.title,
                "tie": tie_words(rule_set, rf.options),
                "main": rule_set is main,
                "p": 100 * rf.p_open_selection,
                "low": 100 * rf.ci95[0],
                "high": 100 * rf.ci95[1],
                "vectorised": rf.vectorised,
                "first": True,
            }
        )
        for tie, p, (low, high) in rf.tie_rows():
            if tie != rf.options.get("tied_branch"):
                rows.append(
                    {
                        "rules": name,
                        "title": rule_set.title,
                        "tie": tie_option.choice_label(tie) if tie_option else tie,
                        "main": False,
                        "p": 100 * p,
                        "low": 100 * low,
                        "high": 100 * high,
                        "first": False,
                    }
                )
    return rows
