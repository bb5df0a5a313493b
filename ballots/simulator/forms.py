"""Forms of the simulator pages: a what-if scenario and a forecast scenario, row by row.

Each page has a settings form (rule set and options) and two formsets (branches,
affiliates). Blank rows are ignored. :func:`whatif_scenario` and :func:`forecast_scenario`
build what the engine counts and put any error the engine raises next to the row it names.
"""

from __future__ import annotations

import re

from django import forms
from django.forms import BaseFormSet, formset_factory

from ballots import counting, simulation
from ballots.simulator.limits import MAX_ROWS

MAX_WEB_TRIALS = 200_000
NAME_MAX = 120


def _options_by_name() -> dict[str, list[counting.Option]]:
    """Every option a registered rule set has, by name, in the order they first appear."""
    by_name: dict[str, list[counting.Option]] = {}
    for rule_set in counting.RULE_SETS.values():
        for option in rule_set.options:
            by_name.setdefault(option.name, []).append(option)
    return by_name


def _option_field(name: str, options: list[counting.Option]) -> forms.ChoiceField:
    """One select for an option, with the choices and words of every rule set that has it."""
    choices: dict[str, str] = {}
    for option in options:
        for choice in option.choices:
            choices.setdefault(choice, option.choice_label(choice))
    users = [rs.title for rs in counting.RULE_SETS.values() if rs.option(name) is not None]
    every = len(users) == len(counting.RULE_SETS)
    return forms.ChoiceField(
        label=options[0].label,
        choices=list(choices.items()),
        required=False,  # a rule set without this option ignores it; blank means its default
        initial=options[0].default,
        help_text="" if every else "Only under " + "; ".join(users) + ".",
    )


class SettingsForm(forms.Form):
    """The rule set and one select per option; which options there are is the registry's to say."""

    rules = forms.ChoiceField(label="Rule set", choices=counting.rule_set_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = {name: _option_field(name, found) for name, found in _options_by_name().items()}
        later = {name: field for name, field in self.fields.items() if name != "rules"}
        self.fields = {"rules": self.fields["rules"], **options, **later}
        self.option_names = list(options)

    def options(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.option_names if self.cleaned_data.get(name)}

    @staticmethod
    def initial_from(rules: str, options: dict) -> dict:
        applied = {name: found[0].default for name, found in _options_by_name().items()}
        applied.update({k: v for k, v in (options or {}).items() if k in applied})
        return {"rules": rules or counting.DEFAULT_RULES, **applied}


class _RowForm(forms.Form):
    """A row whose name is required only when anything else in it is filled in."""

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(f) not in (None, "") for f in self.fields if f != "DELETE")

    def clean(self):
        data = super().clean()
        if not (data.get("name") or "").strip() and not self.is_blank():
            self.add_error("name", "Give this row a name, or clear it.")
        return data


class BranchForm(_RowForm):
    name = forms.CharField(label="Ward branch", required=False, max_length=NAME_MAX)
    reselect = forms.IntegerField(label="Reselect votes", required=False, min_value=0, max_value=1_000_000)
    open = forms.IntegerField(label="Open votes", required=False, min_value=0, max_value=1_000_000)
    outcome = forms.ChoiceField(
        label="Or only its outcome",
        required=False,
        choices=[("", "(from the counts)"), ("reselect", "Reselect"), ("open", "Open"), ("tied", "Tied")],
    )


class AffiliateForm(_RowForm):
    name = forms.CharField(label="Affiliate", required=False, max_length=NAME_MAX)
    vote = forms.ChoiceField(
        label="Vote",
        required=False,
        choices=[("reselect", "Reselect"), ("open", "Open"), ("abstain", "Abstain"), ("none", "Did not vote")],
    )
    members = forms.IntegerField(label="Affiliated members", required=False, min_value=0, max_value=10_000_000)

    def is_blank(self) -> bool:
        # The vote select always has a value; a row is blank without a name or members.
        return not (self.cleaned_data.get("name") or "").strip() and self.cleaned_data.get("members") is None


def _percent(label, required=True, initial=None):
    return forms.FloatField(label=label, required=required, min_value=0, max_value=100, initial=initial)


class ForecastSettingsForm(SettingsForm):
    trials = forms.IntegerField(
        label="Trials",
        min_value=100,
        max_value=MAX_WEB_TRIALS,
        initial=10_000,
        help_text=f"From 100 to {MAX_WEB_TRIALS:,}.",
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="The same seed gives the same figures; leave blank for a random one.",
    )


class ForecastBranchForm(_RowForm):
    name = forms.CharField(label="Ward branch", required=False, max_length=NAME_MAX)
    members = forms.IntegerField(label="Eligible members", required=False, min_value=0, max_value=1_000_000)
    turnout = _percent("Turnout %", required=False)
    turnout_sd = _percent("Turnout uncertainty (sd, points)", required=False)
    support = _percent("Support for reselection %", required=False)
    support_sd = _percent("Support uncertainty (sd, points)", required=False)

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            for field in ("members", "turnout", "support"):
                if data.get(field) is None and field not in self.errors:
                    self.add_error(field, "Required.")
        return data


class ForecastAffiliateForm(_RowForm):
    name = forms.CharField(label="Affiliate", required=False, max_length=NAME_MAX)
    p_reselect = _percent("Chance of reselect %", required=False)
    p_open = _percent("Chance of open %", required=False)
    p_abstain = _percent("Chance of abstaining %", required=False)
    members = forms.IntegerField(label="Affiliated members", required=False, min_value=0, max_value=10_000_000)


def _formset(form, words: str):
    """Rows of ``form``, at most MAX_ROWS of them, refusing more in plain words."""

    class Rows(BaseFormSet):
        default_error_messages = {
            **BaseFormSet.default_error_messages,
            "too_many_forms": f"A scenario holds at most {MAX_ROWS:,} {words}: remove some rows.",
        }

    return formset_factory(
        form,
        formset=Rows,
        extra=0,
        can_delete=True,
        max_num=MAX_ROWS,
        validate_max=True,
        absolute_max=MAX_ROWS + 50,
    )


BranchFormSet = _formset(BranchForm, "ward branches")
AffiliateFormSet = _formset(AffiliateForm, "affiliates")
ForecastBranchFormSet = _formset(ForecastBranchForm, "ward branches")
ForecastAffiliateFormSet = _formset(ForecastAffiliateForm, "affiliates")


def live_rows(formset) -> list:
    """The forms of a valid formset that are neither blank nor marked for removal."""
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE") and not f.is_blank()]


def raw_rows(formset) -> list[dict]:
    """Every row as submitted (valid or not), for re-showing the formset with more rows."""
    rows = []
    for form in formset.forms:
        if form.is_bound and form.prefix and form.data.get(f"{form.prefix}-DELETE"):
            continue
        rows.append({name: form[name].value() for name in form.fields if name != "DELETE"})
    return rows


_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")


def attach_error(message: str, branch_forms: list, affiliate_forms: list, fallback: list[str]) -> None:
    """Put an engine error next to the row it names (by quoted name), else in ``fallback``."""
    names = [a or b for a, b in _QUOTED.findall(message)]
    lowered = message.lower()
    pools = [branch_forms, affiliate_forms]
    if lowered.startswith("affiliate") or "duplicate affiliate" in lowered:
        pools.reverse()
    for name in names:
        for pool in pools:
            key = name.strip().casefold()
            matches = [f for f in pool if (f.cleaned_data.get("name") or "").strip().casefold() == key]
            if matches:
                matches[-1].add_error(None, message)
                return
    fallback.append(message)


def whatif_scenario(settings_form, branches, affiliates, errors: list[str]) -> counting.Scenario | None:
    """The scenario the forms describe, or None with errors on the rows (and in ``errors``)."""
    if not (settings_form.is_valid() and branches.is_valid() and affiliates.is_valid()):
        return None
    branch_forms, affiliate_forms = live_rows(branches), live_rows(affiliates)
    built_branches, built_affiliates = [], []
    for form in branch_forms:
        d = form.cleaned_data
        try:
            built_branches.append(
                counting.Branch(
                    name=d["name"].strip(),
                    reselect=d.get("reselect"),
                    open=d.get("open"),
                    outcome=d.get("outcome") or None,
                )
            )
        except counting.CountingError as error:
            form.add_error(None, str(error))
    for form in affiliate_forms:
        d = form.cleaned_data
        try:
            built_affiliates.append(
                counting.Affiliate(name=d["name"].strip(), vote=d.get("vote") or "none", members=d.get("members"))
            )
        except counting.CountingError as error:
            form.add_error(None, str(error))
    if any(f.errors for f in branch_forms + affiliate_forms):
        return None
    try:
        scenario = counting.Scenario(
            branches=tuple(built_branches),
            affiliates=tuple(built_affiliates),
            rules=settings_form.cleaned_data["rules"],
            options=settings_form.options(),
        )
        counting.count(scenario)
    except counting.CountingError as error:
        attach_error(str(error), branch_forms, affiliate_forms, errors)
        return None
    return scenario


def whatif_initial(scenario: counting.Scenario) -> tuple[dict, list[dict], list[dict]]:
    branches = [
        {"name": b.name, "reselect": b.reselect, "open": b.open, "outcome": b.outcome or ""} for b in scenario.branches
    ]
    affiliates = [{"name": a.name, "vote": a.vote, "members": a.members} for a in scenario.affiliates]
    return SettingsForm.initial_from(scenario.rules, dict(scenario.options)), branches, affiliates


def _fraction(value):
    return None if value is None else round(value / 100, 10)


def forecast_data(settings_form, branches, affiliates, errors: list[str]) -> dict | None:
    """The forecast scenario JSON the forms describe, checked by the engine, or None."""
    if not (settings_form.is_valid() and branches.is_valid() and affiliates.is_valid()):
        return None
    branch_forms, affiliate_forms = live_rows(branches), live_rows(affiliates)
    data = {
        "rules": settings_form.cleaned_data["rules"],
        "options": settings_form.options(),
        "branches": [],
        "affiliates": [],
    }
    for form in branch_forms:
        d = form.cleaned_data
        data["branches"].append(
            {
                "name": d["name"].strip(),
                "members": d["members"],
                "turnout": {"mean": _fraction(d["turnout"]), "sd": _fraction(d.get("turnout_sd") or 0)},
                "support": {"mean": _fraction(d["support"]), "sd": _fraction(d.get("support_sd") or 0)},
            }
        )
    for form in affiliate_forms:
        d = form.cleaned_data
        p = [d.get(k) or 0 for k in ("p_reselect", "p_open", "p_abstain")]
        # Within a hundredth of a point (thirds typed as 33.33), then scaled to sum to 1 exactly.
        if abs(sum(p) - 100) > 0.01:
            form.add_error(None, f"The three chances must add up to 100% (they add up to {sum(p):g}%).")
            continue
        total = sum(p)
        p_reselect, p_open = round(p[0] / total, 10), round(p[1] / total, 10)
        item = {
            "name": d["name"].strip(),
            "p_reselect": p_reselect,
            "p_open": p_open,
            "p_abstain": max(0.0, round(1 - p_reselect - p_open, 10)),
        }
        if d.get("members") is not None:
            item["members"] = d["members"]
        data["affiliates"].append(item)
    if any(f.errors for f in affiliate_forms):
        return None
    try:
        simulation.forecast_from_dict(data)
    except counting.CountingError as error:
        attach_error(str(error), branch_forms, affiliate_forms, errors)
        return None
    return data


def _pc(value):
    return None if value is None else round(100 * value, 4)


def forecast_initial(data: dict) -> tuple[dict, list[dict], list[dict]]:
    """Form initial values from a (checked) forecast scenario JSON."""
    fs = simulation.forecast_from_dict(data)
    branches = []
    for b in fs.branches:
        if b.known:
            raise counting.CountingError(
                f"branch {b.name!r} gives known counts; the forecast page takes only members, turnout and support"
            )
        branches.append(
            {
                "name": b.name,
                "members": b.members,
                "turnout": _pc(b.turnout.mean),
                "turnout_sd": _pc(b.turnout.sd),
                "support": _pc(b.support.mean),
                "support_sd": _pc(b.support.sd),
            }
        )
    affiliates = []
    for a in fs.affiliates:
        p = a.p or tuple(float(a.vote == v) for v in ("reselect", "open", "abstain"))
        p_reselect, p_open = _pc(p[0]), _pc(p[1])
        p_abstain = round(100 - p_reselect - p_open, 4) if p[2] else 0.0
        affiliates.append(
            {"name": a.name, "p_reselect": p_reselect, "p_open": p_open, "p_abstain": p_abstain, "members": a.members}
        )
    return SettingsForm.initial_from(fs.rules, dict(fs.options)), branches, affiliates
