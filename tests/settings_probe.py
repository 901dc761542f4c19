"""Settings as a fresh process sees them: a settings module imported with the environment given, as a server
would import it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRINT = ("import json, sys, django; django.setup(); from django.conf import settings; "
         "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=str))")
# Left unset unless a test sets them, whatever the shell running the suite has.
VARIABLES = ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DATABASE_REPLICA_URL", "CELERY_DEFAULT_QUEUE", "CELERY_LONG_QUEUE")


def settings_of(module: str, *names: str, **environ: str) -> dict:
    """The named settings of config.settings.<module>, with exactly these of VARIABLES set."""
    base = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    base.update(DJANGO_SETTINGS_MODULE=f"config.settings.{module}", SECRET_KEY="settings-probe", **environ)
    result = subprocess.run([sys.executable, "-c", PRINT, *names], env=base, cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    return json.loads(result.stdout.splitlines()[-1])


def manage(*args: str, **environ: str) -> tuple[int, str]:
    """Run manage.py in a fresh process with extra environment; return (exit code, output)."""
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **environ}, timeout=120)
    return done.returncode, done.stdout + done.stderr
