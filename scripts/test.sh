#!/usr/bin/env bash
# Set up and run the whole suite against the local PostgreSQL and Redis: lint, migrations check, pytest (the
# browser tests in tests/browser/ included; `-m 'not browser'` leaves them out).
set -eu
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.test

bash scripts/setup.sh dev
# The browser tests drive Debian's Chromium through Playwright's Python package (requirements-dev.txt); Playwright's
# own browser download is never used (`playwright install` fails on these machines).
# A Chinese font too, so that the pages' screenshots show Chinese rather than empty boxes.
if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
  echo "Installing Debian's chromium, chromium-driver and a Chinese font for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
fi
bash scripts/services.sh
.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "ERROR: models changed without a migration (manage.py makemigrations)" >&2; exit 1; }
.venv/bin/python -m pytest "$@"
