"""A ballot's settings: the fields an officer sets, the rule sets offered, and the checks on them.

The channels (how members vote: online, by post or on paper, at branch meetings) are settings
like the others, changed only while the ballot is a draft (ballot_update refuses otherwise).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from ballots import counting
from ballots.models import TriggerBallot, VoteChannel
from ballots.officer.audit_words_channels import CHANNEL_WORDS
from ballots.officer.services.letter_pdf import uk_time

# How members vote: a switch per channel, and the two channels that may close before the ballot.
CHANNEL_SWITCHES = {"online": "online_voting", "paper": "paper_voting", "meeting": "meeting_voting"}
CHANNEL_CLOSING_FIELDS = {"paper": "paper_closes_at", "meeting": "meeting_closes_at"}
CHANNEL_FIELDS = (*CHANNEL_SWITCHES.values(), *CHANNEL_CLOSING_FIELDS.values())
# A field left out of the values is the model's default: online voting on, the others off.
_SWITCH_DEFAULTS = {name: getattr(TriggerBallot(), name) for name in CHANNEL_SWITCHES.values()}

BALLOT_FIELDS = (
    "sitting_mp",
    "bilingual",
    "question_en",
    "question_cy",
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
    *CHANNEL_FIELDS,
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
    _channel_errors(values, add)
    if (values.get("question_cy") or "").strip() and not values.get("bilingual"):
        add("question_cy", "Tick “Welsh and English” to give the question in Welsh, or leave this empty.")
    return errors


def _channel_errors(values: dict[str, Any], add: Callable[[str, str], None]) -> None:
    """At least one channel; a channel's own closing time only if it is allowed, within the voting period."""
    allowed = {channel: bool(values.get(name, _SWITCH_DEFAULTS[name])) for channel, name in CHANNEL_SWITCHES.items()}
    if not any(allowed.values()):
        add("online_voting", "Choose at least one way for members to vote.")
    opens_at, closes_at = values.get("opens_at"), values.get("closes_at")
    for channel, name in CHANNEL_CLOSING_FIELDS.items():
        moment = values.get(name)
        if moment is None:
            continue
        if not allowed[channel]:
            add(name, f"Leave this empty unless members vote {CHANNEL_WORDS[channel]}.")
        elif opens_at and moment <= opens_at:
            add(name, "This must be after voting opens.")
        elif closes_at and moment > closes_at:
            add(name, "This cannot be after voting closes.")


def ballot_channels(ballot: TriggerBallot) -> list[tuple[str, str]]:
    """(how members vote, until when in UK time with the zone named) for each channel the ballot allows."""
    return [
        (VoteChannel(channel).label, uk_time(ballot.channel_closes_at(channel)))
        for channel in CHANNEL_SWITCHES
        if ballot.channel_allowed(channel)
    ]


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
