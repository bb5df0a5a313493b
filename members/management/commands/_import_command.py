"""What import_members and import_affiliates share: arguments, the header read first, progress, the report.

Before anything is written the command says how it reads the header: the columns it will not
use, and (after the check) the fields empty in every row. A dry run prints the counts, the
field-by-field changes (the first 200, and how many more) and the members missing from the file.
Bad input exits with status 2 and every problem on stderr (repeats summarised once).
"""

from django.core.management.base import BaseCommand, CommandError

from members.imports import CHANGES_KEPT, FIELD_LABELS, header_read
from members.models import Constituency

EXIT_BAD_INPUT = 2
MISSING_SHOWN = 200


class ImportCommand(BaseCommand):
    kind = ""
    importer = None  # a function from members.imports
    create_wards_option = False  # the members import's own options: --create-wards, --missing

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file to import (UTF-8 or Windows-1252, header row first).")
        parser.add_argument("--constituency", required=True, help="The constituency's name, as stored.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar='"HEADER=FIELD"',
            help='Read the column HEADER as FIELD (repeatable); FIELD "" or "ignore" ignores the column.',
        )
        parser.add_argument(
            "--value",
            action="append",
            default=[],
            metavar='"COLUMN:WORD=VALUE"',
            help='Read WORD in the status or kind column as VALUE (repeatable), e.g. "status:Gold=active".',
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and compare only: write nothing.")
        if self.create_wards_option:
            parser.add_argument(
                "--create-wards", action="store_true", help="Create wards named in the file that do not exist yet."
            )
            parser.add_argument(
                "--missing",
                choices=["leave", "lapse"],
                default="leave",
                help="Members of the constituency not in the file: leave them as they are (default) or lapse them.",
            )

    def handle(self, *args, **options):
        try:
            constituency = Constituency.objects.get(name__iexact=options["constituency"].strip())
        except Constituency.DoesNotExist:
            names = ", ".join(Constituency.objects.values_list("name", flat=True)) or "none yet"
            self._fail(f"No constituency called “{options['constituency']}”. Known constituencies: {names}.")
        column_map = self._pairs(options["map"], "--map", '"Surname=last_name"')
        value_map: dict[str, dict[str, str]] = {}
        for column_word, value in self._pairs(options["value"], "--value", '"status:Gold=active"').items():
            column, colon, word = column_word.partition(":")
            if not colon or not word.strip():
                self._fail(f"--value “{column_word}={value}”: write it as COLUMN:WORD=VALUE, e.g. status:Gold=active.")
            value_map.setdefault(column.strip().lower(), {})[word.strip()] = value
        try:
            handle = open(options["file"], "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            self._fail(f"Cannot read {options['file']}: {exc.strerror}.")
        with handle:
            reading = header_read(kind=self.kind, file=handle, column_map=column_map)
            if reading.error is None:
                self._header_show(reading)
            handle.seek(0)
            report = type(self).importer(**self._import_arguments(options, constituency, handle, column_map, value_map))
        if not report.ok:
            for group in report.error_groups:
                self.stderr.write(str(group))
            if report.errors_total > sum(group.count for group in report.error_groups):
                self.stderr.write("More problems than these were found; correct these and check again.")
            self._fail(report.summary())
        if report.empty_fields:
            labels = ", ".join(FIELD_LABELS[name] for name in report.empty_fields)
            self.stdout.write(f"Empty in every row of the file: {labels}.")
        if report.dry_run:
            self._preview_show(report)
        self.stdout.write(report.summary())

    def _import_arguments(self, options, constituency, handle, column_map, value_map):
        verbosity = options["verbosity"]

        def progress(phase, rows):
            if verbosity >= 1:
                self.stderr.write(f"{phase.capitalize()} {rows:,} rows…")
                self.stderr.flush()

        kwargs = {
            "constituency": constituency,
            "file": handle,
            "progress": progress,
            "column_map": column_map,
            "value_map": value_map,
            "dry_run": options["dry_run"],
        }
        if self.create_wards_option:
            kwargs["create_wards"] = options["create_wards"]
            kwargs["missing"] = options["missing"]
        return kwargs

    def _pairs(self, items, option, example):
        pairs = {}
        for item in items:
            left, equals, right = item.partition("=")
            if not equals or not left.strip():
                self._fail(f"{option} “{item}”: write it as {example}.")
            pairs[left.strip()] = right.strip()
        return pairs

    def _header_show(self, reading):
        mapped = [f"“{c.display}” as {FIELD_LABELS[c.field]}" for c in reading.columns if c.how == "mapped" and c.field]
        if mapped:
            self.stdout.write(f"Columns read as you mapped them: {', '.join(mapped)}.")
        ignored = [column.display for column in reading.columns if column.field is None]
        if ignored:
            self.stdout.write(f"Columns not used (map them with --map to use them): {', '.join(ignored)}.")

    def _preview_show(self, report):
        if report.changes:
            self.stdout.write("Changes:")
            for change in report.changes:
                self.stdout.write(f"  {change}")
            more = report.changes_total - len(report.changes)
            if more:
                self.stdout.write(
                    f"  … and {more:,} more change{'s' if more != 1 else ''} (the first {CHANGES_KEPT} shown)."
                )
        if report.missing:
            self.stdout.write("Members of the constituency not in the file (--missing lapse marks them lapsed):")
            for number, name in report.missing[:MISSING_SHOWN]:
                self.stdout.write(f"  {number} {name}")
            more = report.missing_total - min(len(report.missing), MISSING_SHOWN)
            if more:
                self.stdout.write(f"  … and {more:,} more.")

    def _fail(self, message):
        # Django prints "CommandError: <message>" on stderr and exits with this status, no traceback.
        raise CommandError(message, returncode=EXIT_BAD_INPUT)
