# Cache churn benchmark, sourced by bench/run.sh (uses its BASE, BIN, DB, WORK,
# restart_server and to_ms): GET /api/v1/articles?per_page=20, anonymous, so served from
# the response cache, measured idle and under churn, alternated (idle, churn, idle, churn).
#
#   idle   wrk -t1 -c32 for CHURN_DURATION on the list alone
#   churn  the same, while at the same time
#          - views are posted at about CHURN_VIEW_RATE (5,000) a second over the first
#            CHURN_VIEW_ARTICLES (4) articles of the list, by a second wrk (bench/churn.lua):
#            wrk has no rate limit, so each of its connections pauses CHURN_VIEW_PAUSE_MS
#            (5) after every answer, and the number of connections is calibrated first,
#            under the same list load, until the rate is within 10% of the target (or set
#            it with CHURN_VIEW_CONNECTIONS; CHURN_VIEW_RATE=0 posts none);
#          - an admin approves a pending comment of the list's newest article every second
#            (PATCH /comments/{id} {"status":"approved"}); every approval moves the public
#            content version, so the cached list is thrown away each second: the worst case
#            for the cache (CHURN_APPROVALS=0 approves none).
#
# Prints p50, p99 and req/s of each run, the views and approvals per second achieved, the
# load average, and churn p99 / idle p99 per round against the target (at most 2x). Then
# checks that the list shows every approval (its comment_count).

CHURN_DURATION=${CHURN_DURATION:-10s}
CHURN_CONNECTIONS=${CHURN_CONNECTIONS:-32}
CHURN_ROUNDS=${CHURN_ROUNDS:-2}
CHURN_VIEW_RATE=${CHURN_VIEW_RATE:-5000}
CHURN_VIEW_PAUSE_MS=${CHURN_VIEW_PAUSE_MS:-5}
CHURN_VIEW_ARTICLES=${CHURN_VIEW_ARTICLES:-4}
CHURN_VIEW_CONNECTIONS=${CHURN_VIEW_CONNECTIONS:-}
CHURN_APPROVALS=${CHURN_APPROVALS:-1}
CHURN_TARGET=2

CHURN_DIR=
CHURN_PIDS=()
CHURN_LIST="/api/v1/articles?per_page=20"

# Stops what the churn part started in the background (run.sh's cleanup calls it too).
churn_stop() {
    local pid
    [[ -z "$CHURN_DIR" ]] || touch "$CHURN_DIR/stop" 2>/dev/null || true
    for pid in "${CHURN_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    CHURN_PIDS=()
    return 0
}

churn_die() {
    printf 'churn: %s\n' "$*" >&2
    exit 1
}

# Seconds in a wrk duration (10, 10s, 2m).
churn_seconds() { awk '{ v = $1 + 0; if ($1 ~ /m$/) v *= 60; else if ($1 ~ /h$/) v *= 3600; print v }' <<<"$1"; }
churn_now() { date +%s.%N; }
churn_load() { cut -d' ' -f1-3 /proc/loadavg; }

# churn_ingest CONNECTIONS DURATION OUT: the views wrk (bench/churn.lua).
churn_ingest() {
    wrk -t1 -c"$1" -d"$2" -s "$ROOT/bench/churn.lua" "$BASE" -- "$CHURN_VIEW_PAUSE_MS" "${CHURN_VIEW_IDS[@]}" >"$3"
}

# churn_calibrate: CHURN_VIEW_CONNECTIONS for about CHURN_VIEW_RATE views a second, found
# with 3-second runs under the list load of the measured runs.
churn_calibrate() {
    local connections step rate
    connections=$(((CHURN_VIEW_RATE * (CHURN_VIEW_PAUSE_MS + 1) + 999) / 1000))
    for step in 1 2 3 4 5; do
        wrk -t1 -c"$CHURN_CONNECTIONS" -d3s "$BASE$CHURN_LIST" >/dev/null &
        CHURN_PIDS+=($!)
        churn_ingest "$connections" 3s "$CHURN_DIR/calibrate.txt"
        churn_stop
        rate=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$CHURN_DIR/calibrate.txt")
        printf 'calibration %d: %d view connections: %s views/s\n' "$step" "$connections" "$rate"
        CHURN_VIEW_CONNECTIONS=$connections
        awk -v r="$rate" -v t="$CHURN_VIEW_RATE" 'BEGIN { exit !(r >= 0.9 * t && r <= 1.1 * t) }' && return 0
        connections=$(awk -v c="$connections" -v r="$rate" -v t="$CHURN_VIEW_RATE" \
            'BEGIN { n = int(c * t / (r > 0 ? r : 1) + 0.5); print (n < 1 ? 1 : n > 500 ? 500 : n) }')
    done
    CHURN_VIEW_CONNECTIONS=$connections
}

# churn_approve TOKEN LOG ID...: approves the comments given, one a second from half a
# second on (so that a run of N seconds holds N of them), until they run out or
# $CHURN_DIR/stop exists; logs "time id status" per PATCH.
churn_approve() {
    local token=$1 log=$2 id code next
    shift 2
    sleep 0.5
    next=$(churn_now)
    for id in "$@"; do
        [[ -e "$CHURN_DIR/stop" ]] && break
        code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' -d '{"status":"approved"}' "$BASE/api/v1/comments/$id")
        printf '%s %s %s\n' "$(churn_now)" "$id" "$code" >>"$log"
        next=$(awk -v n="$next" 'BEGIN { printf "%.3f", n + 1 }')
        sleep "$(awk -v n="$next" -v t="$(churn_now)" 'BEGIN { d = n - t; printf "%.3f", (d > 0 ? d : 0) }')"
    done
}

# The list's comment_count of the churn article.
churn_comment_count() {
    curl -sf "$BASE$CHURN_LIST" | python3 -c 'import json,sys; print(next(a["comment_count"] for a in json.load(sys.stdin)["data"] if a["id"] == int(sys.argv[1])))' "$CHURN_ARTICLE"
}

bench_churn() {
    CHURN_DIR="$WORK/churn"
    mkdir -p "$CHURN_DIR"
    local seconds pending
    seconds=$(churn_seconds "$CHURN_DURATION")
    restart_server

    # ---- an admin, the articles, and the pending comments ----
    local email=bench-admin@example.com password=bench-admin-$RANDOM$RANDOM
    printf '%s\n' "$password" | DATABASE_URL="$DB" "$BIN" create-user \
        --email "$email" --role admin --display-name "Bench admin" >/dev/null
    read -r CHURN_ARTICLE CHURN_VIEW_IDS_LINE < <(curl -sf "$BASE$CHURN_LIST" | python3 -c '
import json, sys
data = json.load(sys.stdin)["data"]
commented = next(a["id"] for a in data if a["comments_open"])
print(commented, " ".join(str(a["id"]) for a in data[: int(sys.argv[1])]))' "$CHURN_VIEW_ARTICLES")
    read -r -a CHURN_VIEW_IDS <<<"$CHURN_VIEW_IDS_LINE"
    pending=$((CHURN_ROUNDS * (${seconds%.*} + 2)))
    mapfile -t CHURN_COMMENTS < <(python3 - "$BASE" "$CHURN_ARTICLE" "$pending" <<'PY'
import http.client, json, sys, urllib.parse
base, article, count = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection(base.hostname, base.port)
for i in range(count):
    body = {"author_name": "Bench reader", "author_email": "reader@example.com",
            "content": f"Churn comment {i + 1}, waiting for moderation."}
    conn.request("POST", f"/api/v1/articles/{article}/comments", json.dumps(body),
                 {"Content-Type": "application/json"})
    response = conn.getresponse()
    answer = json.loads(response.read())
    if response.status != 201 or answer.get("status") != "pending":
        sys.exit(f"posting a comment answered {response.status}: {answer}")
    print(answer["id"])
PY
    )
    ((${#CHURN_COMMENTS[@]} == pending)) || churn_die "posted ${#CHURN_COMMENTS[@]} of $pending pending comments"
    local count_before
    count_before=$(churn_comment_count)

    printf '\n== churn: GET %s, anonymous (response cache), wrk -t1 -c%s -d%s; idle and churn alternated, %s rounds\n' \
        "$CHURN_LIST" "$CHURN_CONNECTIONS" "$CHURN_DURATION" "$CHURN_ROUNDS"
    printf 'churn: views to articles %s at about %s/s (each view connection pausing %s ms), and a comment of article %s approved every second (%s pending)\n' \
        "${CHURN_VIEW_IDS[*]}" "$CHURN_VIEW_RATE" "$CHURN_VIEW_PAUSE_MS" "$CHURN_ARTICLE" "$pending"
    printf 'load average at the start: %s\n' "$(churn_load)"
    wrk -t1 -c"$CHURN_CONNECTIONS" -d2s "$BASE$CHURN_LIST" >/dev/null # warm-up
    if ((CHURN_VIEW_RATE == 0)); then CHURN_VIEW_CONNECTIONS=0; fi
    if [[ -z "$CHURN_VIEW_CONNECTIONS" ]]; then churn_calibrate; fi
    printf 'views: %s connections\n' "$CHURN_VIEW_CONNECTIONS"

    local row='%-6s %-6s %9s %9s %9s %9s %11s %6s  %s\n'
    printf "$row" round case "req/s" p50 p99 "views/s" "approvals/s" load1 errors
    local round case out t0 t1 token views approvals errors idle_p99 p99 ratios=() used=0 approved=0 per_round=0
    ((CHURN_APPROVALS == 0)) || per_round=$((${seconds%.*} + 2))
    for round in $(seq "$CHURN_ROUNDS"); do
        for case in idle churn; do
            views=- approvals=-
            if [[ $case == churn ]]; then
                rm -f "$CHURN_DIR/stop"
                : >"$CHURN_DIR/approvals.log"
                : >"$CHURN_DIR/ingest.txt"
                token=$(curl -sf -H 'Content-Type: application/json' \
                    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$BASE/api/v1/auth/login" |
                    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
                churn_approve "$token" "$CHURN_DIR/approvals.log" "${CHURN_COMMENTS[@]:used:per_round}" &
                CHURN_PIDS+=($!)
                if ((CHURN_VIEW_CONNECTIONS > 0)); then
                    churn_ingest "$CHURN_VIEW_CONNECTIONS" "$CHURN_DURATION" "$CHURN_DIR/ingest.txt" &
                    CHURN_PIDS+=($!)
                fi
            fi
            t0=$(churn_now)
            out=$(wrk -t1 -c"$CHURN_CONNECTIONS" -d"$CHURN_DURATION" --latency "$BASE$CHURN_LIST")
            t1=$(churn_now)
            if [[ $case == churn ]]; then
                touch "$CHURN_DIR/stop"
                wait "${CHURN_PIDS[@]}"
                CHURN_PIDS=()
                used=$((used + $(wc -l <"$CHURN_DIR/approvals.log")))
                approved=$((approved + $(awk '$3 == 200' "$CHURN_DIR/approvals.log" | wc -l)))
                awk '$3 != 200 { bad = 1 } END { exit bad }' "$CHURN_DIR/approvals.log" ||
                    churn_die "an approval failed: $(awk '$3 != 200' "$CHURN_DIR/approvals.log" | head -1)"
                views=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$CHURN_DIR/ingest.txt")
                views=${views:-0}
                awk '/^OTHER/ { exit $2 > 0 }' "$CHURN_DIR/ingest.txt" ||
                    churn_die "views answered other than 202: $(grep -E '^(ACCEPTED|OTHER)' "$CHURN_DIR/ingest.txt" | tr '\n' ' ')"
                approvals=$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 <= b { n++ } END { printf "%.2f", n / (b - a) }' "$CHURN_DIR/approvals.log")
            fi
            p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
            errors=$(awk '/Non-2xx|Socket errors/' <<<"$out" | tr -s ' \n' ' ')
            printf "$row" "$round" "$case" "$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")" \
                "$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")") ms" "$p99 ms" "$views" "$approvals" \
                "$(cut -d' ' -f1 /proc/loadavg)" "${errors:-none}"
            if [[ $case == idle ]]; then idle_p99=$p99; else
                ratios+=("$(awk -v c="$p99" -v i="$idle_p99" 'BEGIN { printf "%.2f", (i > 0 ? c / i : 0) }')")
            fi
            sleep 1
        done
    done
    printf 'churn p99 / idle p99 per round (target: at most %sx): %s; met: %s\n' "$CHURN_TARGET" "${ratios[*]}" \
        "$(printf '%s\n' "${ratios[@]}" | awk -v t="$CHURN_TARGET" '$1 > t { bad = 1 } END { print (bad ? "no" : "yes") }')"
    printf 'load average at the end: %s\n' "$(churn_load)"
    local count_after
    count_after=$(churn_comment_count)
    printf 'comment_count of article %s in the cached list: %s before, %s after, %s approvals\n' \
        "$CHURN_ARTICLE" "$count_before" "$count_after" "$approved"
    ((count_after - count_before == approved)) || churn_die "the list does not show every approval"
}
