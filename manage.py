#!/usr/bin/env python
"""Django's command-line utility."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from config.history import Source, set_change_source

    command = sys.argv[1] if len(sys.argv) > 1 else ""
    # Every change a command (or a shell session) makes is attributed to it in the history.
    set_change_source(Source.SHELL if command in ("shell", "shell_plus", "dbshell") else Source.COMMAND, command)
    execute_from_command_line(sys.argv)
