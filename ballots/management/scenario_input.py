"""What `whatif` and `simulate` share: reading a JSON object from a file or standard input,
and failing with exit status 2 and a one-line message (Django's CommandError exits 1).

The JSON is read as the simulator pages read an upload (``ballots.simulator.limits``): the
same limit on branches and affiliates, and too deep nesting, numbers of thousands of digits
or NaN refused in words, never a traceback.
"""

import sys
from typing import NoReturn

from django.core.management.base import BaseCommand

from ballots.simulator.limits import ScenarioInputError, scenario_json_load

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """Input the command cannot use; the message is shown as it stands."""


class ScenarioFileCommand(BaseCommand):
    """A command that reads one JSON object from FILE or '-' (standard input)."""

    command_name = ""  # shown before every error message
    # Tests pass a file-like object as stdin through call_command.
    stealth_options = ("stdin",)

    def read_json_object(self, path: str, stdin, what: str) -> dict:
        text, source = self._read(path, stdin)
        try:
            return scenario_json_load(text, what=what)
        except ScenarioInputError as error:
            message = str(error)
            raise BadInput(
                f"{source} {message.removeprefix('it ')}" if message.startswith("it ") else message
            ) from None

    def _read(self, path: str, stdin) -> tuple[str, str]:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin
            try:
                text = stream.read()
            except (OSError, UnicodeDecodeError) as error:
                raise BadInput(f"cannot read standard input: {error}") from None
            if isinstance(text, bytes):
                text = text.decode("utf-8-sig")
            return text.lstrip("\ufeff"), "standard input"
        try:
            # utf-8-sig: files saved by Windows editors start with a byte-order mark.
            with open(path, encoding="utf-8-sig") as handle:
                return handle.read(), path
        except FileNotFoundError:
            raise BadInput(f"cannot read {path}: no such file") from None
        except IsADirectoryError:
            raise BadInput(f"cannot read {path}: it is a directory") from None
        except UnicodeDecodeError:
            raise BadInput(f"cannot read {path}: it is not UTF-8 text") from None
        except OSError as error:
            raise BadInput(f"cannot read {path}: {error.strerror or error}") from None

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(f"{self.command_name}: {' '.join(message.split())}")
        sys.exit(EXIT_BAD_INPUT)
