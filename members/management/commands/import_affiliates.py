"""python manage.py import_affiliates FILE --constituency NAME

All or nothing: on any bad row, nothing is written, every bad row is listed on stderr
(line, column, reason) and the exit status is 2.
"""

from members.imports import affiliate_import
from members.management.commands._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import affiliated organisations from a CSV file (see docs/imports.md): all rows or none."
    kind = "affiliates"
    importer = staticmethod(affiliate_import)
