"""The one way a membership number is written down and looked up.

A membership number is canonical without any whitespace and in upper case ("l 100 001" is
"L100001"): the import and the member form store it so, and the voting pages, the rate limit
and the officers' roll search compare in that form. Numbers stored before the import and the
form normalised them may still be lower case, so lookups also try the number as typed
(`membership_number_lookup_values`); both values use the unique index on the column.
"""


def membership_number_normalise(text: str | None) -> str:
    """A membership number in its canonical form: no whitespace anywhere, upper case."""
    return "".join((text or "").split()).upper()


def membership_number_lookup_values(text: str | None) -> list[str]:
    """The stored values a typed number may match: as typed (without whitespace) first, then canonical.

    For `membership_number__in=...`; where several could match, prefer the first.
    """
    typed = "".join((text or "").split())
    canonical = typed.upper()
    return [typed] if typed == canonical else [typed, canonical]
