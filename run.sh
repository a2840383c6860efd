#!/usr/bin/env bash
# Install modusearch, crawl the configured sources, build the index and serve the search page.
# Usage: ./run.sh [--port 8000]      (environment: MODUSEARCH_SOURCES/CORPUS/INDEX, GITHUB_TOKEN)
set -euo pipefail
cd "$(dirname "$0")"
PORT=8000
if [ "${1:-}" = "--port" ] && [ -n "${2:-}" ]; then PORT="$2"; fi
echo "==> installing (pip install -e .)" >&2
python3 -m pip install --quiet -e .
echo "==> crawling sources (progress below; the first crawl of the real sites takes a few minutes)" >&2
python3 -m crawler crawl || echo "crawl finished with errors; indexing what was collected" >&2
echo "==> building the index" >&2
python3 -m indexer rebuild
echo "==> serving on http://127.0.0.1:${PORT}/" >&2
exec python3 -m web --host 127.0.0.1 --port "$PORT"
