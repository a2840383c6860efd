#!/usr/bin/env bash
# Install modusearch, crawl the configured sources, update the index and serve the search page.
set -u

usage() {
  cat <<'EOF'
Usage: ./run.sh [--port N]

Install modusearch into the active virtual environment (or ./.venv, made on first use), crawl the
sources in sources.toml, update the index and serve the search page on http://127.0.0.1:N/
(default 8000). The page is served even when no source could be reached: it then says that nothing
has been collected yet and when the last crawl ran.

Environment: MODUSEARCH_SOURCES, MODUSEARCH_CORPUS, MODUSEARCH_INDEX (paths), GITHUB_TOKEN.
EOF
}

PORT=8000
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --port) [ $# -ge 2 ] || { echo "run.sh: --port needs a value" >&2; usage >&2; exit 2; }
            PORT="$2"; shift 2 ;;
    --port=*) PORT="${1#--port=}"; shift ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$PORT" in
  ''|*[!0-9]*) echo "run.sh: --port needs a number from 1 to 65535, not '$PORT'" >&2; exit 2 ;;
esac
if [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
  echo "run.sh: --port needs a number from 1 to 65535, not '$PORT'" >&2; exit 2
fi

cd "$(dirname "$0")" || exit 1
if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
  PYTHON="$VIRTUAL_ENV/bin/python"
else
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating the virtual environment .venv" >&2
    python3 -m venv .venv || { echo "run.sh: cannot create .venv (on Debian/Ubuntu: apt install python3-venv)" >&2; exit 1; }
  fi
  PYTHON="$PWD/.venv/bin/python"
fi
BIN="$(dirname "$PYTHON")"

echo "==> installing (pip install -e . into $(dirname "$BIN"))" >&2
"$PYTHON" -m pip install --quiet -e . || { echo "run.sh: the install failed; nothing else was done" >&2; exit 1; }

echo "==> crawling the sources and updating the index (the first crawl of the real sites takes minutes)" >&2
"$BIN/modusearch" refresh
case $? in
  0) ;;
  3) echo "==> some sources failed; the index holds what the others brought" >&2 ;;
  75) echo "==> another crawl or index update is running; serving the index as it is" >&2 ;;
  *) echo "==> nothing new could be collected; serving what there is" >&2 ;;
esac

echo "==> serving on http://127.0.0.1:${PORT}/ (Ctrl-C stops; the cron line for updates: README 'Running from cron')" >&2
exec "$BIN/modusearch" serve --host 127.0.0.1 --port "$PORT"
