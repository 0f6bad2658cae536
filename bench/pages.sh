#!/usr/bin/env bash
# The reference news site's pages in a real browser (a benchmark, not a test):
# `bash bench/pages.sh`.
#
# Release build, the site built (examples/news-site, `npm run build`), `serve --demo` (a
# throw-away SQLite demo database, PAGES_ARTICLES articles if set, else the demo's default)
# serving the site at `/` (SERVE_SITE_DIR) with the API. Then examples/news-site/e2e/
# measure.mjs loads each page (home, an article (the most commented), its category, its
# author, a search) in headless Chromium (Debian's, through Playwright) with both data
# loaders: `?data=resources` (before: the page composed from the per-resource endpoints) and
# `?data=pages` (after: one page endpoint, the site's default). For each it reports the API
# requests per page, the API answers' bytes and the page's total bytes as sent (encoded
# bodies: compressed where the server compressed), and the time to first render (the
# site's `newsroom:rendered` performance mark) without network emulation and under CDP
# network emulation (LATENCY_MS 50 ms: each response held until at least that long after its
# request, THROUGHPUT_MBIT 10 Mbit/s each way): the median of RUNS cold loads (a new browser
# context, so an empty HTTP cache, each), as a Markdown table.
#
#   bash bench/pages.sh
#   RUNS=9 LATENCY_MS=100 THROUGHPUT_MBIT=5 bash bench/pages.sh
#   MEASURE_JSON=/tmp/pages.json bash bench/pages.sh    # every sample too
#   NEWSROOM_BIN=/path/to/newsroom bash bench/pages.sh   # that binary, no cargo build
#
# Needs Node.js >= 20.19 with npm, python3, and Debian's chromium (installed with apt-get
# when missing). The npm packages come from the two lock files (npm ci when node_modules is
# missing); Playwright's own browser builds are never downloaded.
set -euo pipefail

export RUNS=${RUNS:-5}
export LATENCY_MS=${LATENCY_MS:-50}
export THROUGHPUT_MBIT=${THROUGHPUT_MBIT:-10}
PAGES_ARTICLES=${PAGES_ARTICLES:-}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SITE_DIR="$ROOT/examples/news-site"

die() {
    printf 'pages bench: %s\n' "$*" >&2
    exit 1
}

if [[ ! -x /usr/bin/chromium ]]; then
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    echo "installing chromium (Debian package)"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [[ -n "${NEWSROOM_BIN:-}" ]]; then
    BIN=$NEWSROOM_BIN
else
    cargo build --release --locked --quiet --bin newsroom
    TARGET_DIR=$(cargo metadata --no-deps --format-version 1 |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    BIN="$TARGET_DIR/release/newsroom"
fi
[[ -x "$BIN" ]] || die "no release binary at $BIN"

(
    cd "$SITE_DIR"
    [[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error
    npm run --silent build >/dev/null
    cd e2e
    [[ -d node_modules ]] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
)
[[ -f "$SITE_DIR/dist/index.html" ]] || die "the site's build left no dist/index.html"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-pages-bench.XXXXXX")
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
demo=(--demo)
[[ -n "$PAGES_ARTICLES" ]] && demo+=(--articles "$PAGES_ARTICLES")
# `serve --demo` keeps its database in the temp dir: point that at $WORK.
TMPDIR="$WORK" \
    BIND_ADDRESS="127.0.0.1:$PORT" \
    SERVE_SITE_DIR="$SITE_DIR/dist" \
    RUST_LOG=warn \
    "$BIN" serve "${demo[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 600); do
    curl -sf "$BASE/ready" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited: $(tail -5 "$WORK/server.log")"
    sleep 0.2
done
curl -sf "$BASE/ready" >/dev/null || die "the server is not ready"
curl -sf "$BASE/" | grep -q '<div id="app">' || die "$BASE/ does not serve the site (SERVE_SITE_DIR)"

printf 'server: %s, demo content; site: %s\n' "$BASE" "$SITE_DIR/dist"
(cd "$SITE_DIR/e2e" && NEWSROOM_URL="$BASE" node measure.mjs) || {
    tail -20 "$WORK/server.log" >&2
    exit 1
}
printf 'load average %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
