#!/usr/bin/env bash
# Benchmark: seeds a large demo database, starts the release binary on it, and measures
# the hot read endpoints with wrk on loopback. Prints requests/second and latency
# percentiles per endpoint, then search: per mix of queries, searches never asked before at
# 1 and at 16 connections and the keystrokes of readers, with a summary of the targets met
# (bench/search.sh); then views, churn and the ceiling; then the SQLite query plans of the
# list and search queries.
#
#   bash bench/run.sh                      # 100,000 articles, 10 s per run
#   ARTICLES=20000 DURATION=5s VIEWS_DURATION=10s bash bench/run.sh
#   SEEDED=/path/to/seeded.db PARTS=search bash bench/run.sh   # a copy of that database;
#                                          # parts: endpoints search views churn ceiling plans
#   ARTICLES=3000 DURATION=2s PARTS="search plans" bash bench/run.sh   # a quick check
#   ARTICLES=10000 PARTS=churn bash bench/run.sh     # the cached list idle and while views
#                                          # and comment approvals churn it (bench/churn.sh)
#   ARTICLES=10000 PARTS=ceiling bash bench/run.sh   # the server against nginx serving
#                                          # its saved answers (bench/ceiling.sh)
#
# Needs wrk and, for the ceiling, nginx (both installed with apt-get when missing and
# allowed), and python3.
set -euo pipefail

ARTICLES=${ARTICLES:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ensure_package COMMAND PACKAGE...: installs the first Debian package of the list that
# apt can install when COMMAND is missing (after an apt-get update if none could).
ensure_package() {
    local command=$1 package update
    shift
    command -v "$command" >/dev/null || [[ -x "/usr/sbin/$command" ]] && return 0
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    for update in no yes; do
        [[ $update == yes ]] && "${sudo[@]}" apt-get update -qq >/dev/null
        for package in "$@"; do
            echo "installing $package (Debian package)"
            "${sudo[@]}" apt-get install -y -qq "$package" >/dev/null 2>&1 && return 0
        done
    done
    echo "could not install any of: $*" >&2
    return 1
}
ensure_package wrk wrk

# A wrk latency (850.00us, 1.20ms, 1.02s) in milliseconds.
to_ms() { awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[0-9]s$/ && $1 !~ /ms$/) v *= 1000; printf "%.2f", v }' <<<"$1"; }

cargo build --release --locked
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET_DIR/release/newsroom"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-bench.XXXXXX")
SERVER_PID=
cleanup() {
    # nginx, when the ceiling part started it.
    declare -F ceiling_stop_nginx >/dev/null && ceiling_stop_nginx
    # The views wrk and the approval loop, when the churn part started them.
    declare -F churn_stop >/dev/null && churn_stop
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

PARTS=${PARTS:-endpoints search views churn ceiling plans}
part() { [[ " $PARTS " == *" $1 "* ]]; }

DB="$WORK/bench.db"
if [[ -n "${SEEDED:-}" ]]; then
    echo "== a copy of $SEEDED"
    cp "$SEEDED" "$DB"
else
    echo "== seeding $ARTICLES articles"
    start=$(date +%s.%N)
    DATABASE_URL="$DB" "$BIN" seed --demo --articles "$ARTICLES" >/dev/null
    end=$(date +%s.%N)
    python3 -c "import sys; print(f'seeded in {float(sys.argv[2]) - float(sys.argv[1]):.1f} s, database {__import__(\"os\").path.getsize(sys.argv[3]) / 2**20:.0f} MiB')" "$start" "$end" "$DB"
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
# A high comment rate limit: the churn part posts its pending comments from one address.
# One trusted proxy: the views parts post each view from its own reader's address in
# X-Forwarded-For, as a client counts one view per article within VIEW_DEDUP_SECONDS.
start_server() {
    DATABASE_URL="$DB" BIND_ADDRESS="127.0.0.1:$PORT" RUST_LOG=warn RATE_LIMIT_COMMENTS_PER_MINUTE=100000 TRUSTED_PROXIES=1 \
        SITE_URL=https://news.example.com \
        JWT_SECRET=bench-secret-bench-secret-bench-secret-0123 "$BIN" serve >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do curl -sf "$BASE/ready" >/dev/null && break; sleep 0.1; done
}
# A new process: empty caches.
restart_server() {
    kill "$SERVER_PID" && wait "$SERVER_PID" || true
    start_server
}
start_server

if part endpoints; then
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
fi

# ---- search ----------------------------------------------------------------------------
# GET /api/v1/search as a live search box asks it (bench/search.sh): per mix of searches
# (one, two, three words, being typed), searches never asked before at 1 connection (target
# p50 < 3 ms, p99 < 10 ms) and at 16 (target >= 500 req/s), each on a new server; then the
# keystrokes of readers, Zipf-popular, whose repeats the response cache answers while it
# holds them, alone and while an article is published every second (each publish makes
# every cached answer stale). A summary says which targets were met.
if part search; then
source "$ROOT/bench/search.sh"
bench_search
fi

# ---- views ------------------------------------------------------------------------------
# Ingest for VIEWS_DURATION (30 s by default) and the popular list with and without it.
if part views; then
source "$ROOT/bench/views.sh"
bench_views
fi

# ---- churn ------------------------------------------------------------------------------
# The cached article list idle, then while views are posted at about 5,000/s and a comment
# is approved every second (each approval empties the cache), alternated (bench/churn.sh).
if part churn; then
source "$ROOT/bench/churn.sh"
bench_churn
fi

# ---- ceiling ----------------------------------------------------------------------------
# The server against nginx serving the server's own answers as static files: identity, gzip
# and 304, alternated runs, median req/s and the ratio to nginx (bench/ceiling.sh).
if part ceiling; then
source "$ROOT/bench/ceiling.sh"
bench_ceiling
fi

if part plans; then
echo
echo "== query plans (the SQL the list and search endpoints run, as src/articles/queries.rs and src/fulltext/fts.rs write it; none may SCAN articles)"
python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
now = "9999-01-01 00:00:00"
# The list: the page's ids from an index (LIMIT and OFFSET; page 2000 skips 39,980 entries
# of it), the total, then the rows shown.
public = "articles.status = 'published' AND articles.published_at <= ?"
ids = f"SELECT articles.id FROM articles WHERE {public}"
newest = "ORDER BY articles.published_at DESC, articles.id DESC"
# Search, for "port" typed (the last word a prefix): the newest SEARCH_RANKED_MATCHES
# public matches with the titles and excerpts that rank them (ranking and snippets are
# made in Rust, src/fulltext/rank.rs and snippet.rs), the total (from the index alone, less
# the scheduled), the older matches after the ranked ones, and the texts of one page.
match = "articles_fts MATCH '\"port\"*'"
matches = ("FROM articles_fts CROSS JOIN articles INDEXED BY articles_search_visibility "
           f"ON articles.id = articles_fts.rowid WHERE {match} AND articles.status = 'published'")
queries = {
    "articles page 1 (ids)": f"{ids} {newest} LIMIT 20 OFFSET 0",
    "articles page 2000 (ids)": f"{ids} {newest} LIMIT 20 OFFSET 39980",
    "articles total": f"SELECT COUNT(*) FROM articles WHERE {public}",
    "category page 1 (ids)": f"{ids} AND articles.category_id IN (4, 5) {newest} LIMIT 20 OFFSET 0",
    "one page of summaries": "SELECT * FROM articles INNER JOIN users ON users.id = articles.author_id LEFT JOIN categories ON categories.id = articles.category_id WHERE articles.id IN (1, 2, 3)",
    "article by slug": "SELECT * FROM articles WHERE articles.slug = 'x' AND ? IS NOT NULL",
    "search: the newest public matches, with what ranks them": f"SELECT newest.id, article.title, article.excerpt FROM (SELECT articles_fts.rowid AS id {matches} AND articles.published_at <= ? ORDER BY articles_fts.rowid DESC LIMIT 200) AS newest CROSS JOIN articles AS article ON article.id = newest.id",
    "search: total, the published in the index": "SELECT count(*) AS count FROM articles_fts WHERE articles_fts MATCH '\"port\"* NOT (\"\ue002draft\" OR \"\ue002archived\")'",
    "search: total, less the scheduled": f"SELECT count(*) AS count {matches} AND articles.published_at > ? AND articles_fts.rowid >= (SELECT min(id) FROM articles WHERE status = 'published' AND published_at > ?)",
    "search: total in a category": f"SELECT count(*) AS count {matches} AND articles.published_at <= ? AND articles.category_id IN (SELECT value FROM json_each('[4,5]'))",
    "search: the older matches, page 60": f"SELECT articles_fts.rowid AS id {matches} AND articles.published_at <= ? AND articles_fts.rowid < 5000 ORDER BY articles_fts.rowid DESC LIMIT 20 OFFSET 180",
    "search: the texts of one page, for snippets": "SELECT articles.id, articles.title, articles.excerpt, articles.content_text FROM articles WHERE articles.id IN (10, 500, 900)",
    "search: filter of the articles list (ids)": f"{ids} AND articles.id IN (SELECT rowid FROM articles_fts WHERE {match}) {newest} LIMIT 20 OFFSET 0",
}
scans = []
for name, sql in queries.items():
    plan = db.execute("EXPLAIN QUERY PLAN " + sql, (now,) * sql.count("?")).fetchall()
    print(f"{name}:")
    for row in plan:
        print("   ", row[-1])
        if row[-1].startswith("SCAN articles") and not row[-1].startswith("SCAN articles_fts"):
            scans.append(name)
print("no plan scans articles" if not scans else f"SCAN articles in: {', '.join(scans)}")
PY
fi
