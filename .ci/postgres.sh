# shellcheck shell=bash
# A private PostgreSQL 15 cluster for the tests and benchmarks, sourced by .ci/run (and by
# hand: `source .ci/postgres.sh; pg_start; ...; pg_stop`). It runs as the `postgres` user
# on a temporary folder and a free loopback port, trusts local connections, and is gone
# after pg_stop. Sets PG_URL (the admin URL, database `postgres`).

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [[ -n "$dir" ]] || return 1
    echo "$dir"
}

# Installs the server from Debian's packages when it is missing.
pg_install() {
    if pg_bin >/dev/null && id postgres >/dev/null 2>&1; then
        return 0
    fi
    echo "installing PostgreSQL (Debian packages)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql libpq-dev >/dev/null
}

# nginx, for the test that runs the README's load-balancer example in front of two
# instances (tests/api/instances.rs), from Debian's packages when it is missing.
nginx_install() {
    if command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]]; then
        return 0
    fi
    echo "installing nginx (Debian package nginx-light)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
}

pg_start() {
    pg_install
    local bin port
    bin=$(pg_bin)
    PG_DIR=$(mktemp -d /tmp/newsroom-pg.XXXXXX)
    chown postgres "$PG_DIR"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    su postgres -s /bin/sh -c "$bin/initdb -D $PG_DIR/data -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
    # Durability off: a throw-away cluster, and the suite creates hundreds of databases.
    su postgres -s /bin/sh -c "$bin/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -w -o \
        \"-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400\" start" >/dev/null
    PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
    export PG_URL PG_DIR
    echo "PostgreSQL on 127.0.0.1:$port ($PG_DIR)"
}

pg_stop() {
    [[ -n "${PG_DIR:-}" && -d "$PG_DIR" ]] || return 0
    su postgres -s /bin/sh -c "$(pg_bin)/pg_ctl -D $PG_DIR/data -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=
}
