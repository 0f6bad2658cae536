#!/usr/bin/env bash
# Benchmark: seeds a large demo database, starts the release binary on it, and measures
# the hot read endpoints with wrk on loopback. Prints requests/second and latency
# percentiles per endpoint, then the SQLite query plans of the list queries.
#
#   bash bench/run.sh                      # 100,000 articles, 10 s per endpoint
#   ARTICLES=20000 DURATION=5s bash bench/run.sh
#
# Needs wrk (installed with apt-get when missing and allowed) and python3.
set -euo pipefail

ARTICLES=${ARTICLES:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package)"
    if [[ $(id -u) -eq 0 ]]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi

cargo build --release --locked
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET_DIR/release/newsroom"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-bench.XXXXXX")
SERVER_PID=
cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

DB="$WORK/bench.db"
echo "== seeding $ARTICLES articles"
start=$(date +%s.%N)
DATABASE_URL="$DB" "$BIN" seed --demo --articles "$ARTICLES" >/dev/null
end=$(date +%s.%N)
python3 -c "import sys; print(f'seeded in {float(sys.argv[2]) - float(sys.argv[1]):.1f} s, database {__import__(\"os\").path.getsize(sys.argv[3]) / 2**20:.0f} MiB')" "$start" "$end" "$DB"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
DATABASE_URL="$DB" BIND_ADDRESS="127.0.0.1:$PORT" RUST_LOG=warn \
    JWT_SECRET=bench-secret-bench-secret-bench-secret-0123 "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "$BASE/ready" >/dev/null && break; sleep 0.1; done

SLUG=$(curl -s "$BASE/api/v1/articles?per_page=1&page=500" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')

# name|path
ENDPOINTS=(
    "articles, page 1|/api/v1/articles?per_page=20"
    "articles, page 2000|/api/v1/articles?per_page=20&page=2000"
    "category page (crime), page 1|/api/v1/articles?category=crime&per_page=20"
    "category page (crime), page 200|/api/v1/articles?category=crime&per_page=20&page=200"
    "one article by slug|/api/v1/articles/slug/$SLUG"
)

printf '\n== wrk: %s threads, %s connections, %s each\n' "$THREADS" "$CONNECTIONS" "$DURATION"
printf '%-34s %12s %10s %10s %10s\n' endpoint "req/s" p50 p99 errors
for entry in "${ENDPOINTS[@]}"; do
    name=${entry%%|*}
    path=${entry#*|}
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$path")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
    printf '%-34s %12s %10s %10s %10s\n' "$name" "$rps" "$p50" "$p99" "${errors:-none}"
done

echo
echo "== query plans (the shapes of the SQL the list endpoints run; none may SCAN articles)"
python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
now = "9999-01-01 00:00:00"
queries = {
    "articles page 1 (ids)": "SELECT id FROM articles WHERE status = 'published' AND published_at <= ? ORDER BY published_at DESC, id DESC LIMIT 20",
    "articles page 2000, from its anchor (ids)": "SELECT id FROM articles WHERE status = 'published' AND published_at <= ? AND (published_at < ? OR id < 5) ORDER BY published_at DESC, id DESC LIMIT 20 OFFSET 980",
    "articles total": "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at <= ?",
    "category page 1 (ids)": "SELECT id FROM articles WHERE status = 'published' AND published_at <= ? AND category_id IN (4) ORDER BY published_at DESC, id DESC LIMIT 20",
    "one page of summaries": "SELECT * FROM articles INNER JOIN users ON users.id = articles.author_id LEFT JOIN categories ON categories.id = articles.category_id WHERE articles.id IN (1, 2, 3)",
    "article by slug": "SELECT id FROM articles WHERE slug = 'x' AND ? IS NOT NULL",
}
for name, sql in queries.items():
    plan = db.execute("EXPLAIN QUERY PLAN " + sql, (now,) * sql.count("?")).fetchall()
    print(f"{name}:")
    for row in plan:
        print("   ", row[-1])
PY
