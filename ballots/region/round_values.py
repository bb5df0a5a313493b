"""The values in a round file's cells: dates, UK local times (with the clock changes), ward lists.

Each function returns the value, or raises `CellProblem` with words fit for the regional officer.
Times are read as Europe/London wall-clock time. A time that does not exist (the hour skipped
when the clocks go forward in March) or happens twice (the hour repeated when they go back in
October) is refused, naming the day: guessing which was meant could open or close a ballot an
hour early or late.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from members.imports.values import name_key, parse_date

UK = ZoneInfo("Europe/London")
DATE_FORMS = "YYYY-MM-DD, DD/MM/YYYY or 3 March 2027"
TIME_FORMS = "“YYYY-MM-DD HH:MM”, “DD/MM/YYYY HH:MM” or “3 March 2027 18:00” (UK time, 24-hour clock)"
# The date, then a 24-hour time: HH:MM or HH.MM, seconds allowed ("T" between them, as ISO has it).
_MOMENT = re.compile(
    r"(?P<day>.+?)(?:\s+|(?<=\d)T)(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?", re.ASCII
)
# A round's dates are in the coming months: a two-digit year ("27") would be read as the
# imports read birth and joining dates, in the past, so the year must be written in full.
_FULL_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)", re.ASCII)
SAME_AS_BEFORE = "same as before"
NAME_MAX = 200


class CellProblem(ValueError):
    """A cell that cannot be used; the message says why and how to put it right."""


def shown(text: str) -> str:
    """A cell's text as a message quotes it: at most 100 characters."""
    return text if len(text) <= 100 else text[:100] + "…"


def date_read(text: str) -> dt.date:
    """A date in any form the member imports read (members.imports.values.parse_date), no time."""
    if _MOMENT.fullmatch(text.strip()):
        raise CellProblem(f"“{shown(text)}” is a date and time: give the date alone ({DATE_FORMS}).")
    try:
        return _day_read(text)
    except ValueError:
        raise CellProblem(f"“{shown(text)}” is not a date: use {DATE_FORMS}.") from None


def _day_read(text: str) -> dt.date:
    if not _FULL_YEAR.search(text):
        raise ValueError(text)
    return parse_date(text)


def uk_moment_read(text: str) -> dt.datetime:
    """The aware moment a UK wall-clock time stands for; CellProblem for the clock changes' hours."""
    text = " ".join(text.split())
    moment = _MOMENT.fullmatch(text)
    try:
        if moment is None:
            raise ValueError(text)
        naive = dt.datetime.combine(
            _day_read(moment["day"]),
            dt.time(int(moment["hour"]), int(moment["minute"]), int(moment["second"] or 0)),
        )
    except ValueError:
        raise CellProblem(f"“{shown(text)}” is not a date and time: use {TIME_FORMS}.") from None
    early, late = naive.replace(tzinfo=UK, fold=0), naive.replace(tzinfo=UK, fold=1)
    day = f"{naive:%d/%m/%Y}"
    if early.utcoffset() != late.utcoffset():
        back = early.astimezone(dt.UTC).astimezone(UK).replace(tzinfo=None)
        if back != naive:
            raise CellProblem(
                f"{naive:%H:%M} on {day} does not exist in UK time: the clocks go forward an hour then. "
                "Choose another time."
            )
        raise CellProblem(
            f"{naive:%H:%M} on {day} happens twice in UK time: the clocks go back an hour then. "
            "Choose a time outside 01:00 to 02:00."
        )
    return early


def name_clean(text: str) -> str:
    """A name as stored: inner runs of spaces made one."""
    return " ".join(text.split())


def wards_read(text: str) -> list[str] | None:
    """The ward names of a cell ("A; B; C"), or None for "same as before"."""
    if name_key(text) == SAME_AS_BEFORE:
        return None
    names: list[str] = []
    seen: set[str] = set()
    for part in text.split(";"):
        name = name_clean(part)
        if not name:
            continue
        if len(name) > NAME_MAX:
            raise CellProblem(f"the ward name “{shown(name)}” is too long: at most {NAME_MAX} characters.")
        if name_key(name) in seen:
            raise CellProblem(f"the ward “{shown(name)}” is listed twice.")
        seen.add(name_key(name))
        names.append(name)
    if not names:
        raise CellProblem(f"no ward names here: list them separated by “;”, or write “{SAME_AS_BEFORE}”.")
    return names
