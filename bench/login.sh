#!/usr/bin/env bash
# Login flood benchmark: 128 connections spray logins with a new random email each (which
# only the per-address limit and the bound on concurrent password hashing hold back) while
# a real user, from another address, signs in every half second. Prints the server's
# memory (RssAnon) before, at its peak during and after the spray, the real user's login
# latency (p50 and max) idle and during the spray, and the spray's answers by status; once
# with the default per-address limit (30 a minute: the spray is mostly cheap 429s) and once
# with it raised out of the way (every sprayed login costs an Argon2id run: what is then
# measured is the hashing bound).
#
#   bash bench/login.sh
#   SPRAY=60s CONNECTIONS=256 bash bench/login.sh
#
# Standalone (it builds the release binary and uses its own database); needs wrk, curl
# and python3. The real user sends `X-Forwarded-For` (the server trusts it here) so that it
# is another client address than the spray's 127.0.0.1.
set -euo pipefail

SPRAY=${SPRAY:-30s}
CONNECTIONS=${CONNECTIONS:-128}
SAMPLES=${SAMPLES:-20}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }

cargo build --release --locked
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET_DIR/release/newsroom"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-login-bench.XXXXXX")
SERVER_PID=
SAMPLER_PID=
cleanup() {
    [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

DB="$WORK/bench.db"
EMAIL=real.user@example.com
PASSWORD=real-user-password-123
DATABASE_URL="$DB" "$BIN" seed --demo --articles 100 >/dev/null
echo "$PASSWORD" | DATABASE_URL="$DB" "$BIN" create-user --email "$EMAIL" --role author \
    --display-name "Real User" >/dev/null

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
BODY=$(printf '{"email":"%s","password":"%s"}' "$EMAIL" "$PASSWORD")

rss_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$SERVER_PID/status"; }
mib() { awk '{printf "%.0f MiB", $1 / 1024}' <<<"$1"; }

# real_logins N: N logins of the real user, half a second apart; prints "p50 max" in ms
# and the statuses that were not 200.
real_logins() {
    local times=() statuses=() out
    for _ in $(seq "$1"); do
        out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST "$BASE/api/v1/auth/login" \
            -H 'Content-Type: application/json' -H 'X-Forwarded-For: 192.0.2.10' -d "$BODY")
        statuses+=("${out%% *}")
        times+=("${out#* }")
        sleep 0.5
    done
    python3 - "${times[@]}" -- "${statuses[@]}" <<'PY'
import statistics, sys
args = sys.argv[1:]
split = args.index("--")
times = sorted(float(t) * 1000 for t in args[:split])
statuses = args[split + 1:]
other = [s for s in statuses if s != "200"]
print(f"p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms"
      + (f"; not 200: {' '.join(other)}" if other else ""))
PY
}

# scenario NAME PER_ADDRESS_LIMIT
scenario() {
    local name=$1 per_address=$2 before peak after idle during wrk_out
    printf '\n== %s (RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE=%s)\n' "$name" "$per_address"
    DATABASE_URL="$DB" BIND_ADDRESS="127.0.0.1:$PORT" RUST_LOG=warn TRUST_FORWARDED_FOR=true \
        RATE_LIMIT_LOGINS_PER_MINUTE=100000 RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE="$per_address" \
        JWT_SECRET=bench-secret-bench-secret-bench-secret-0123 "$BIN" serve >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do curl -sf "$BASE/ready" >/dev/null && break; sleep 0.1; done

    idle=$(real_logins "$SAMPLES")
    before=$(rss_kib)
    echo 0 >"$WORK/peak"
    (
        peak=0
        while sleep 0.2; do
            now=$(rss_kib) || break
            ((now > peak)) && peak=$now && echo "$peak" >"$WORK/peak"
        done
    ) &
    SAMPLER_PID=$!
    wrk -t2 -c"$CONNECTIONS" -d"$SPRAY" -s bench/login.lua "$BASE/api/v1/auth/login" >"$WORK/wrk.txt" &
    local wrk_pid=$!
    sleep 3
    during=$(real_logins "$SAMPLES")
    wait "$wrk_pid"
    kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=
    peak=$(cat "$WORK/peak")
    sleep 2
    after=$(rss_kib)
    wrk_out=$(cat "$WORK/wrk.txt")

    echo "memory (RssAnon): before $(mib "$before"), peak during $(mib "$peak"), after $(mib "$after")"
    echo "real login idle:         $idle"
    echo "real login during spray: $during"
    echo "spray: $(awk '/Requests\/sec/ {print $2}' <<<"$wrk_out") req/s; $(awk '/^STATUS/ {$1 = ""; print}' <<<"$wrk_out")" \
        "$(awk '/Socket errors/' <<<"$wrk_out")"
    kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

echo "cores: $(nproc); spray: $CONNECTIONS connections for $SPRAY; real user: $SAMPLES logins, 0.5 s apart"
scenario "default per-address limit" 30
scenario "per-address limit raised" 1000000
