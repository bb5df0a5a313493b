"""python manage.py import_members FILE --constituency NAME [--create-wards] [--map "HEADER=FIELD"]...
[--value "status:WORD=VALUE"]... [--dry-run] [--missing leave|lapse]

All or nothing: on any bad row, nothing is written, every problem is listed on stderr (line,
column, reason; repeats summarised once) and the exit status is 2. --dry-run writes nothing
and prints what the import would do.
"""

from members.imports import member_import
from members.management.commands._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import members from a CSV file (see docs/imports.md): all rows or none."
    kind = "members"
    importer = staticmethod(member_import)
    create_wards_option = True
