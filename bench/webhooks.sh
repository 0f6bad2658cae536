#!/usr/bin/env bash
# The webhooks' benchmark (not a test): `bash bench/webhooks.sh`.
#
# Release build, a throw-away SQLite database, and a private nginx on a loopback port that
# answers every POST with 200 (the receiver: it costs next to nothing, so the figures are
# the server's). One endpoint subscribes to `*`.
#
#   1. live: WEBHOOKS_EVENTS articles published through the API by WEBHOOKS_CLIENTS
#      concurrent curl clients; measured from the first request until the delivery log
#      counts every delivery `succeeded`. Reports the publishing rate and the deliveries
#      per second end to end (event written, delivery claimed, signed, sent, answered,
#      settled).
#   2. backlog: the server stopped, as many pending deliveries copied into the database
#      (as after an outage of the receiver), the server started again; measured until none
#      is pending: the dispatcher alone.
set -euo pipefail

WEBHOOKS_EVENTS=${WEBHOOKS_EVENTS:-2000}
WEBHOOKS_CLIENTS=${WEBHOOKS_CLIENTS:-4}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

die() {
    printf 'webhooks bench: %s\n' "$*" >&2
    exit 1
}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$NGINX" ]] || die "nginx is required (apt-get install nginx-light)"

cargo build --release --quiet --bin newsroom
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET_DIR/release/newsroom"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-webhooks-bench.XXXXXX")
chmod 0755 "$WORK"
SERVER_PID=
NGINX_PID=
cleanup() {
    local pid
    for pid in "$SERVER_PID" "$NGINX_PID"; do
        [[ -n "$pid" ]] || continue
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
now() { date +%s.%N; }

# ---- the receiver ----
HOOK_PORT=$(free_port)
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$HOOK_PORT;
        location / { return 200 "ok"; }
    }
}
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!

# ---- the server ----
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT/api/v1"
PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_hex(12))')-Aa1"
JWT="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
serve() {
    DATABASE_URL="$WORK/bench.db" \
        MEDIA_DIR="$WORK/media" \
        BIND_ADDRESS="127.0.0.1:$PORT" \
        JWT_SECRET="$JWT" \
        ADMIN_EMAIL=admin@example.com \
        ADMIN_PASSWORD="$PASSWORD" \
        RATE_LIMIT_LOGINS_PER_MINUTE=1000 \
        WEBHOOKS_ALLOW_PRIVATE=true \
        RUST_LOG=warn \
        "$BIN" serve >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && return 0
        sleep 0.1
    done
    cat "$WORK/server.log" >&2
    die "the server did not start"
}
stop() {
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
serve
TOKEN=$(curl -sf -X POST "$BASE/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"admin@example.com\",\"password\":\"$PASSWORD\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
HOOK=$(curl -sf -X POST "$BASE/webhooks" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"events\":[\"*\"]}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')

count() { # count STATUS: deliveries of the endpoint in that state
    curl -sf "$BASE/webhooks/$HOOK/deliveries?status=$1&per_page=1" -H "Authorization: Bearer $TOKEN" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["meta"]["total"])'
}
wait_until() { # wait_until STATUS N
    while (($(count "$1") < $2)); do sleep 0.05; done
}
wait_none() { # wait_none STATUS
    while (($(count "$1") > 0)); do sleep 0.05; done
}

# ---- 1. live ----
export BASE TOKEN
start=$(now)
seq 1 "$WEBHOOKS_EVENTS" | xargs -P "$WEBHOOKS_CLIENTS" -I{} sh -c \
    'curl -sf -o /dev/null -X POST "$BASE/articles" -H "Authorization: Bearer $TOKEN" \
       -H "Content-Type: application/json" \
       -d "{\"title\":\"Bench story {}\",\"content\":\"<p>Story {}.</p>\",\"status\":\"published\"}"'
published=$(now)
wait_until succeeded "$WEBHOOKS_EVENTS"
delivered=$(now)
python3 - "$WEBHOOKS_EVENTS" "$start" "$published" "$delivered" <<'PY'
import sys
n, start, published, delivered = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"live: {n} articles published in {published - start:.2f} s ({n / (published - start):.0f}/s); "
      f"all delivered {delivered - start:.2f} s after the first: {n / (delivered - start):.0f} deliveries/s end to end, "
      f"the last {1000 * (delivered - published):.0f} ms after the last publish")
PY

# ---- 2. backlog ----
stop
python3 - "$WORK/bench.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("""
    INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload, status, attempts,
        next_attempt_at, created_at, updated_at)
    SELECT webhook_id, event_id, event_type, payload, 'pending', 0,
        datetime('now'), datetime('now'), datetime('now')
    FROM webhook_deliveries""")
db.commit()
PY
# From before the start: the dispatcher begins as soon as the server is up.
start=$(now)
serve
wait_none pending
drained=$(now)
python3 - "$WEBHOOKS_EVENTS" "$start" "$drained" <<'PY'
import sys
n, start, drained = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"backlog: {n} pending deliveries sent in {drained - start:.2f} s: {n / (drained - start):.0f} deliveries/s")
PY
