"""A ballot's settings: the fields an officer sets, the rule sets offered, and the checks on them."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from ballots import counting
from ballots.models import TriggerBallot

BALLOT_FIELDS = (
    "sitting_mp",
    "rules",
    "member_counting",
    "affiliate_counting",
    "tied_branch",
    "freeze_date",
    "min_membership_months",
    "arrears_allowed",
    "affiliate_min_days",
    "opens_at",
    "closes_at",
)
OPTION_FIELDS = ("member_counting", "affiliate_counting", "tied_branch")


def rule_set_names() -> tuple[str, ...]:
    """The identifiers of the registered rule sets, in registration order."""
    return tuple(counting.RULE_SETS)


def rule_set_descriptions() -> dict[str, str]:
    """Each registered rule set's description, by identifier."""
    return {name: rule_set.description for name, rule_set in counting.RULE_SETS.items()}


def ballot_settings_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    """Problems with a ballot's settings, by field name ('__all__' for the whole form)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    opens_at, closes_at = values.get("opens_at"), values.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        add("closes_at", "The closing time must be after the opening time.")
    freeze_date = values.get("freeze_date")
    if freeze_date and opens_at and freeze_date > timezone.localtime(opens_at).date():
        add("freeze_date", "The freeze date cannot be after the day the ballot opens.")
    rules = values.get("rules")
    if rules is not None:
        if rules not in counting.RULE_SETS:
            titles = "; ".join(title for _name, title in counting.rule_set_choices())
            add("rules", f"Choose one of the rule sets: {titles}.")
        else:
            options = {key: values[key] for key in OPTION_FIELDS if values.get(key) is not None}
            try:
                counting.get_rule_set(rules).resolve_options(options)
            except counting.CountingError as error:
                add("__all__", f"These options do not fit the rule set: {error}.")
    for name in ("min_membership_months", "affiliate_min_days"):
        value = values.get(name)
        if value is not None and value < 0:
            add(name, "This cannot be negative.")
    return errors


def ballot_settings_check(values: dict[str, Any]) -> None:
    """Raise ValidationError (by field) when the settings do not fit together."""
    errors = ballot_settings_errors(values)
    if errors:
        raise ValidationError(errors)


def ballot_settings_detail(ballot: TriggerBallot) -> dict[str, Any]:
    """The ballot's settings as JSON-ready values, for the audit log."""
    detail: dict[str, Any] = {}
    for name in BALLOT_FIELDS:
        value = getattr(ballot, name)
        detail[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return detail
