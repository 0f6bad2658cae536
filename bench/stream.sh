#!/usr/bin/env bash
# The live stream's benchmark (not a test): `bash bench/stream.sh`.
#
# Release build, `serve --demo` (a throw-away SQLite demo database of STREAM_ARTICLES
# articles), STREAM_CLIENTS (1,000) connected SSE clients (GET /api/v1/stream), and an
# admin publishing STREAM_PUBLISHES (50) articles, one every STREAM_PUBLISH_EVERY_MS (200).
# examples/stream_clients.rs opens the streams and publishes, on one clock, and reports the
# latency from each publish's answer to each client's receipt of its article.published:
# p50, p95, p99 and max over every receipt (target: p99 under 100 ms), and how many
# receipts arrived of the publishes x clients expected. Also the server's memory (RssAnon)
# with every stream open and its CPU time over the run.
#
# Each stream is a socket on both sides: the file-descriptor limit is raised for this shell
# (`ulimit -n`), and STREAM_MAX_CONNECTIONS above the client count.
set -euo pipefail

STREAM_CLIENTS=${STREAM_CLIENTS:-1000}
STREAM_PUBLISHES=${STREAM_PUBLISHES:-50}
STREAM_PUBLISH_EVERY_MS=${STREAM_PUBLISH_EVERY_MS:-200}
STREAM_ARTICLES=${STREAM_ARTICLES:-500}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

die() {
    printf 'stream bench: %s\n' "$*" >&2
    exit 1
}
wanted_fds=$((2 * STREAM_CLIENTS + 1024))
if (($(ulimit -n) < wanted_fds)); then
    ulimit -n "$wanted_fds" 2>/dev/null || die "ulimit -n is $(ulimit -n); $wanted_fds are needed (raise the hard limit)"
fi

cargo build --release --quiet --bin newsroom --example stream_clients
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET_DIR/release/newsroom"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-stream-bench.XXXXXX")
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
PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_hex(12))')-Aa1"
# `serve --demo` keeps its database in the temp dir: point that at $WORK.
TMPDIR="$WORK" \
    BIND_ADDRESS="127.0.0.1:$PORT" \
    ADMIN_EMAIL=admin@example.com \
    ADMIN_PASSWORD="$PASSWORD" \
    RATE_LIMIT_LOGINS_PER_MINUTE=1000 \
    STREAM_MAX_CONNECTIONS=$((STREAM_CLIENTS + 100)) \
    RUST_LOG=warn \
    "$BIN" serve --demo --articles "$STREAM_ARTICLES" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 600); do
    curl -sf "$BASE/ready" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited: $(tail -5 "$WORK/server.log")"
    sleep 0.2
done
curl -sf "$BASE/ready" >/dev/null || die "the server is not ready"

cpu_seconds() {
    awk '{ print ($14 + $15) / 100 }' "/proc/$SERVER_PID/stat"
}
rss_anon() {
    awk '/RssAnon/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$SERVER_PID/status"
}
printf 'server: %s before the streams\n' "$(rss_anon)"
cpu_before=$(cpu_seconds)
(
    sleep 5
    printf 'server: %s with the streams open\n' "$(rss_anon)"
) &
ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD="$PASSWORD" \
    PUBLISH_EVERY_MS="$STREAM_PUBLISH_EVERY_MS" \
    "$TARGET_DIR/release/examples/stream_clients" "$BASE" "$STREAM_CLIENTS" "$STREAM_PUBLISHES"
wait
printf 'server CPU over the run: %.1f s; load average %s\n' \
    "$(awk -v a="$cpu_before" -v b="$(cpu_seconds)" 'BEGIN { print b - a }')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
