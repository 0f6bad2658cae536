#!/usr/bin/env bash
# PostgreSQL against SQLite, and two instances behind nginx (issue 15). Standalone:
#
#   bash bench/postgres.sh                       # 10,000 articles, 10 s runs
#   ARTICLES=100000 DURATION=20s bash bench/postgres.sh
#
# One private PostgreSQL cluster (.ci/postgres.sh) and one SQLite file, both seeded with
# the same `seed --demo --articles $ARTICLES`. For each backend, one instance, wrk -t1
# -c$CONNECTIONS on:
#   cached list     GET /api/v1/articles?per_page=20, anonymous: the response cache answers
#   uncached list   the same with an editor's token: a token bypasses the cache, so every
#                   request runs the list's SQL (what the database is asked under load)
#   search          GET /api/v1/search?q=<word>&page=<n>, with the token (no cache): 16
#                   words, 50 pages
# Then on PostgreSQL two instances behind nginx (round-robin, keep-alive) on the uncached
# list, against one instance behind the same nginx. Then views through both instances:
# every `202` is counted, and the stored total must equal their sum (0 lost).
# Targets: PostgreSQL within 2x of SQLite on cached reads; two instances more uncached
# list throughput than one.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARTICLES=${ARTICLES:-10000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
BIN="$ROOT/target/release/newsroom"
WORK=$(mktemp -d /tmp/newsroom-bench-pg.XXXXXX)
# shellcheck source=../.ci/postgres.sh
source "$ROOT/.ci/postgres.sh"
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$pid" 2>/dev/null || true; done
    if [[ -n "${NGINX_PID:-}" ]]; then kill "$NGINX_PID" 2>/dev/null || true; fi
    pg_stop
    rm -rf "$WORK"
}
trap cleanup EXIT

(cd "$ROOT" && cargo build --release --locked -q)
command -v wrk >/dev/null || { echo "wrk is needed (Debian package wrk)" >&2; exit 1; }
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$NGINX_BIN" ]] || { echo "nginx is needed (Debian package nginx-light)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SECRET=bench-secret-bench-secret-bench-secret-0123
EDITOR_PASSWORD=bench-editor-password-123

# serve DATABASE_URL: starts an instance; sets PORT and SERVER (its pid).
serve() {
    local port
    port=$(free_port)
    DATABASE_URL=$1 BIND_ADDRESS="127.0.0.1:$port" JWT_SECRET=$SECRET RUST_LOG=warn TRUSTED_PROXIES=2 \
        RATE_LIMIT_LOGINS_PER_MINUTE=100000 RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE=100000 \
        "$BIN" serve >>"$WORK/server.log" 2>&1 &
    SERVER=$!
    PIDS+=("$SERVER")
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
    PORT=$port
}

# seed DATABASE_URL: the demo content and an editor.
seed() {
    DATABASE_URL=$1 "$BIN" seed --demo --articles "$ARTICLES" >/dev/null
    printf '%s\n' "$EDITOR_PASSWORD" | DATABASE_URL=$1 "$BIN" create-user \
        --email bench-editor@example.com --role editor --display-name "Bench editor" >/dev/null
}

token() {
    curl -s -X POST "http://127.0.0.1:$1/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"email\":\"bench-editor@example.com\",\"password\":\"$EDITOR_PASSWORD\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# run NAME URL [wrk args...]: one wrk run; prints req/s and p99.
run() {
    local name=$1 url=$2 out
    shift 2
    out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")
    printf '%-44s %10s req/s   p99 %s\n' "$name" \
        "$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")" \
        "$(awk '$1 == "99%" { print $2 }' <<<"$out")"
    grep -E "Non-2xx|Socket errors" <<<"$out" || true
}

# A search a request: words of the articles, a different one each time.
cat >"$WORK/search.lua" <<'LUA'
local words = {"port", "council", "storm", "election", "river", "school", "market", "police",
  "health", "budget", "court", "museum", "bridge", "energy", "water", "strike"}
local i = 0
request = function()
  i = i + 1
  local w = words[(i - 1) % #words + 1]
  return wrk.format("GET", "/api/v1/search?q=" .. w .. "&page=" .. (math.floor((i - 1) / #words) % 50 + 1))
end
LUA

echo "== seeding $ARTICLES articles into SQLite and PostgreSQL"
pg_start >/dev/null
psql -q "$PG_URL" -c "CREATE DATABASE bench"
PG_DB="${PG_URL%/postgres}/bench"
SQLITE_DB="$WORK/bench.db"
seed "$SQLITE_DB"
seed "$PG_DB"

printf '\n== one instance each, wrk -t1 -c%s, %s a run\n' "$CONNECTIONS" "$DURATION"
for backend in sqlite postgres; do
    db=$SQLITE_DB
    [[ $backend == postgres ]] && db=$PG_DB
    serve "$db"
    base="http://127.0.0.1:$PORT"
    tok=$(token "$PORT")
    curl -s -o /dev/null "$base/api/v1/articles?per_page=20"
    run "$backend: cached list" "$base/api/v1/articles?per_page=20"
    run "$backend: uncached list (editor's token)" "$base/api/v1/articles?per_page=20" -H "Authorization: Bearer $tok"
    run "$backend: search (editor's token: no cache)" "$base" -s "$WORK/search.lua" \
        -H "Authorization: Bearer $tok"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
done

echo
echo "== PostgreSQL: one and two instances behind nginx (round-robin), uncached list"
serve "$PG_DB"
first=$PORT
first_pid=$SERVER
serve "$PG_DB"
second=$PORT
second_pid=$SERVER
tok=$(token "$first")
# CPU time (clock ticks) so far of the instances, of PostgreSQL's processes, and of nginx:
# where the machine's cores go during a run.
ticks() {
    local pid total=0
    for pid in "$@"; do
        [[ -r /proc/$pid/stat ]] || continue
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
    done
    echo "$total"
}
cpu_split() {
    # shellcheck disable=SC2046
    echo "$(ticks "$first_pid" "$second_pid") $(ticks $(pgrep -u postgres)) $(ticks "$NGINX_PID" $(pgrep -P "$NGINX_PID"))"
}
# cpu_report BEFORE AFTER: each one's share of the machine's cores over the run (wrk takes
# the rest).
cpu_report() {
    local -a before after
    read -ra before <<<"$1"
    read -ra after <<<"$2"
    python3 - "$(getconf CLK_TCK)" "$(nproc)" "$DURATION" "${before[@]}" "${after[@]}" <<'PY'
import sys
tck, cores, duration = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
seconds = float(duration.rstrip("s"))
before, after = [int(x) for x in sys.argv[4:7]], [int(x) for x in sys.argv[7:10]]
shares = [(a - b) / tck / (seconds * cores) * 100 for a, b in zip(after, before)]
print("    CPU of the %d cores: instances %.0f%%, PostgreSQL %.0f%%, nginx %.0f%%, wrk and the rest %.0f%%"
      % (cores, shares[0], shares[1], shares[2], max(0, 100 - sum(shares))))
PY
}

nginx_run() {
    local name=$1 servers=$2 port ngx="$WORK/nginx-${1// /-}"
    port=$(free_port)
    mkdir -p "$ngx"/{client_body,proxy,fastcgi,uwsgi,scgi}
    cat >"$ngx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $ngx/client_body;
    proxy_temp_path $ngx/proxy;
    fastcgi_temp_path $ngx/fastcgi;
    uwsgi_temp_path $ngx/uwsgi;
    scgi_temp_path $ngx/scgi;
    upstream newsroom { $servers keepalive 64; }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://newsroom;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
NGINX
    "$NGINX_BIN" -p "$ngx" -e "$ngx/error.log" -c "$ngx/nginx.conf" &
    NGINX_PID=$!
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
    local before
    before=$(cpu_split)
    run "postgres: $name behind nginx, uncached list" "http://127.0.0.1:$port/api/v1/articles?per_page=20" \
        -H "Authorization: Bearer $tok"
    cpu_report "$before" "$(cpu_split)"
    if [[ $name == "two instances" ]]; then
        views_check "http://127.0.0.1:$port"
    fi
    kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=
}

# views_check BASE: views of one public article from 3,000 readers (each its own address,
# behind nginx, the second trusted proxy) through both instances; the stored total must
# equal the 202s.
views_check() {
    local base=$1 accepted stored
    accepted=$(python3 - "$base" "$VIEWED" <<'PY'
import http.client, sys, urllib.parse
base = urllib.parse.urlsplit(sys.argv[1])
conn = http.client.HTTPConnection(base.hostname, base.port)
accepted = 0
for reader in range(3000):
    conn.request("POST", f"/api/v1/articles/{sys.argv[2]}/views", headers={
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "X-Forwarded-For": f"10.{reader // 65536}.{reader // 256 % 256}.{reader % 256}"})
    response = conn.getresponse(); response.read()
    accepted += response.status == 202
print(accepted)
PY
)
    # Both instances write their buffers at their next flush (one second).
    sleep 2.5
    stored=$(psql -qtA "$PG_DB" -c "SELECT view_count FROM articles WHERE id = $VIEWED")
    echo "views through both instances: $accepted accepted (202), $stored stored; lost: $((accepted - stored))"
}
VIEWED=$(psql -qtA "$PG_DB" -c "SELECT id FROM articles WHERE status = 'published' AND published_at <= now() ORDER BY id LIMIT 1")
psql -q "$PG_DB" -c "UPDATE articles SET view_count = 0 WHERE id = $VIEWED"
nginx_run "one instance" "server 127.0.0.1:$first;"
nginx_run "two instances" "server 127.0.0.1:$first; server 127.0.0.1:$second;"
