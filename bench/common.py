"""What the benchmarks share: the benchmark database, Django set up on it, progress lines and the machine."""

import os
import platform
import runpy
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/digitalhuman_bench"


def check_database_url(parser, url: str) -> None:
    """Refuse (through the argument parser) a database whose name does not end in _bench: benchmarks empty it."""
    if not urlparse(url).path.lstrip("/").endswith("_bench"):
        parser.error("the benchmark empties its database: give one whose name ends in _bench")


def log(message: str) -> None:
    """Progress on stderr (stdout carries the results)."""
    print(message, file=sys.stderr, flush=True)


def setup_django(database_url: str) -> None:
    """Point the settings at the benchmark database, create it when missing, set Django up and migrate."""
    os.environ["DATABASE_URL"] = database_url  # wins over .env (read with overwrite=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(BASE_DIR))
    runpy.run_path(str(BASE_DIR / "scripts" / "createdb.py"), run_name="__main__")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def best(function, repeat: int):
    """Warm up once, then run `repeat` times: (best seconds, all seconds, last result)."""
    function()
    times, result = [], None
    for _ in range(repeat):
        seconds, result = function()
        times.append(seconds)
    return min(times), times, result


# The PostgreSQL settings the benchmarks print, as the app's connections see them (their session options included):
# memory, the planner's costs and parallelism, JIT, connections and the cost of a commit (docs/scaling.md).
PG_SETTINGS = ("shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem", "jit",
               "max_parallel_workers_per_gather", "random_page_cost", "effective_io_concurrency", "max_connections",
               "synchronous_commit", "wal_buffers", "checkpoint_timeout", "max_wal_size", "default_statistics_target")


def machine(session_settings=()) -> list[str]:
    """CPU, RAM, PostgreSQL version and the server settings that matter for the aggregates and the writes, as the
    server's sessions had them (`session_settings`, "name=value", set on this session first, as on theirs)."""
    import django
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        for setting in session_settings:
            name, value = setting.split("=", 1)
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
        settings = []
        for name in PG_SETTINGS:
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name}={cursor.fetchone()[0]}")
    try:
        head = subprocess.run(["git", "-C", str(BASE_DIR), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(BASE_DIR), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.splitlines()
        code = f"git {head}" + (f" with uncommitted changes in {len(dirty)} files" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        code = "unknown (no git)"
    return [
        f"Code: {code}",
        f"CPU: {os.cpu_count()} x {models[0] if models else platform.processor() or 'unknown'}",
        f"RAM: {mem_kb / 1024 / 1024:.1f} GiB",
        f"PostgreSQL {version} ({', '.join(settings)})",
        f"Python {platform.python_version()}, Django {django.get_version()}, {platform.system()} {platform.release()}",
    ]


