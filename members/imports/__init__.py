"""CSV imports of members and affiliates as real exports give them: checked, previewed, then all or nothing.

The package, by module:

- `headers.py`: which column fills which field (the names real exports use, or the officer's
  `column_map`); `header_read` reports it before anything else is read.
- `reading.py`: is the file text, its encoding (UTF-8, else Windows-1252) and fingerprint, its
  rows with their physical line numbers; control characters refused with the line.
- `values.py`: dates in the forms UK exports use, status and type words (built in or mapped in
  `value_map`), emails, lengths.
- `kinds.py`: members and affiliates: cleaning a row, comparing and writing a batch.
- `engine.py`: the passes (check every row; then compare for a dry run, or write in one
  transaction) and the public `member_import`, `affiliate_import`, `header_read`.
- `report.py`: the report: errors kept (at most `ERRORS_KEPT`), grouped when they repeat,
  field changes (the first `CHANGES_KEPT`), members missing from the file, counts, fingerprint.

Blank lines are skipped, but keep their place in the line numbers. Membership numbers are
stored in their canonical form (members/membership_numbers.py), so "l 0001" in a file updates
the member L0001.
"""

from members.imports.engine import affiliate_import, header_read, member_import
from members.imports.headers import header_key
from members.imports.headers import header_key as normalise_header
from members.imports.report import (
    AFFILIATES,
    CHANGES_KEPT,
    ERRORS_KEPT,
    FIELD_LABELS,
    FIELDS_AFFILIATES,
    FIELDS_MEMBERS,
    MEMBERS,
    ColumnReading,
    ErrorGroup,
    FieldChange,
    HeaderReading,
    ImportReport,
    RowError,
    field_label,
)
from members.imports.values import parse_date

__all__ = [
    "AFFILIATES",
    "CHANGES_KEPT",
    "ERRORS_KEPT",
    "FIELDS_AFFILIATES",
    "FIELDS_MEMBERS",
    "FIELD_LABELS",
    "MEMBERS",
    "ColumnReading",
    "ErrorGroup",
    "FieldChange",
    "HeaderReading",
    "ImportReport",
    "RowError",
    "affiliate_import",
    "field_label",
    "header_key",
    "header_read",
    "member_import",
    "normalise_header",
    "parse_date",
]
