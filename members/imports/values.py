"""The values in an import's cells: dates, status and kind words, emails, lengths.

Each check takes the row and the report (or any object with `error_add` and `unknown_value_add`)
and records what is wrong there, with the line and the field, so the row is refused.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from members.imports.headers import header_key
from members.imports.reading import Row


class ErrorSink(Protocol):
    """The report, or the stand-in that only counts (ErrorCount)."""

    errors_total: int

    def error_add(self, line: int, column: str, reason: str, *, value: str = "", group_reason: str = "") -> None: ...

    def unknown_value_add(self, column: str, word: str) -> None: ...


STATUS_WORDS = {
    "active": "active",
    "current": "active",
    "member": "active",
    "paid": "active",
    "full": "active",
    "fullmember": "active",
    "arrears": "arrears",
    "inarrears": "arrears",
    "lapsing": "arrears",
    "lapsed": "lapsed",
    "resigned": "lapsed",
    "expired": "lapsed",
    "cancelled": "lapsed",
    "canceled": "lapsed",
}
KIND_WORDS = {
    "tradeunion": "trade_union",
    "union": "trade_union",
    "tu": "trade_union",
    "socialistsociety": "socialist_society",
    "society": "socialist_society",
    "cooperative": "cooperative",
    "coop": "cooperative",
    "cooperativeparty": "cooperative",
    "coopparty": "cooperative",
    "other": "other",
}
BUILT_IN_WORDS = {"status": STATUS_WORDS, "kind": KIND_WORDS}
STATUS_ADVICE = "not a status this import knows: map it to Active, In arrears or Lapsed, or correct the file."
KIND_ADVICE = (
    "not a type this import knows: map it to Trade union, Socialist society, Co-operative Party or Other, "
    "or correct the file."
)


def word_key(text: str) -> str:
    """A value word without case, spaces or punctuation: "In Arrears" and "in-arrears" are "inarrears"."""
    return header_key(text).replace(" ", "")


def value_map_clean(value_map: dict | None) -> tuple[dict[str, dict[str, str]], str]:
    """The officer's words beside the built-in ones, {"status": {word key: value}}; or a message why not."""
    words = {column: dict(built_in) for column, built_in in BUILT_IN_WORDS.items()}
    for column, mapping in (value_map or {}).items():
        if column not in words or not isinstance(mapping, dict):
            return words, f"values can be mapped for status or kind, not “{column}”."
        for word, target in mapping.items():
            value = BUILT_IN_WORDS[column].get(word_key(str(target)))
            if value is None:
                return words, f"“{word}” is mapped to “{target}”, which is not a {column}."
            words[column][word_key(str(word))] = value
    return words, ""


# --- dates -----------------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})", re.ASCII)
_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-]+([A-Za-z]+)\.?,?[ \-]+(\d{4}|\d{2})", re.ASCII)
_TIME = re.compile(r"(?:[ T]+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?", re.ASCII)
DATE_FORMS = "DD/MM/YYYY, YYYY-MM-DD or 3 March 2021"
EARLIEST_YEAR = 1850


def _year(text: str, today: date | None) -> int:
    if len(text) == 4:
        return int(text)
    if len(text) != 2:
        raise ValueError(text)
    this_year = (today or date.today()).year
    year = 2000 + int(text)
    return year if year <= this_year else year - 100


def parse_date(text: str, today: date | None = None) -> date:
    """A date in a form UK exports use (DD/MM/YYYY, D/M/YY, YYYY-MM-DD, DD-MM-YYYY, DD.MM.YYYY,
    "3 March 2021", "3 Mar 2021"), a time of day after it ignored; ValueError otherwise."""
    text = text.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():  # the usual ISO form
        day = date.fromisoformat(text)
    else:
        time = _TIME.search(text)
        if time and time.end() == len(text):
            text = text[: time.start()]
        numeric = _NUMERIC.fullmatch(text)
        if numeric:
            first, _, month, last = numeric.groups()
            if len(first) == 4:
                if len(last) > 2:
                    raise ValueError(text)
                day = date(int(first), int(month), int(last))
            elif len(first) <= 2:
                day = date(_year(last, today), int(month), int(first))
            else:
                raise ValueError(text)
        else:
            words = _WORDS.fullmatch(text)
            if not words or words.group(2).casefold() not in MONTHS:
                raise ValueError(text)
            day = date(_year(words.group(3), today), MONTHS[words.group(2).casefold()], int(words.group(1)))
    if day.year < EARLIEST_YEAR:
        raise ValueError(text)
    return day


def date_cell(row: Row, column: str, report: ErrorSink, today: date) -> date | None:
    value = row.cells.get(column, "")
    if not value:
        report.error_add(row.line, column, "required, but empty.")
        return None
    try:
        day = parse_date(value, today)
    except ValueError:
        report.error_add(
            row.line,
            column,
            f"“{value}” is not a date: use {DATE_FORMS}.",
            value=value,
            group_reason=f"not a date: use {DATE_FORMS}.",
        )
        return None
    if day > today:
        report.error_add(row.line, column, f"{day:%d/%m/%Y} is in the future.")
        return None
    return day


# --- words, text and emails ------------------------------------------------------------------


def word_cell(
    row: Row, column: str, report: ErrorSink, words: dict[str, str], advice: str, default: str | None
) -> str | None:
    """The value a word stands for (built in or mapped); an empty cell is `default` (None: required)."""
    text = row.cells.get(column, "")
    if not text:
        if default is None:
            report.error_add(row.line, column, "required, but empty.")
        return default
    value = words.get(word_key(text))
    if value is None:
        shown = text if len(text) <= 100 else text[:100] + "…"
        report.unknown_value_add(column, shown)
        report.error_add(row.line, column, f"“{shown}” is {advice}", value=shown, group_reason=advice)
    return value


def required_cell(row: Row, column: str, report: ErrorSink, max_length: int) -> str:
    value = row.cells.get(column, "")
    if not value:
        report.error_add(row.line, column, "required, but empty.")
    elif len(value) > max_length:
        report.error_add(row.line, column, f"too long: at most {max_length} characters.")
    return value


def optional_cell(row: Row, column: str, report: ErrorSink, max_length: int) -> str:
    value = row.cells.get(column, "")
    if len(value) > max_length:
        report.error_add(row.line, column, f"too long: at most {max_length} characters.")
    return value


_SIMPLE_EMAIL = re.compile(r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")


def email_cell(row: Row, column: str, report: ErrorSink) -> str:
    value = row.cells.get(column, "")
    if not value:
        return value
    if len(value) > 254:
        report.error_add(row.line, column, "too long: at most 254 characters.")
    elif not _SIMPLE_EMAIL.match(value):  # the common case skips Django's slower validator
        try:
            validate_email(value)
        except ValidationError:
            shown = value if len(value) <= 100 else value[:100] + "…"
            report.error_add(
                row.line,
                column,
                f"“{shown}” is not a valid email address.",
                value=shown,
                group_reason="not a valid email address.",
            )
    return value


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class ErrorCount:
    """Stands in for the report on the second reading, where any error means the file changed."""

    def __init__(self) -> None:
        self.errors_total = 0

    def error_add(self, *args: Any, **kwargs: Any) -> None:
        self.errors_total += 1

    def unknown_value_add(self, *args: Any) -> None:
        pass
