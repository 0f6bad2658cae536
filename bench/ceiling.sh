# Ceiling comparison, sourced by bench/run.sh (uses its BASE, WORK, ensure_package and
# to_ms): how close the server comes to nginx serving the very same bytes as static files.
#
# For each endpoint below it saves the server's exact answer (identity, and the gzip bytes
# the server sends to `Accept-Encoding: gzip`) into a docroot, serves that docroot with a
# private nginx on a free loopback port, and measures three cases against both with wrk:
#
#   200 identity  a plain GET, no Accept-Encoding
#   200 gzip      Accept-Encoding: gzip (nginx: gzip_static, the pre-compressed .gz file)
#   304           If-None-Match with the ETag each of them sent for the identity answer
#
# Runs alternate, server then nginx, CEILING_ROUNDS times (A B A B A B), with the same wrk
# threads, connections and duration; each row gives the median req/s of each, the ratio
# server/nginx next to its target (>= 0.5 for the 200s, >= 0.6 for the 304s) and the median
# p99 of each. Before every run the answer is checked: same status and the same body bytes
# as saved, else the benchmark stops (a misconfigured nginx answering fast 403s or 404s
# would otherwise look like a ceiling).
#
# nginx runs NGINX_WORKERS worker processes, by default one per core (nproc): the server is
# actix-web with its default worker count, one per core (std::thread::available_parallelism,
# src/cli.rs sets none), so both get the same number of event loops on the same cores.

CEILING_DURATION=${CEILING_DURATION:-5s}
CEILING_THREADS=${CEILING_THREADS:-1}
CEILING_CONNECTIONS=${CEILING_CONNECTIONS:-32}
CEILING_ROUNDS=${CEILING_ROUNDS:-3}
NGINX_WORKERS=${NGINX_WORKERS:-$(nproc)}
CEILING_PER_PAGE=20
CEILING_DEEP_PAGE=2000

NGINX_PID=
# Readable by nginx's workers (www-data or nobody), unlike $WORK (mode 0700): under a
# private folder every answer would be a fast, meaningless 403.
CEILING_DIR=

ceiling_die() {
    printf 'ceiling: %s\n' "$*" >&2
    exit 1
}

ceiling_stop_nginx() {
    if [[ -n "$NGINX_PID" ]]; then
        kill "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
        NGINX_PID=
    fi
    if [[ -n "$CEILING_DIR" ]]; then
        rm -rf "$CEILING_DIR"
        CEILING_DIR=
    fi
    return 0
}

# The middle value of the numbers given (the mean of the two middle ones for an even count).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# fetch URL OUT_BODY OUT_HEADERS [CURL_ARGS...]: the body as sent (curl decodes no
# Content-Encoding unless asked to); prints the status.
fetch() {
    local url=$1 body=$2 headers=$3
    shift 3
    # curl leaves the file untouched when there is no body (a 304): start from none.
    rm -f "$body"
    curl -s -o "$body" -D "$headers" -w '%{http_code}' "$@" "$url" || true
    [[ -e "$body" ]] || : >"$body"
}

header_of() { # header_of FILE NAME
    awk -v name="$2" 'tolower($0) ~ "^" tolower(name) ":" { sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print; exit }' "$1"
}

# verify WHO URL STATUS EXPECTED_BODY [CURL_ARGS...]: stops the benchmark unless URL answers
# STATUS with exactly the bytes of EXPECTED_BODY (an empty file for a 304).
verify() {
    local who=$1 url=$2 status=$3 expected=$4 got
    shift 4
    got=$(fetch "$url" "$CEILING_DIR/check.body" "$CEILING_DIR/check.headers" "$@")
    [[ "$got" != 000 ]] || got="no answer"
    if [[ "$got" != "$status" ]]; then
        ceiling_die "$who answered $got, not $status, to $url $* (see $CEILING_DIR/check.headers)"
    fi
    if ! cmp -s "$CEILING_DIR/check.body" "$expected"; then
        ceiling_die "$who answered $status to $url $* with $(stat -c %s "$CEILING_DIR/check.body") bytes," \
            "not the $(stat -c %s "$expected") bytes saved (has the content changed?)"
    fi
}

bench_ceiling() {
    ensure_package nginx nginx-light nginx
    local nginx_bin
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
    nginx -V 2>&1 | grep -q -- '--with-http_gzip_static_module' ||
        ceiling_die "this nginx has no gzip_static module (nginx -V); install nginx-light or nginx"

    CEILING_DIR=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-ceiling.XXXXXX")
    chmod 0755 "$CEILING_DIR"
    local www="$CEILING_DIR/www" ngx="$CEILING_DIR/nginx"
    mkdir -p "$www" "$ngx"

    # ---- the endpoints, and the server's answers saved as files ----
    local total_pages deep_page deep_name slug
    total_pages=$(curl -sf "$BASE/api/v1/articles?per_page=$CEILING_PER_PAGE" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["total_pages"])')
    if ((total_pages >= CEILING_DEEP_PAGE)); then
        deep_page=$CEILING_DEEP_PAGE
        deep_name="articles, page $deep_page"
    else
        deep_page=$total_pages
        deep_name="articles, page $deep_page (last)"
        echo "ceiling: only $total_pages pages of $CEILING_PER_PAGE articles: the last page, $deep_page, stands for page $CEILING_DEEP_PAGE"
    fi
    local author word
    read -r slug author word < <(curl -sf "$BASE/api/v1/articles?per_page=$CEILING_PER_PAGE" |
        python3 -c 'import json,sys; a = json.load(sys.stdin)["data"][0]; print(a["slug"], a["author"]["slug"], a["slug"].split("-")[0])')

    # file|name|path
    local endpoints=(
        "list-1|articles, page 1|/api/v1/articles?per_page=$CEILING_PER_PAGE"
        "list-deep|$deep_name|/api/v1/articles?page=$deep_page&per_page=$CEILING_PER_PAGE"
        "category|category page (world-news)|/api/v1/articles?category=world-news"
        "article|one article by slug|/api/v1/articles/slug/$slug"
        "categories|categories|/api/v1/categories"
        "popular|popular (views, week)|/api/v1/articles/popular?by=views&window=week"
        # Distribution (XML; nginx sends the same bytes, under its default type).
        "rss|RSS feed|/api/v1/feeds/rss"
        "atom|Atom feed|/api/v1/feeds/atom"
        "sitemap|sitemap index|/api/v1/sitemap.xml"
        "sitemap-1|sitemap page 1|/api/v1/sitemaps/articles-1.xml"
        "news|news sitemap|/api/v1/sitemap-news.xml"
        # Page endpoints: everything one page of the site shows, in one response.
        "page-home|home page|/api/v1/pages/home"
        "page-article|article page|/api/v1/pages/article/$slug"
        "page-category|category page (world-news)|/api/v1/pages/category/world-news"
        "page-author|author page ($author)|/api/v1/pages/author/$author"
        "page-search|search page ($word)|/api/v1/pages/search?q=$word"
    )
    # CEILING_ONLY (a regex over the names before the first `|`, such as
    # `rss|atom|sitemap|news`) keeps only those endpoints.
    if [[ -n "${CEILING_ONLY:-}" ]]; then
        local kept=() candidate
        for candidate in "${endpoints[@]}"; do
            [[ "${candidate%%|*}" =~ ^(${CEILING_ONLY})$ ]] && kept+=("$candidate")
        done
        ((${#kept[@]} > 0)) || ceiling_die "CEILING_ONLY=$CEILING_ONLY names no endpoint"
        endpoints=("${kept[@]}")
    fi
    local entry file name path status encoding
    for entry in "${endpoints[@]}"; do
        IFS='|' read -r file name path <<<"$entry"
        status=$(fetch "$BASE$path" "$www/$file.json" "$CEILING_DIR/$file.headers")
        [[ "$status" == 200 ]] || ceiling_die "the server answered $status to $path"
        header_of "$CEILING_DIR/$file.headers" ETag >"$CEILING_DIR/$file.etag"
        [[ -s "$CEILING_DIR/$file.etag" ]] || ceiling_die "no ETag from the server for $path"
        status=$(fetch "$BASE$path" "$CEILING_DIR/$file.gz.body" "$CEILING_DIR/$file.gz.headers" -H 'Accept-Encoding: gzip')
        [[ "$status" == 200 ]] || ceiling_die "the server answered $status to $path with Accept-Encoding: gzip"
        encoding=$(header_of "$CEILING_DIR/$file.gz.headers" Content-Encoding)
        [[ "$encoding" == gzip ]] ||
            ceiling_die "the server answered $path with Accept-Encoding: gzip in '${encoding:-identity}', not gzip"
        gzip -dc "$CEILING_DIR/$file.gz.body" | cmp -s - "$www/$file.json" ||
            ceiling_die "the server's gzip answer to $path does not decompress to its identity answer"
        mv "$CEILING_DIR/$file.gz.body" "$www/$file.json.gz"
    done
    : >"$CEILING_DIR/empty"
    # nginx's workers read the files as www-data or nobody.
    chmod 0755 "$www"
    chmod 0644 "$www"/*
    # One mtime for all: nginx's ETags ("mtime-size") stay put for the whole run.
    touch -d @1700000000 "$www"/*

    # ---- nginx ----
    local port user_line=
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if [[ $(id -u) -eq 0 ]]; then
        if getent passwd www-data >/dev/null; then user_line="user www-data;"; else user_line="user nobody nogroup;"; fi
    fi
    mkdir -p "$ngx"/{client_body,proxy,fastcgi,uwsgi,scgi}
    cat >"$ngx/nginx.conf" <<NGINX
# Serves the server's saved answers as static files: a ceiling for the same bytes.
$user_line
worker_processes $NGINX_WORKERS;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    types { application/json json; }
    default_type application/json;
    sendfile on;
    tcp_nopush on;
    # As a well-tuned static server: open files kept, and keep-alive connections never
    # closed by count (actix closes none either; nginx's default is 1000 requests).
    open_file_cache max=64 inactive=60s;
    keepalive_requests 10000000;
    keepalive_timeout 75s;
    client_body_temp_path $ngx/client_body;
    proxy_temp_path $ngx/proxy;
    fastcgi_temp_path $ngx/fastcgi;
    uwsgi_temp_path $ngx/uwsgi;
    scgi_temp_path $ngx/scgi;
    server {
        listen 127.0.0.1:$port;
        root $www;
        # The .gz file for Accept-Encoding: gzip, the plain one otherwise.
        gzip_static on;
        location / { }
    }
}
NGINX
    "$nginx_bin" -p "$ngx" -e "$ngx/error.log" -c "$ngx/nginx.conf" -t >/dev/null 2>&1 ||
        ceiling_die "nginx rejects its configuration: $("$nginx_bin" -p "$ngx" -e "$ngx/error.log" -c "$ngx/nginx.conf" -t 2>&1 | tail -3)"
    "$nginx_bin" -p "$ngx" -e "$ngx/error.log" -c "$ngx/nginx.conf" >>"$ngx/stderr.log" 2>&1 &
    NGINX_PID=$!
    local nginx_base="http://127.0.0.1:$port"
    for _ in $(seq 100); do
        curl -s -o /dev/null "$nginx_base/" && break
        kill -0 "$NGINX_PID" 2>/dev/null || ceiling_die "nginx stopped: $(tail -3 "$ngx/error.log" "$ngx/stderr.log" 2>/dev/null)"
        sleep 0.1
    done

    # ---- measurements ----
    printf '\n== ceiling: the server against nginx serving its saved answers as files\n'
    printf 'wrk -t%s -c%s -d%s, %s rounds each, alternated (server, nginx, server, ...); nginx %s, %s worker processes, the server actix with one worker per core (%s cores)\n' \
        "$CEILING_THREADS" "$CEILING_CONNECTIONS" "$CEILING_DURATION" "$CEILING_ROUNDS" \
        "$("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///')" "$NGINX_WORKERS" "$(nproc)"
    # Both share the cores with wrk and with anything else running: say how busy they were.
    printf 'load average at the start: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    local results="$CEILING_DIR/results.tsv"
    : >"$results"
    local row_format='  %-13s %8s %10s %10s %6s %7s %4s %10s %10s\n'
    local server_etag nginx_etag variant target bytes round out rps p99 errors who url expected
    local -a server_args nginx_args server_rps nginx_rps server_p99 nginx_p99
    for entry in "${endpoints[@]}"; do
        IFS='|' read -r file name path <<<"$entry"
        server_etag=$(cat "$CEILING_DIR/$file.etag")
        status=$(fetch "$nginx_base/$file.json" "$CEILING_DIR/check.body" "$CEILING_DIR/check.headers")
        nginx_etag=$(header_of "$CEILING_DIR/check.headers" ETag)
        [[ "$status" == 200 && -n "$nginx_etag" ]] ||
            ceiling_die "nginx answered $status (ETag '${nginx_etag}') for $file.json; see $ngx/error.log"
        printf '\n%s: %s (%s bytes, gzip %s)\n' "$name" "$path" \
            "$(stat -c %s "$www/$file.json")" "$(stat -c %s "$www/$file.json.gz")"
        printf "$row_format" case bytes "server r/s" "nginx r/s" ratio target met "server p99" "nginx p99"
        for variant in identity gzip 304; do
            case $variant in
            identity)
                server_args=() nginx_args=() status=200 target=0.5 expected="$www/$file.json" ;;
            gzip)
                server_args=(-H 'Accept-Encoding: gzip') nginx_args=(-H 'Accept-Encoding: gzip')
                status=200 target=0.5 expected="$www/$file.json.gz" ;;
            304)
                server_args=(-H "If-None-Match: $server_etag") nginx_args=(-H "If-None-Match: $nginx_etag")
                status=304 target=0.6 expected="$CEILING_DIR/empty" ;;
            esac
            server_rps=() nginx_rps=() server_p99=() nginx_p99=()
            for round in $(seq "$CEILING_ROUNDS"); do
                for who in server nginx; do
                    if [[ $who == server ]]; then url="$BASE$path"; else url="$nginx_base/$file.json"; fi
                    if [[ $who == server ]]; then
                        verify "the server" "$url" "$status" "$expected" "${server_args[@]}"
                        out=$(wrk -t"$CEILING_THREADS" -c"$CEILING_CONNECTIONS" -d"$CEILING_DURATION" --latency "${server_args[@]}" "$url")
                    else
                        verify nginx "$url" "$status" "$expected" "${nginx_args[@]}"
                        out=$(wrk -t"$CEILING_THREADS" -c"$CEILING_CONNECTIONS" -d"$CEILING_DURATION" --latency "${nginx_args[@]}" "$url")
                    fi
                    errors=$(awk '/Non-2xx|Socket errors/' <<<"$out" | tr -s ' \n' ' ')
                    [[ -z "$errors" ]] || ceiling_die "$who, $name, $variant: wrk saw errors: $errors"
                    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
                    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
                    if [[ $who == server ]]; then
                        server_rps+=("$rps") server_p99+=("$p99")
                    else
                        nginx_rps+=("$rps") nginx_p99+=("$p99")
                    fi
                done
            done
            bytes=$(stat -c %s "$expected")
            local s n sp np ratio met
            s=$(median "${server_rps[@]}") n=$(median "${nginx_rps[@]}")
            sp=$(median "${server_p99[@]}") np=$(median "${nginx_p99[@]}")
            ratio=$(awk -v s="$s" -v n="$n" 'BEGIN { printf "%.2f", (n > 0 ? s / n : 0) }')
            met=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r >= t ? "yes" : "no") }')
            printf "$row_format" "$variant" "$bytes" "$(printf '%.0f' "$s")" "$(printf '%.0f' "$n")" "$ratio" ">= $target" "$met" "$sp ms" "$np ms"
            printf '    rounds, req/s: server %s; nginx %s\n' "${server_rps[*]}" "${nginx_rps[*]}"
            printf '%s\t%s\t%s\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%s\n' "$name" "$variant" "$bytes" "$s" "$n" "$ratio" "$target" "$met" "$sp" "$np" >>"$results"
        done
    done

    printf '\n== ceiling summary: median req/s of %s rounds, wrk -t%s -c%s -d%s; ratio = server / nginx\n' \
        "$CEILING_ROUNDS" "$CEILING_THREADS" "$CEILING_CONNECTIONS" "$CEILING_DURATION"
    awk -F '\t' '
        BEGIN { f = "%-34s %-8s %7s %10s %10s %6s %7s %4s %10s %10s\n"
                printf f, "endpoint", "case", "bytes", "server r/s", "nginx r/s", "ratio", "target", "met", "server p99", "nginx p99" }
        { printf f, $1, $2, $3, $4, $5, $6, ">= " $7, $8, $9 " ms", $10 " ms"; met += ($8 == "yes") }
        END { printf "targets met: %d of %d (>= 0.5 of nginx for the 200s, identity and gzip; >= 0.6 for the 304s)\n", met, NR }
    ' "$results"
    printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    ceiling_stop_nginx
}
