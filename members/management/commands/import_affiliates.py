"""python manage.py import_affiliates FILE --constituency NAME [--map "HEADER=FIELD"]...
[--value "kind:WORD=VALUE"]... [--dry-run]

All or nothing: on any bad row, nothing is written, every problem is listed on stderr (line,
column, reason; repeats summarised once) and the exit status is 2. --dry-run writes nothing
and prints what the import would do.
"""

from members.imports import affiliate_import
from members.management.commands._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import affiliated organisations from a CSV file (see docs/imports.md): all rows or none."
    kind = "affiliates"
    importer = staticmethod(affiliate_import)
