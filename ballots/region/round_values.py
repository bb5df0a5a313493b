"""The values in a round file's cells: dates, UK local times (with the clock changes), ward lists.

Each function returns the value, or raises `CellProblem` with words fit for the regional officer.
Times are read as Europe/London wall-clock time. A time that does not exist (the hour skipped
when the clocks go forward in March) or happens twice (the hour repeated when they go back in
October) is refused, naming the day: guessing which was meant could open or close a ballot an
hour early or late.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from members.imports.values import name_key

UK = ZoneInfo("Europe/London")
DATE_FORMS = "YYYY-MM-DD or DD/MM/YYYY"
TIME_FORMS = "“YYYY-MM-DD HH:MM” or “DD/MM/YYYY HH:MM” (UK time)"
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S")
SAME_AS_BEFORE = "same as before"
NAME_MAX = 200


class CellProblem(ValueError):
    """A cell that cannot be used; the message says why and how to put it right."""


def shown(text: str) -> str:
    """A cell's text as a message quotes it: at most 100 characters."""
    return text if len(text) <= 100 else text[:100] + "…"


def date_read(text: str) -> dt.date:
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise CellProblem(f"“{shown(text)}” is not a date: use {DATE_FORMS}.")


def uk_moment_read(text: str) -> dt.datetime:
    """The aware moment a UK wall-clock time stands for; CellProblem for the clock changes' hours."""
    text = " ".join(text.replace("T", " ").split())
    naive = None
    for form in _TIME_FORMATS:
        try:
            naive = dt.datetime.strptime(text, form)
            break
        except ValueError:
            continue
    if naive is None:
        raise CellProblem(f"“{shown(text)}” is not a date and time: use {TIME_FORMS}.")
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
