"""``manage.py whatif FILE|- [--rules R] [--json]``: count a scenario of tallies.

Bad input (an unreadable file, invalid JSON, a scenario the engine rejects, an unknown
rule set) ends with exit status 2 and a one-line message on standard error, never a
traceback: Django's ``CommandError`` would exit 1, so the command exits itself.
"""

import json
import textwrap

from ballots.counting import (
    RULE_SETS,
    CountingError,
    Result,
    count,
    format_percent,
    get_rule_set,
    scenario_from_dict,
)
from ballots.management.scenario_input import BadInput, ScenarioFileCommand


class Command(ScenarioFileCommand):
    help = (
        "Count a scenario of tallies (JSON, see DESIGN.md) and say whether it means "
        "reselection or an open selection. Exit status 2 on bad input."
    )
    command_name = "whatif"
    # A pure calculation: it touches no model, URL or template, so a problem elsewhere in
    # the project (reported by `manage.py check`) should not stop a secretary counting.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="scenario JSON file, or - to read standard input")
        parser.add_argument(
            "--rules",
            metavar="R",
            help=f"rule set to count under, overriding the scenario's ({', '.join(RULE_SETS)})",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")

    def handle(self, *args, **options):
        try:
            result = self._count(options)
        except BadInput as error:
            self.fail(str(error))
        except CountingError as error:
            self.fail(f"invalid scenario: {error}")
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render_table(result))

    def _count(self, options) -> Result:
        rules = options.get("rules")
        if rules is not None:
            try:
                get_rule_set(rules)
            except CountingError as error:
                raise BadInput(f"--rules: {error}") from None
        data = self.read_json_object(options["file"], options.get("stdin"), "a scenario")
        # Checked under the rule set that will count it, not the one the file names.
        scenario = scenario_from_dict(data, check=False)
        return count(scenario, rules=rules)


def _cell(value) -> str:
    return "-" if value is None else str(value)


def _grid(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(row):
        cells = [row[i].rjust(widths[i]) if i in right else row[i].ljust(widths[i]) for i in range(len(row))]
        return "  ".join(cells).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(row) for row in rows)]


def _units(value) -> str:
    return str(int(value)) if value.denominator == 1 else f"{float(value):g}"


def render_table(result: Result) -> str:
    """The readable report: rules, sections, each unit's contribution, outcome, explanation."""
    rule_set = result.rule_set
    lines = [f"Rule set: {result.rules} ({rule_set.title}). {rule_set.description}"]
    if result.options:
        lines.append("Options:  " + ", ".join(f"{k}={v}" for k, v in result.options.items()))
    if result.ignored_options:
        ignored = ", ".join(f"{k}={v}" for k, v in result.ignored_options.items())
        lines.append(f"Not applied under {result.rules}: {ignored}")
    lines.append("")

    threshold = result.threshold
    # A rule set that judges each section on its own says for each whether it reached the threshold.
    judged_separately = any(section.triggered is not None for section in result.sections)
    headers = ["Section", "Weight", "Units", "Reselect", "Open", "Tied", "Excluded", "Open fraction"]
    bar = f"{threshold.value.numerator}/{threshold.value.denominator}"
    headers.append(f"Reaches {bar}" if judged_separately else "Open share")
    rows = []
    for section in result.sections:
        row = [
            section.name,
            format_percent(section.weight),
            str(section.units),
            _units(section.units_reselect),
            _units(section.units_open),
            str(section.tied),
            str(section.excluded),
            format_percent(section.open_fraction),
        ]
        if judged_separately:
            row.append("yes" if section.triggered else "no")
        else:
            row.append(format_percent(section.open_share))
        rows.append(row)
    lines += _grid(headers, rows, right=set(range(1, len(headers))))
    lines.append("")

    if result.contributions:
        rows = [[c.name, c.section, c.side, format_percent(c.weight), c.note] for c in result.contributions]
        lines += _grid(["Unit", "Section", "Side", "Weight", "Note"], rows, right={3})
        lines.append("")

    if result.open_share is not None:
        exact = f" ({result.open_share.numerator}/{result.open_share.denominator})"
        lines.append(f"Open share: {format_percent(result.open_share)}{exact}")
    value = format_percent(threshold.value)
    if (threshold.value * 100).denominator != 1:
        value += f" ({threshold.value.numerator}/{threshold.value.denominator})"
    lines.append(f"Threshold:  {threshold.test} {value} of {threshold.applies_to}")
    if result.no_valid_votes:
        lines.append("No valid votes were cast.")
    lines.append(f"Outcome:    {'OPEN SELECTION' if result.open_selection else 'RESELECTED'}")
    lines.append("")
    lines.append(textwrap.fill(result.explanation, width=88))
    return "\n".join(lines)
