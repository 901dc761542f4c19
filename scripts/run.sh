#!/usr/bin/env bash
# Set up and start the system: web server, Celery worker and celery beat on 127.0.0.1; Ctrl-C stops all three.
set -eu
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
PORT=${PORT:-8000}

bash scripts/setup.sh runtime
bash scripts/services.sh
.venv/bin/python scripts/createdb.py
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping web server, worker and beat"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

# One worker for both queues, the default and the long jobs' (CELERY_TASK_QUEUES: a worker without -Q takes
# every queue named there); docs/scaling.md starts one per queue on separate hosts instead.
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule=.venv/celerybeat-schedule &
pids+=($!)
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)

echo
echo "Registry running: http://127.0.0.1:$PORT/ (sign in with a demo account)  admin /admin/  API /api/v1/" \
     " docs /api/docs/  (Ctrl-C stops everything)"
wait -n "${pids[@]}"
