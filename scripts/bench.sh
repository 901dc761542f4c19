#!/usr/bin/env bash
# Set up and run the city-scale benchmark (bench/README.md): wrk from Debian's packages, the services, then
# bench.run on its own database (digitalhuman_bench, emptied and refilled). Arguments go to bench.run.
set -eu
cd "$(dirname "$0")/.."

bash scripts/setup.sh runtime
bash scripts/services.sh
if ! command -v wrk >/dev/null 2>&1; then
  echo "Installing wrk (the HTTP load tool)"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
# The server runs with the production settings, whose static files (whitenoise) are collected first.
DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py collectstatic --noinput -v0
exec .venv/bin/python -m bench.run "$@"
