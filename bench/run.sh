#!/usr/bin/env bash
# Benchmark: seeds a large demo database, starts the release binary on it, and measures
# the hot read endpoints with wrk on loopback. Prints requests/second and latency
# percentiles per endpoint, then per mix of search queries (with a summary line), then the
# SQLite query plans of the list and search queries.
#
#   bash bench/run.sh                      # 100,000 articles, 10 s per endpoint
#   ARTICLES=20000 DURATION=5s VIEWS_DURATION=10s bash bench/run.sh
#   SEEDED=/path/to/seeded.db PARTS=search bash bench/run.sh   # a copy of that database;
#                                          # parts: endpoints search views churn ceiling plans
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

# An editor for the runs that publish while searches are measured.
BENCH_EDITOR=bench-editor@example.com
BENCH_PASSWORD=bench-password-$RANDOM$RANDOM
printf '%s\n' "$BENCH_PASSWORD" | DATABASE_URL="$DB" "$BIN" create-user \
    --email "$BENCH_EDITOR" --role editor --display-name "Bench editor" >/dev/null

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
# A high comment rate limit: the churn part posts its pending comments from one address.
start_server() {
    DATABASE_URL="$DB" BIND_ADDRESS="127.0.0.1:$PORT" RUST_LOG=warn RATE_LIMIT_COMMENTS_PER_MINUTE=100000 \
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
# GET /search as a live search box uses it: a request on every keystroke, at 16 connections.
# Searches are made of words from the seeded articles (not the glue words nearly every
# article has): one, two or three of them.
#
#   keystrokes  readers type searches letter by letter, a request from the second letter
#               on ("po", "pol", ... "police st"); which search they type follows a Zipf
#               popularity over SEARCH_POOL searches, the usual shape of a search log.
#               Measured in steady state: the stream's first SEARCH_WARMUP requests one
#               at a time, then the measured run goes on with the same stream. Prints how
#               many of the measured requests were new (asked for the first time, so
#               ranked on the spot); the others were remembered (src/search/cache.rs).
#               Then again while an editor publishes an article a second.
#   cold        one, two, three words, and words being typed (the last cut after two
#               letters or more): every request a query never asked before. The worst case.
# Each row also gives the server's CPU time per request (user and system, all threads).
if part search; then
SEARCH_CONNECTIONS=${SEARCH_CONNECTIONS:-16}
SEARCH_POOL=${SEARCH_POOL:-2000}
SEARCH_QUERIES=${SEARCH_QUERIES:-20000}
SEARCH_WARMUP=${SEARCH_WARMUP:-20000}
python3 - "$DB" "$WORK" "$SEARCH_QUERIES" "$SEARCH_POOL" <<'PY'
import random, sqlite3, sys, urllib.parse
db_path, out, count, pool_size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
db = sqlite3.connect(db_path)
rng = random.Random(7)
articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
top = db.execute("SELECT max(id) FROM articles").fetchone()[0]
counts = {}
def sought(word):
    # Words in at most a fifth of the articles: what readers look for.
    if word not in counts:
        match = '"%s"' % word
        counts[word] = db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()[0]
    return counts[word] <= articles / 5
def words(n):
    while True:
        row = db.execute("SELECT title || ' ' || substr(content_text, 1, 600) FROM articles WHERE id = ?", (rng.randint(1, top),)).fetchone()
        text = "".join(c if c.isalnum() else " " for c in (row[0] if row else ""))
        found = [w for w in text.split() if len(w) > 3 and sought(w)]
        if len(found) >= n:
            return [w.lower() for w in rng.sample(found, n)]
def path(query):
    return f"/api/v1/search?q={urllib.parse.quote(query)}\n"
def typing():
    typed = words(rng.choice((1, 2)))
    typed[-1] = typed[-1][:rng.randint(2, len(typed[-1]) - 1)]
    return typed
mixes = {"one word": lambda: words(1), "two words": lambda: words(2), "three words": lambda: words(3), "being typed": typing}
for name, draw in mixes.items():
    queries = {}
    while len(queries) < count:
        queries.setdefault(" ".join(draw()), len(queries))
    with open(f"{out}/search-{name.replace(' ', '-')}.txt", "w") as f:
        f.writelines(path(q) for q in queries)
pool = list(dict.fromkeys(" ".join(words(rng.choice((1, 2, 3)))) for _ in range(pool_size)))
popularity = [1 / rank for rank in range(1, len(pool) + 1)]
with open(f"{out}/search-keystrokes.txt", "w") as f:
    for search in rng.choices(pool, popularity, k=50_000):
        f.writelines(path(search[:n]) for n in range(2, len(search) + 1) if search[n - 1] != " ")
PY
cat >"$WORK/rotate.lua" <<'LUA'
-- Requests the paths of a file (the first `limit` of them, 0 for all) in turn, each thread
-- starting at its own place, so that no two threads send the same query.
local threads, paths, i = 0, {}, 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
init = function(args)
  local limit = tonumber(args[2]) or 0
  for line in io.lines(args[1]) do
    if limit > 0 and #paths >= limit then break end
    paths[#paths + 1] = line
  end
  i = (id - 1) * 7919 % #paths
end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
cat >"$WORK/stream.lua" <<'LUA'
-- Requests the paths of a file in order from line `start` (0: the first), and prints the
-- line it got to. Run with one thread, so that the order is the file's.
local thread
setup = function(t) thread = t end
init = function(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = tonumber(args[2]) or 0
end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) % #paths + 1])
end
done = function() io.write(string.format("reached %d\n", thread:get("i"))) end
LUA

# Milliseconds of CPU the server has used so far (user and system, all threads): divided by
# the requests of a run, the cost of a request, which varies far less from run to run on a
# shared machine than latency does.
server_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$SERVER_PID/stat"; }
# search_row NAME WRK_OUTPUT CPU_MS
search_row() {
    local name=$1 out=$2 cpu_ms=$3
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    cpu=$(awk -v ms="$cpu_ms" -v n="$requests" 'BEGIN { printf "%.2f ms", (n > 0 ? ms / n : 0) }')
    errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
    printf '%-34s %12s %10s %10s %12s %10s\n' "$name" "$rps" "$p50" "$p99" "$cpu" "${errors:-none}"
    summary+=("$(printf '%s: p50 %s ms, p99 %s ms' "$name" "$(to_ms "$p50")" "$(to_ms "$p99")")")
}
summary=()
printf '\n== search: %s connections, %s each\n' "$SEARCH_CONNECTIONS" "$DURATION"
printf '%-34s %12s %10s %10s %12s %10s\n' "queries" "req/s" p50 p99 "CPU/request" errors
stream="$WORK/search-keystrokes.txt"
# keystrokes NAME [PUBLISH]: the keystroke stream from a fresh server, in steady state; with
# PUBLISH, an editor publishes an article a second while it is measured (a copy of a random
# published one: new text that matches what real articles match).
keystrokes() {
    local name=$1 publish=${2:-}
    restart_server
    # Warm-up: the stream's first SEARCH_WARMUP requests, one at a time, so that every run
    # starts from the same remembered searches.
    python3 - "$BASE" "$stream" "$SEARCH_WARMUP" <<'PY'
import http.client, sys, urllib.parse
base, stream, count = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection(base.hostname, base.port)
with open(stream) as paths:
    for _, path in zip(range(count), paths):
        conn.request("GET", path.strip())
        conn.getresponse().read()
PY
    local publisher=
    if [[ -n "$publish" ]]; then
        python3 - "$BASE" "$BENCH_EDITOR" "$BENCH_PASSWORD" "$DURATION" >"$WORK/published" <<'PY' &
import http.client, json, random, re, sys, time, urllib.parse
base, email, password = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2], sys.argv[3]
seconds = float(re.sub(r"s$", "", sys.argv[4]))
conn = http.client.HTTPConnection(base.hostname, base.port)
def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, "/api/v1" + path, json.dumps(body) if body else None, headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")
_, login = call("POST", "/auth/login", {"email": email, "password": password})
token = login["access_token"]
_, newest = call("GET", "/articles?per_page=1")
top = newest["data"][0]["id"]
rng, published, start = random.Random(11), 0, time.monotonic()
while time.monotonic() - start < seconds:
    status, article = call("GET", f"/articles/{rng.randint(1, top)}")
    if status == 200:
        copy = {key: article[key] for key in ("title", "excerpt")}
        category = article.get("category") or {}
        copy.update(content=article["content_html"], status="published", category_id=category.get("id"))
        status, _ = call("POST", "/articles", copy, token)
        published += status == 201
    time.sleep(max(0.0, published + 1 - (time.monotonic() - start)))
print(published)
PY
        publisher=$!
    fi
    local from=$SEARCH_WARMUP cpu out to
    cpu=$(server_cpu_ms)
    out=$(wrk -t1 -c"$SEARCH_CONNECTIONS" -d"$DURATION" --latency -s "$WORK/stream.lua" "$BASE" -- "$stream" "$from")
    to=$(awk '/^reached/ {print $2}' <<<"$out")
    search_row "$name" "$out" $(($(server_cpu_ms) - cpu))
    [[ -n "$publisher" ]] && wait "$publisher" && echo "    $(cat "$WORK/published") articles published while measured"
    python3 - "$stream" "$from" "$to" <<'PY'
import sys
paths = open(sys.argv[1]).read().splitlines()
start, end = int(sys.argv[2]), int(sys.argv[3])
seen = set(paths[i % len(paths)] for i in range(start))
new = 0
for i in range(start, end):
    path = paths[i % len(paths)]
    new += path not in seen
    seen.add(path)
print(f"    {end - start} requests measured after {start} of warm-up; {new} of them "
      f"({100 * new / max(end - start, 1):.1f}%) were searches asked for the first time")
PY
}
keystrokes "keystrokes, steady state"
keystrokes "keystrokes, 1 article/s published" publish
restart_server
for mix in one-word two-words three-words being-typed; do
    cpu=$(server_cpu_ms)
    out=$(wrk -t"$THREADS" -c"$SEARCH_CONNECTIONS" -d"$DURATION" --latency \
        -s "$WORK/rotate.lua" "$BASE" -- "$WORK/search-$mix.txt" 0)
    search_row "${mix//-/ }, cold" "$out" $(($(server_cpu_ms) - cpu))
done
echo "search summary (target: p50 < 5 ms, p99 < 25 ms):"
printf '    %s\n' "${summary[@]}"
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
echo "== query plans (the shapes of the SQL the list and search endpoints run; none may SCAN articles)"
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
    "search: the public matches, ranked (bm25 stands in for remembered_bm25, the server's own)": "WITH matches AS MATERIALIZED (SELECT articles_fts.rowid AS id, bm25(articles_fts, 10.0, 3.0, 1.0, 0.0) AS score FROM articles_fts CROSS JOIN articles INDEXED BY articles_search_visibility ON articles.id = articles_fts.rowid WHERE articles_fts MATCH '\"port\"*' AND articles.status = 'published' AND articles.published_at <= ? ORDER BY articles_fts.rowid DESC LIMIT 1000) SELECT id, score FROM matches ORDER BY score, id DESC",
    "search: total, every match": "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '\"port\"*'",
    "search: total, less the scheduled": "SELECT count(*) FROM articles_fts CROSS JOIN articles INDEXED BY articles_search_visibility ON articles.id = articles_fts.rowid WHERE articles_fts MATCH '\"port\"*' AND articles.status = 'published' AND articles.published_at > ? AND articles_fts.rowid >= (SELECT min(id) FROM articles WHERE status = 'published' AND published_at > ?)",
    "search: filter of the articles list (ids)": "SELECT id FROM articles WHERE status = 'published' AND published_at <= ? AND articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"port\"*') ORDER BY published_at DESC, id DESC LIMIT 20",
}
for name, sql in queries.items():
    plan = db.execute("EXPLAIN QUERY PLAN " + sql, (now,) * sql.count("?")).fetchall()
    print(f"{name}:")
    for row in plan:
        print("   ", row[-1])
PY
fi
