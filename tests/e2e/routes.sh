#!/usr/bin/env bash
# Routing decisions at sqlite3_open*, seen by a program under LD_PRELOAD.
source "$(dirname "$0")/lib.sh"
probe() { LD_PRELOAD="$PRELOAD" "$OPEN_PROBE" "$@" 2>"$WORK/stderr" || true; }
cd "$WORK"

out=$(probe local.db 6 "CREATE TABLE t(x); INSERT INTO t VALUES (42); SELECT x FROM t")
expect_contains "$out" "rc=0" "no variable: opens locally"
expect_contains "$out" "42" "no variable: the real SQLite answers"
[ -f local.db ] && pass "no variable: the local file exists" || fail "local.db missing"
[ -s stderr ] && fail "litelift printed something with logging off: $(cat stderr)"
pass "silent by default"

# A DSN routes file databases; with no postgres module to load the open
# fails, and no local file is created.
export LITELIFT_PG_MODULE=$WORK/missing/liblitelift-pg.so
out=$(LITELIFT_DSN="postgresql://u:s3cret@127.0.0.1:1/db" probe routed.db)
expect_contains "$out" "rc=14 errcode=14" "DSN set: SQLITE_CANTOPEN"
expect_contains "$out" "postgres route is not available" "DSN set: says why"
expect_not_contains "$out" "s3cret" "the password is not in the message"
expect_contains "$out" "close=0" "the failed handle closes"
[ ! -e routed.db ] && pass "DSN set: no local file created" || fail "routed.db was created"

out=$(LITELIFT_DSN="postgresql://h/db" probe :memory: 6 "SELECT 1+1")
expect_contains "$out" "rc=0" "DSN set: :memory: stays local"
expect_contains "$out" "2" "DSN set: :memory: answers"

out=$(LITELIFT_DSN="postgresql://h/db" LITELIFT_BACKEND=sqlite probe rollback.db 6 "SELECT 7")
expect_contains "$out" "rc=0" "LITELIFT_BACKEND=sqlite: the rollback switch opens locally"
[ -f rollback.db ] && pass "rollback: local file used" || fail "rollback.db missing"

out=$(LITELIFT_BACKEND=postgres probe nodsn.db)
expect_contains "$out" "rc=14" "backend postgres without a DSN fails"
expect_contains "$out" "no DSN is set" "and says so"

out=$(LITELIFT_BACKEND=oracle probe x.db)
expect_contains "$out" "LITELIFT_BACKEND=oracle is not a backend" "a bad backend is named"

printf 'dsn = "postgresql://h/db"\n\n[[route]]\nmatch = "/srv/*"\nbakend = "sqlite"\n' > bad.toml
out=$(LITELIFT_CONFIG=$WORK/bad.toml probe x.db)
expect_contains "$out" "rc=14" "a bad config file fails the open"
expect_contains "$out" "bad.toml:5: unknown key 'bakend'" "and names the line"
[ ! -e x.db ] && pass "bad config: no local file created" || fail "x.db was created"

printf '[[route]]\nmatch = "%s/cache/*"\nbackend = "sqlite"\n' "$WORK" > good.toml
mkdir -p cache
out=$(LITELIFT_CONFIG=$WORK/good.toml LITELIFT_DSN=postgresql://h/db probe cache/c.db 6 "SELECT 3")
expect_contains "$out" "rc=0" "a config route keeps a path local"
out=$(LITELIFT_CONFIG=$WORK/good.toml LITELIFT_DSN=postgresql://h/db probe other.db)
expect_contains "$out" "rc=14" "paths outside the route go to postgres"

out=$(LITELIFT_DSN="postgresql://h/db" LITELIFT_LOG=info LITELIFT_LOG_FILE=$WORK/log.txt probe routed2.db)
expect_contains "$(cat log.txt)" "routes to postgres" "LITELIFT_LOG writes the log file"
expect_contains "$(cat log.txt)" "not available" "the log says why the open failed"
done_testing
