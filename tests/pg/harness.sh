# A throwaway PostgreSQL for the tests. Source it, then:
#   pg_start   (LITELIFT_PG_EXTRA_OPTS: more server options)
#              initdb into a temp dir (as the postgres user when run as root),
#              start on 127.0.0.1 and a Unix socket there, create a database,
#              export LITELIFT_TEST_DSN (and PG* for psql)
#   pg_stop    stop the server and remove its directory
# A server that cannot start is an error, never a skip.

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || { echo "PostgreSQL server binaries not found" >&2; return 1; }
  echo "$dir"
}

pg_as_owner() {  # runs a command as the server's owner
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

pg_start() {
  local bin
  bin=$(pg_bin) || return 1
  LITELIFT_PG_DIR=$(mktemp -d /tmp/litelift-pg.XXXXXX)
  export LITELIFT_PG_DIR
  [ "$(id -u)" = 0 ] && chown postgres "$LITELIFT_PG_DIR"
  local port
  port=$(pg_free_port)
  pg_as_owner "$bin/initdb" -D "$LITELIFT_PG_DIR/data" -A trust -U litelift -E UTF8 \
    --locale=C.UTF-8 --no-sync > "$LITELIFT_PG_DIR/initdb.log" 2>&1 ||
    { cat "$LITELIFT_PG_DIR/initdb.log" >&2; return 1; }
  LITELIFT_PG_OPTS="-p $port -k $LITELIFT_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${LITELIFT_PG_EXTRA_OPTS:-}"
  export LITELIFT_PG_OPTS
  pg_as_owner "$bin/pg_ctl" -D "$LITELIFT_PG_DIR/data" -l "$LITELIFT_PG_DIR/server.log" -w \
    -o "$LITELIFT_PG_OPTS" start > /dev/null || { cat "$LITELIFT_PG_DIR/server.log" >&2; return 1; }
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=litelift PGDATABASE=litelift_test
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U litelift litelift_test || return 1
  export LITELIFT_TEST_DSN="postgresql://litelift@127.0.0.1:$port/litelift_test"
  echo "throwaway PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port ($LITELIFT_PG_DIR)"
}

pg_stop() {
  [ -n "${LITELIFT_PG_DIR:-}" ] && [ -d "$LITELIFT_PG_DIR" ] || return 0
  local bin
  bin=$(pg_bin) || return 0
  pg_as_owner "$bin/pg_ctl" -D "$LITELIFT_PG_DIR/data" -m fast -w stop > /dev/null 2>&1 || true
  rm -rf "$LITELIFT_PG_DIR"
  unset LITELIFT_PG_DIR
}

# Faults for the fault-injection tests (a server of their own):
#   pg_restart       fast shutdown (sessions terminated), then start again
#   pg_crash         every server process killed with SIGKILL (no shutdown
#                    at all), then started again: crash recovery
#   pg_halt / pg_resume   stop the server (fast) / start it again
pg_ctl_own() {
  local bin
  bin=$(pg_bin) || return 1
  pg_as_owner "$bin/pg_ctl" -D "$LITELIFT_PG_DIR/data" -l "$LITELIFT_PG_DIR/server.log" -w "$@" > /dev/null
}
pg_halt() { pg_ctl_own -m fast stop; }
pg_resume() { pg_ctl_own -o "$LITELIFT_PG_OPTS" start; }
pg_restart() { pg_ctl_own -m fast restart; }
pg_crash() {
  local pid kids
  pid=$(head -1 "$LITELIFT_PG_DIR/data/postmaster.pid")
  kids=$(pgrep -P "$pid" | tr '\n' ' ')
  # The postmaster and its children (backends, checkpointer, ...) at once.
  kill -9 "$pid" $kids 2>/dev/null || true
  for p in "$pid" $kids; do
    while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
  done
  pg_resume
}
