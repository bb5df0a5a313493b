"""What import_members and import_affiliates share: arguments, progress, the report, exit status."""

from django.core.management.base import BaseCommand, CommandError

from members.models import Constituency

EXIT_BAD_INPUT = 2


class ImportCommand(BaseCommand):
    kind = ""
    importer = None  # a function from members.imports
    create_wards_option = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file to import (UTF-8 or Windows-1252, header row first).")
        parser.add_argument("--constituency", required=True, help="The constituency's name, as stored.")
        if self.create_wards_option:
            parser.add_argument(
                "--create-wards", action="store_true", help="Create wards named in the file that do not exist yet."
            )

    def handle(self, *args, **options):
        try:
            constituency = Constituency.objects.get(name__iexact=options["constituency"].strip())
        except Constituency.DoesNotExist:
            names = ", ".join(Constituency.objects.values_list("name", flat=True)) or "none yet"
            self._fail(f"No constituency called “{options['constituency']}”. Known constituencies: {names}.")
        try:
            handle = open(options["file"], "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            self._fail(f"Cannot read {options['file']}: {exc.strerror}.")
        verbosity = options["verbosity"]

        def progress(phase, rows):
            if verbosity >= 1:
                self.stderr.write(f"{phase.capitalize()} {rows:,} rows…")
                self.stderr.flush()

        kwargs = {"constituency": constituency, "file": handle, "progress": progress}
        if self.create_wards_option:
            kwargs["create_wards"] = options["create_wards"]
        with handle:
            report = type(self).importer(**kwargs)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            self._fail(report.summary())
        self.stdout.write(report.summary())

    def _fail(self, message):
        # Django prints "CommandError: <message>" on stderr and exits with this status, no traceback.
        raise CommandError(message, returncode=EXIT_BAD_INPUT)
