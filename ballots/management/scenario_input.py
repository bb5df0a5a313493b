"""What `whatif` and `simulate` share: reading a JSON object from a file or standard input,
and failing with exit status 2 and a one-line message (Django's CommandError exits 1)."""

import json
import sys
from typing import NoReturn

from django.core.management.base import BaseCommand

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
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise BadInput(f"{source} is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise BadInput(f"{source} must hold one JSON object ({what}), not a {type(data).__name__}")
        return data

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
