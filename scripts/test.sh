#!/usr/bin/env bash
# Set up and run the whole suite against the local PostgreSQL and Redis: lint, migrations check, pytest.
set -eu
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.test

bash scripts/setup.sh dev
bash scripts/services.sh
.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "ERROR: models changed without a migration (manage.py makemigrations)" >&2; exit 1; }
.venv/bin/python -m pytest "$@"
