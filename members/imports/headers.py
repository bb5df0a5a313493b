"""The header row: which column fills which field, by the names real exports use or the officer's mapping.

A header is matched to a field ignoring case, spacing and punctuation ("Membership No." is
"membership no"), against the aliases below; a `column_map` ({header: field, or "" to ignore})
decides the rest, and overrides an alias. Several columns may fill `address` (Address Line 1..3,
Town, City, County): they are joined as lines, in the file's order. Any other field filled by two
columns is an error, as is a column mapped to a field that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from members.imports.report import (
    AFFILIATES,
    FIELD_LABELS,
    FIELDS_AFFILIATES,
    FIELDS_MEMBERS,
    ColumnReading,
    RowError,
)

REQUIRED = {
    "members": ["membership_number", "first_name", "last_name", "ward", "joined_on"],
    "affiliates": ["name", "kind", "affiliated_on"],
}
MULTI_COLUMN_FIELDS = {"address"}
IGNORE_WORDS = {"", "ignore", "ignored", "none", "-"}

_MEMBER_ALIASES = {
    "membership_number": [
        "membership number",
        "membership no",
        "membership num",
        "membership id",
        "membership ref",
        "membership reference",
        "member number",
        "member no",
        "member id",
        "member ref",
        "membershipnumber",
        "memberid",
    ],
    "first_name": ["first name", "firstname", "forename", "forenames", "given name", "given names", "first names"],
    "last_name": ["last name", "lastname", "surname", "family name", "second name"],
    "email": ["email", "email address", "e mail", "e mail address", "emailaddress", "email addr"],
    "ward": ["ward", "ward name", "branch", "branch name", "ward branch"],
    "joined_on": [
        "joined on",
        "date joined",
        "join date",
        "joined",
        "joining date",
        "date of joining",
        "joined date",
        "member since",
        "start date",
    ],
    "status": ["status", "membership status", "member status"],
    "address": [
        "address",
        "street",
        "street address",
        "address line 1",
        "address line 2",
        "address line 3",
        "address line 4",
        "address line1",
        "address line2",
        "address line3",
        "address 1",
        "address 2",
        "address 3",
        "address1",
        "address2",
        "address3",
        "town",
        "city",
        "town city",
        "post town",
        "county",
        "locality",
    ],
    "postcode": ["postcode", "post code", "postal code", "zip", "zip code"],
}
_AFFILIATE_ALIASES = {
    "name": ["name", "organisation", "organisation name", "organization", "organization name", "affiliate"],
    "kind": ["kind", "type", "affiliate type", "organisation type", "organization type", "affiliation type"],
    "affiliated_on": [
        "affiliated on",
        "date of affiliation",
        "affiliation date",
        "date affiliated",
        "affiliated since",
        "affiliated",
    ],
    "affiliated_members": [
        "affiliated members",
        "members",
        "number of members",
        "affiliated membership",
        "members affiliated",
    ],
    "delegate_name": ["delegate name", "delegate", "delegates name"],
    "delegate_email": ["delegate email", "delegate email address", "delegates email"],
}

_NOT_WORD = re.compile(r"[\W_]+")
_APOSTROPHES = re.compile(r"['\u2019]")


def header_key(text: str) -> str:
    """Casefolded words, joined by one space: "  Membership-No. " and "membership_no" are "membership no".

    An apostrophe joins its word ("Delegate's name" is "delegates name"), as it does in speech.
    """
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", text.replace("\ufeff", "").casefold())).split())


def _alias_table(aliases: dict[str, list[str]]) -> dict[str, str]:
    table = {}
    for field_name, names in aliases.items():
        table[header_key(field_name)] = field_name
        for name in names:
            table[header_key(name)] = field_name
    return table


ALIASES = {"members": _alias_table(_MEMBER_ALIASES), "affiliates": _alias_table(_AFFILIATE_ALIASES)}


def fields_of(kind: str) -> list[str]:
    return FIELDS_AFFILIATES if kind == AFFILIATES else FIELDS_MEMBERS


def column_map_clean(kind: str, column_map: dict[str, str] | None) -> tuple[dict[str, str | None], RowError | None]:
    """{header key: field or None (ignore)}, or an error naming a mapping to no such field."""
    cleaned: dict[str, str | None] = {}
    allowed = fields_of(kind)
    for header, target in (column_map or {}).items():
        target_text = str(target or "").strip()
        target_key = header_key(target_text)
        if target_key in IGNORE_WORDS:
            cleaned[header_key(str(header))] = None
            continue
        found = next(
            (name for name in allowed if target_key in (header_key(name), header_key(FIELD_LABELS[name]))), None
        )
        if found is None:
            names = ", ".join(allowed)
            return {}, RowError(
                0, "", f"the column “{header}” is mapped to “{target_text}”, which is not a field: use one of {names}."
            )
        cleaned[header_key(str(header))] = found
    return cleaned, None


@dataclass
class HeaderPlan:
    """The header row read: the columns, and for each field the positions that fill it."""

    line: int
    width: int
    columns: list[ColumnReading]
    positions: dict[str, list[int]]
    missing_required: list[str]


def header_plan(
    kind: str, cells: list[str], line: int, mapping: dict[str, str | None]
) -> tuple[HeaderPlan, list[str], RowError | None]:
    """The plan for this header, the headers neither recognised nor mapped, and an error if it cannot be used."""
    aliases = ALIASES[kind]
    columns: list[ColumnReading] = []
    positions: dict[str, list[int]] = {}
    unrecognised: list[str] = []
    error = None
    for position, raw in enumerate(cells):
        header = raw.replace("\ufeff", "").strip()
        key = header_key(header)
        if key in mapping:
            field_name, how = mapping[key], "mapped"
        elif key in aliases:
            field_name, how = aliases[key], "recognised"
        else:
            field_name, how = None, "ignored"
            if header:
                unrecognised.append(header)
        if field_name is None:
            columns.append(ColumnReading(position, header, None, "ignored"))
            continue
        taken = positions.setdefault(field_name, [])
        if taken and field_name not in MULTI_COLUMN_FIELDS and error is None:
            first = columns[taken[0]].display
            error = RowError(
                line,
                field_name,
                f"the columns “{first}” and “{header}” would both fill {FIELD_LABELS[field_name]}: "
                "map one of them to “ignore”.",
            )
        taken.append(position)
        columns.append(ColumnReading(position, header, field_name, how))
    missing = [name for name in REQUIRED[kind] if name not in positions]
    plan = HeaderPlan(line, len(cells), columns, positions, missing)
    return plan, unrecognised, error


def missing_columns_error(kind: str, plan: HeaderPlan) -> RowError:
    missing = plan.missing_required
    labels = ", ".join(FIELD_LABELS[name] for name in missing)
    required = ", ".join(FIELD_LABELS[name] for name in REQUIRED[kind])
    plural = "s" if len(missing) > 1 else ""
    return RowError(
        plan.line,
        ", ".join(missing),
        f"missing column{plural}. No column of the header fills {labels}. Every file needs a column for each "
        f"of: {required}. Rename the column{plural} in the file, or map {'them' if plural else 'it'}.",
    )
