#!/usr/bin/env bash
# The media library's benchmark (not a test): `bash bench/media.sh`.
#
#   1. upload-to-renditions: POST /api/v1/media of a 12-megapixel JPEG (4000x3000, made by
#      examples/photo.rs), MEDIA_UPLOADS times; the answer (201) comes once the original
#      is re-encoded and every rendition is made and stored, so curl's total time is the
#      whole of it. Reports each time and the median.
#   2. serving: wrk against the `large` rendition (1024 wide, JPEG) as the binary serves it
#      under /media/, and against nginx serving the very same file from disk (sendfile,
#      open_file_cache), alternated MEDIA_ROUNDS times (server, nginx, server, ...) with
#      the same threads, connections and duration; reports the medians and the ratio
#      server/nginx (target: at least 0.5).
#
# Release build, a throw-away SQLite database and MEDIA_DIR in a temporary folder; the
# server and nginx get one worker per core each (nproc), as in bench/ceiling.sh.
set -euo pipefail

MEDIA_UPLOADS=${MEDIA_UPLOADS:-5}
MEDIA_ROUNDS=${MEDIA_ROUNDS:-3}
MEDIA_DURATION=${MEDIA_DURATION:-5s}
MEDIA_THREADS=${MEDIA_THREADS:-1}
MEDIA_CONNECTIONS=${MEDIA_CONNECTIONS:-32}
NGINX_WORKERS=${NGINX_WORKERS:-$(nproc)}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

die() {
    printf 'media bench: %s\n' "$*" >&2
    exit 1
}
command -v wrk >/dev/null || die "wrk is required (apt-get install wrk)"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$NGINX" ]] || die "nginx is required (apt-get install nginx-light)"

cargo build --release --quiet --bin newsroom --example photo
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET_DIR/release/newsroom"

# Readable by nginx's workers (www-data or nobody).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-media-bench.XXXXXX")
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
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

"$TARGET_DIR/release/examples/photo" 4000 3000 "$WORK/photo.jpg"
printf 'photo: 4000x3000 JPEG, %s bytes\n' "$(stat -c %s "$WORK/photo.jpg")"

# ---- the server ----
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_hex(12))')-Aa1"
DATABASE_URL="$WORK/bench.db" \
    MEDIA_DIR="$WORK/media" \
    BIND_ADDRESS="127.0.0.1:$PORT" \
    JWT_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
    ADMIN_EMAIL=admin@example.com \
    ADMIN_PASSWORD="$PASSWORD" \
    RATE_LIMIT_LOGINS_PER_MINUTE=1000 \
    RUST_LOG=warn \
    "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do
    curl -sf -o /dev/null "$BASE/ready" && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server stopped: $(tail -3 "$WORK/server.log")"
    sleep 0.1
done
TOKEN=$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"admin@example.com\",\"password\":\"$PASSWORD\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

# ---- 1. upload to renditions ----
printf '\n== upload-to-renditions: POST /api/v1/media, 4000x3000 JPEG, %s uploads (release, %s cores)\n' \
    "$MEDIA_UPLOADS" "$(nproc)"
times=()
for i in $(seq "$MEDIA_UPLOADS"); do
    out=$(curl -s -o "$WORK/upload.json" -w '%{http_code} %{time_total}' \
        -H "Authorization: Bearer $TOKEN" \
        -F "file=@$WORK/photo.jpg" -F "alt=Benchmark photo $i" -F "credit=Photo: bench" \
        "$BASE/api/v1/media")
    [[ "${out% *}" == 201 ]] || die "upload $i answered ${out% *}: $(head -c 300 "$WORK/upload.json")"
    times+=("${out#* }")
    printf '  upload %s: %.2f s\n' "$i" "${out#* }"
done
printf 'median: %.2f s per 12-megapixel upload (original re-encoded + %s renditions made and stored)\n' \
    "$(median "${times[@]}")" \
    "$(python3 -c 'import json; print(len(json.load(open("'"$WORK/upload.json"'"))["renditions"]))')"
python3 - "$WORK/upload.json" <<'PY'
import json, sys
item = json.load(open(sys.argv[1]))
print(f"  original: {item['mime_type']} {item['width']}x{item['height']}, {item['bytes']} bytes")
PY
LARGE=$(python3 -c 'import json, sys
item = json.load(open(sys.argv[1]))
print(next(r["url"] for r in item["renditions"] if r["name"] == "large" and r["mime_type"] == "image/jpeg"))' "$WORK/upload.json")

# ---- 2. serving the large rendition: the binary against nginx ----
mkdir -p "$WORK/www" "$WORK/nginx"/{client_body,proxy,fastcgi,uwsgi,scgi}
curl -sf -o "$WORK/www/large.jpg" "$BASE$LARGE"
chmod 0755 "$WORK/www"
chmod 0644 "$WORK/www/large.jpg"
NGINX_PORT=$(free_port)
user_line=
if [[ $(id -u) -eq 0 ]]; then
    if getent passwd www-data >/dev/null; then user_line="user www-data;"; else user_line="user nobody nogroup;"; fi
fi
cat >"$WORK/nginx/nginx.conf" <<NGINX
$user_line
worker_processes $NGINX_WORKERS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    types { image/jpeg jpg; }
    sendfile on;
    tcp_nopush on;
    open_file_cache max=64 inactive=60s;
    keepalive_requests 10000000;
    keepalive_timeout 75s;
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
        location / { add_header Cache-Control "public, max-age=31536000, immutable"; }
    }
}
NGINX
"$NGINX" -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/stderr.log" 2>&1 &
NGINX_PID=$!
for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/large.jpg" && break
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx stopped: $(tail -3 "$WORK/nginx/error.log")"
    sleep 0.1
done
cmp -s <(curl -sf "http://127.0.0.1:$NGINX_PORT/large.jpg") <(curl -sf "$BASE$LARGE") ||
    die "nginx and the server do not serve the same bytes"

printf '\n== serving the large rendition (%s bytes): wrk -t%s -c%s -d%s, %s rounds, alternated; nginx %s workers, the server one per core (%s)\n' \
    "$(stat -c %s "$WORK/www/large.jpg")" "$MEDIA_THREADS" "$MEDIA_CONNECTIONS" "$MEDIA_DURATION" \
    "$MEDIA_ROUNDS" "$NGINX_WORKERS" "$(nproc)"
printf 'load average at the start: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
server_rps=()
nginx_rps=()
for round in $(seq "$MEDIA_ROUNDS"); do
    for who in server nginx; do
        if [[ $who == server ]]; then url="$BASE$LARGE"; else url="http://127.0.0.1:$NGINX_PORT/large.jpg"; fi
        out=$(wrk -t"$MEDIA_THREADS" -c"$MEDIA_CONNECTIONS" -d"$MEDIA_DURATION" "$url")
        errors=$(awk '/Non-2xx|Socket errors/' <<<"$out" | tr -s ' \n' ' ')
        [[ -z "$errors" ]] || die "$who: wrk saw errors: $errors"
        rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
        printf '  round %s %-6s %10s req/s\n' "$round" "$who" "$rps"
        if [[ $who == server ]]; then server_rps+=("$rps"); else nginx_rps+=("$rps"); fi
    done
done
s=$(median "${server_rps[@]}")
n=$(median "${nginx_rps[@]}")
printf 'median: server %s req/s, nginx %s req/s, ratio %s (target >= 0.5)\n' "$s" "$n" \
    "$(awk -v s="$s" -v n="$n" 'BEGIN { printf "%.2f", (n > 0 ? s / n : 0) }')"
