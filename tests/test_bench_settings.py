"""The benchmark server's settings (bench/settings.py): PostgreSQL session settings given in BENCH_PG_SETTINGS reach
its connections, beside the app's own (jit off), and the machine's server is left as it is."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
SHOW = ("import json, django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "print(json.dumps({n: (c.execute(f'SHOW {n}'), c.fetchone()[0])[1] for n in ('work_mem', 'jit', "
        "'max_parallel_workers_per_gather')}))")


def shown(**environ: str) -> dict:
    """The settings a connection of the benchmark server has (to the test database), in a fresh process with this
    environment."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "SECRET_KEY": "bench-settings-test-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": url, **environ}
    result = subprocess.run([sys.executable, "-c", SHOW], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=60, check=True)
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.django_db
def test_session_settings_reach_the_servers_connections_only():
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        before = cursor.fetchone()[0]
    assert before != "32MB"

    tried = shown(BENCH_PG_SETTINGS="work_mem=32MB max_parallel_workers_per_gather=0")
    assert tried == {"work_mem": "32MB", "jit": "off", "max_parallel_workers_per_gather": "0"}
    assert shown(BENCH_PG_SETTINGS="")["work_mem"] == before  # nothing given: the server's own

    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == before
