"""Reading gettext PO files in tests: each entry's context, message, plural, translations and flags."""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class PoEntry:
    context: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: tuple[str, ...] = ()

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstrs) and all(self.msgstrs) and not self.fuzzy


def po_entries(path: Path) -> list[PoEntry]:
    """The entries of a PO file (the header's empty msgid included), obsolete ones left out."""
    entries: list[PoEntry] = []
    entry, target = PoEntry(), None

    def flush():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = PoEntry(), None

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
        elif line.startswith("#,"):
            entry.flags = tuple(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if target == "msgstr":
                entry.msgstrs[-1] += value
            else:
                setattr(entry, target, getattr(entry, target) + value)
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword == "msgctxt":
                flush()
                entry.context, target = value, "context"
            elif keyword == "msgid":
                if target not in (None, "context"):
                    flush()
                entry.msgid, target = value, "msgid"
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = value, "msgid_plural"
            elif keyword.startswith("msgstr"):
                entry.msgstrs.append(value)
                target = "msgstr"
    flush()
    return entries
