#!/usr/bin/env bash
# Create .venv and install the pinned requirements (runtime: requirements.txt; dev: requirements-dev.txt), and the
# Debian's Pango and WenQuanYi Micro Hei font when missing (the PDF of a declaration), and the
# pinned front-end packages (package-lock.json, npm ci) whose served files, ECharts' and htmx's dist builds, are copied to
# vendor/ (served as static/vendor/...). Usage: scripts/setup.sh [runtime|dev]. Reinstalls only when the
# requirement or lock files change.
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

# The printable declaration (申报书, docs/declarations-pdf.md): WeasyPrint lays it out with Pango in WenQuanYi Micro Hei.
if ! ldconfig -p | grep -q libpango-1.0 || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
  echo "Installing Pango and a Chinese font (Debian packages) for the printable declaration"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei >/dev/null
fi

# Front-end packages: npm ci from the lock (exact versions and integrity hashes), no install scripts.
if ! command -v npm >/dev/null 2>&1; then
  echo "Installing Node.js and npm (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
npm_stamp=node_modules/.installed
npm_sum=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_sum" ]; then
  echo "Installing front-end packages (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$npm_sum" > "$npm_stamp"
fi
# Only the dist build is served, not node_modules: copy it (with its licence) where STATICFILES_DIRS looks.
mkdir -p vendor/echarts
for f in dist/echarts.min.js LICENSE NOTICE; do
  cmp -s "node_modules/echarts/$f" "vendor/echarts/$(basename "$f")" || cp "node_modules/echarts/$f" vendor/echarts/
done
mkdir -p vendor/htmx
for f in dist/htmx.min.js LICENSE; do
  cmp -s "node_modules/htmx.org/$f" "vendor/htmx/$(basename "$f")" || cp "node_modules/htmx.org/$f" vendor/htmx/
done
