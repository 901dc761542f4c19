"""Gunicorn's config file (config/gunicorn.py) follows the environment, and gunicorn itself reads it so."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

from enterprises.choices import LADDER
from enterprises.tiers import RULE_SETS

CONFIG = Path(__file__).resolve().parents[1] / "config" / "gunicorn.py"
VARIABLES = ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS",
             "GUNICORN_MAX_REQUESTS_JITTER", "GUNICORN_ACCESS_LOG")


def load(monkeypatch, **environ) -> dict:
    """The config file's values with exactly these variables set."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_defaults(monkeypatch):
    config = load(monkeypatch)
    assert config["workers"] == 2 * os.cpu_count() + 1
    assert (config["threads"], config["bind"], config["timeout"]) == (1, "127.0.0.1:8000", 60)
    assert (config["max_requests"], config["max_requests_jitter"]) == (1000, 100)
    assert config["accesslog"] is None and config["wsgi_app"] == "config.wsgi:application"


def test_values_follow_the_environment(monkeypatch):
    config = load(monkeypatch, WEB_CONCURRENCY="7", GUNICORN_THREADS="4", GUNICORN_BIND="0.0.0.0:9000",
                  GUNICORN_TIMEOUT="120", GUNICORN_MAX_REQUESTS="50", GUNICORN_MAX_REQUESTS_JITTER="5",
                  GUNICORN_ACCESS_LOG="-")
    assert (config["workers"], config["threads"], config["bind"], config["timeout"]) == (7, 4, "0.0.0.0:9000", 120)
    assert (config["max_requests"], config["max_requests_jitter"], config["accesslog"]) == (50, 5, "-")


def test_gunicorn_resolves_the_file_from_the_environment():
    environ = {**os.environ, "WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "2", "GUNICORN_BIND": "127.0.0.1:8123"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run([str(gunicorn), "--print-config", "-c", str(CONFIG)], env=environ, capture_output=True,
                            text=True, timeout=60, check=True)
    printed = {key.strip(): value.strip() for key, _, value in (line.partition("=") for line in
                                                                    result.stdout.splitlines())}
    assert (printed["workers"], printed["threads"], printed["bind"]) == ("3", "2", "['127.0.0.1:8123']")
    assert (printed["max_requests"], printed["accesslog"]) == ("1000", "None")


def test_a_worker_compiles_the_tier_rules_before_its_first_request():
    """Loading the WSGI module (as each worker does) runs every app's `warm_up`: the tier rules' SQL is compiled
    for every rule set and ladder tier, with no database connection opened."""
    script = ("import config.wsgi\n"
              "from django.db import connections\n"
              "from enterprises.selectors import _met_sql_cache\n"
              "print(sorted(f'{code}:{tier}' for code, tier in _met_sql_cache))\n"
              "print([alias for alias in connections if connections[alias].connection is not None])\n")
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run([sys.executable, "-c", script], env=environ, capture_output=True, text=True, timeout=60,
                            check=True, cwd=CONFIG.parents[1])
    compiled, connected = result.stdout.splitlines()[-2:]
    expected = sorted(f"{code}:{rule.tier}" for code, rule_set in RULE_SETS.items() for rule in rule_set.rules
                      if rule.tier in LADDER)
    assert compiled == str(expected) and len(expected) >= 6
    assert connected == "[]"
