# View ingest benchmark, sourced by bench/run.sh (uses its BASE, DB and DURATION).
# Posts views to one article with wrk for VIEWS_DURATION, each from its own reader's
# address (bench/views.lua: a client counts one view per article within
# VIEW_DEDUP_SECONDS), checks the stored count against the 202s wrk saw, prints the
# counted views per second against the target (at least 20,000 from many distinct
# clients), and measures GET /articles/popular alone and during the ingest.

VIEWS_DURATION=${VIEWS_DURATION:-30s}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The stored count, from the database itself: the API's public answers are cached and
# their counts may lag by COUNTERS_MAX_LAG_SECONDS.
view_count() {
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT view_count FROM articles WHERE id = ?", (int(sys.argv[2]),)).fetchone()[0])' "$DB" "$1"
}

rps() {
    awk '/Requests\/sec/ {print $2}' <<<"$1"
}

bench_views() {
    local article popular before after accepted other alone during ingest_out
    article=$(curl -s "$BASE/api/v1/articles?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')
    popular="$BASE/api/v1/articles/popular?by=views&window=week&limit=10"
    sleep 1.5 # let any earlier flush land
    before=$(view_count "$article")

    printf '\n== views: GET /articles/popular without ingest (16 connections, %s)\n' "$DURATION"
    alone=$(wrk -t1 -c16 -d"$DURATION" --latency "$popular")
    printf 'popular alone: %s req/s, p99 %s\n' "$(rps "$alone")" "$(awk '$1 == "99%" {print $2}' <<<"$alone")"

    printf '\n== views: POST /articles/%s/views for %s (64 connections), popular measured meanwhile\n' "$article" "$VIEWS_DURATION"
    wrk -t1 -c64 -d"$VIEWS_DURATION" -s "$BENCH_DIR/views.lua" "$BASE/api/v1/articles/$article/views" >"$WORK/ingest.txt" &
    local ingest_pid=$!
    sleep 5
    during=$(wrk -t1 -c16 -d"$DURATION" --latency "$popular")
    wait "$ingest_pid"
    ingest_out=$(cat "$WORK/ingest.txt")
    sleep 2.5 # past one flush interval
    after=$(view_count "$article")
    accepted=$(awk '/^ACCEPTED/ {print $2}' <<<"$ingest_out")
    other=$(awk '/^OTHER/ {print $2}' <<<"$ingest_out")
    printf 'popular during ingest: %s req/s, p99 %s\n' "$(rps "$during")" "$(awk '$1 == "99%" {print $2}' <<<"$during")"
    printf 'ingest: %s req/s; 202s seen by wrk: %s; other statuses: %s\n' "$(rps "$ingest_out")" "$accepted" "$other"
    python3 - "$before" "$after" "$accepted" "$VIEWS_DURATION" <<'PY'
import re, sys
before, after, accepted = map(int, sys.argv[1:4])
seconds = float(re.sub(r"s$", "", sys.argv[4]))
stored = after - before
per_second = stored / seconds
print(f"counted: {per_second:,.0f} views/s from distinct readers (target: at least 20,000); met: {'yes' if per_second >= 20000 else 'no'}")
# wrk stops at its deadline with up to one request in flight per connection: the server
# counted those views, wrk never read their 202. So stored may exceed accepted by <= 64.
lost = max(0, accepted - stored)
print(f"stored: {stored} views; lost: {lost}; counted but unread by wrk at its deadline: {max(0, stored - accepted)}")
if lost or stored - accepted > 64:
    sys.exit("view count mismatch")
PY
}
