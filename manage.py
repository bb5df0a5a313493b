#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import secrets
import sys

# Commands that only compute (no database writes, nothing signed or stored) run without a
# configured SECRET_KEY, so other tools can call them on any machine as DESIGN.md promises.
STATELESS_COMMANDS = {"whatif", "simulate"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in STATELESS_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = "stateless-command-" + secrets.token_urlsafe(32)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
