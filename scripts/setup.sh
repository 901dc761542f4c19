#!/usr/bin/env bash
# Create .venv and install the pinned requirements (runtime: requirements.txt; dev: requirements-dev.txt).
# Usage: scripts/setup.sh [runtime|dev]. Reinstalls only when the requirement files change.
set -eu
kind=${1:-dev}
file=requirements.txt
[ "$kind" = dev ] && file=requirements-dev.txt
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.installed-$kind
sum=$(cat requirements.txt "$file" constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  echo "Installing $file into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$file" -c constraints.txt
  echo "$sum" > "$stamp"
fi
