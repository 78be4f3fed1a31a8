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

out=$(umask 022; LITELIFT_DSN="postgresql://h/db" LITELIFT_LOG=info LITELIFT_LOG_FILE=$WORK/log.txt probe routed2.db)
expect_contains "$(cat log.txt)" "routes to postgres" "LITELIFT_LOG writes the log file"
expect_contains "$(cat log.txt)" "not available" "the log says why the open failed"
expect_eq "$(stat -c %a log.txt)" "600" "the log file is made mode 0600 (umask 022)"

# A config that cannot be used fails the open, naming the path and why; it
# is never read as an empty config (which kept files local).
mkdir -p confdir
for conf in "$WORK/confdir" "$WORK/missing.toml" /proc/self/mem; do
  for dsn in "" "postgresql://h/db"; do
    if [ -n "$dsn" ]; then export LITELIFT_DSN=$dsn; else unset LITELIFT_DSN; fi
    out=$(LITELIFT_CONFIG=$conf probe unusable.db 6 "CREATE TABLE t(x)")
    expect_contains "$out" "rc=14 errcode=14 msg=litelift: cannot use LITELIFT_CONFIG=$conf: " \
      "LITELIFT_CONFIG=$conf${dsn:+ with a DSN}: SQLITE_CANTOPEN naming the path"
    [ ! -e unusable.db ] && pass "and no local file" || fail "unusable.db was created ($conf)"
  done
done
unset LITELIFT_DSN
expect_contains "$(LITELIFT_CONFIG=$WORK/confdir probe x.db)" "is a directory" "a directory is named as such"
expect_contains "$(LITELIFT_CONFIG=$WORK/missing.toml probe x.db)" "No such file or directory" \
  "a missing file is named as such"
expect_contains "$(LITELIFT_CONFIG=/proc/self/mem probe x.db)" "Input/output error" \
  "a file that cannot be read says why"
if [ "$(id -u)" != 0 ]; then
  printf 'dsn = "postgresql://h/db"\n' > locked.toml
  chmod 000 locked.toml
  expect_contains "$(LITELIFT_CONFIG=$WORK/locked.toml probe x.db)" "Permission denied" \
    "an unreadable file says why"
fi

# A blank DSN or config path is a mistake (an unset shell variable), not
# "unset": the open fails and names the variable.
for blank in "" " " "$(printf '\t\n')"; do
  out=$(LITELIFT_DSN=$blank probe blank.db 6 "CREATE TABLE t(x)")
  expect_contains "$out" "rc=14 errcode=14 msg=litelift: LITELIFT_DSN is set but blank" \
    "LITELIFT_DSN='$blank' fails the open"
  out=$(LITELIFT_CONFIG=$blank probe blank.db 6 "CREATE TABLE t(x)")
  expect_contains "$out" "rc=14 errcode=14 msg=litelift: LITELIFT_CONFIG is set but blank" \
    "LITELIFT_CONFIG='$blank' fails the open"
done
[ ! -e blank.db ] && pass "blank settings: no local file created" || fail "blank.db was created"

# A route's explicit schema may not be litelift's own or start with pg_.
for schema in litelift LiteLift pg_data PG_x; do
  printf 'dsn = "postgresql://h/db"\n[[route]]\nmatch = "*"\nschema = "%s"\n' "$schema" > schema.toml
  out=$(LITELIFT_CONFIG=$WORK/schema.toml probe reserved.db)
  expect_contains "$out" "rc=14 errcode=14 msg=litelift: $WORK/schema.toml:4: schema = \"$schema\" cannot hold a database" \
    "schema = \"$schema\" is refused by name"
done
expect_contains "$out" "reserved by PostgreSQL" "pg_ says why"
printf '[[route]]\nmatch = "*"\nschema = "litelift"\n' > schema.toml
expect_contains "$(LITELIFT_CONFIG=$WORK/schema.toml probe reserved.db)" "it is litelift's own schema" \
  "litelift says why"
[ ! -e reserved.db ] && pass "reserved schema: no local file created" || fail "reserved.db was created"

# Passwords that libpq quotes back in its messages (bad connection strings)
# reach neither sqlite3_errmsg nor the log file. The real postgres module is
# loaded; no server is needed, libpq refuses these strings itself.
unset LITELIFT_PG_MODULE
secret=Zq7secretPW
for dsn in "postgresql://u:p%zz$secret@127.0.0.1/db" \
           "host=127.0.0.1 pasword=$secret" \
           "password=$secret bogus=1" \
           "host=127.0.0.1 port=1 password='$secret" \
           "postgresql://u:$secret@[::1/db" \
           "postgresql://u:$secret@127.0.0.1:1/db" \
           "host=127.0.0.1 port=1 password=$secret connect_timeout=5"; do
  rm -f secret.log
  label=${dsn//$secret/SECRET}
  out=$(LITELIFT_DSN=$dsn LITELIFT_LOG=debug LITELIFT_LOG_FILE=$WORK/secret.log probe secret.db)
  expect_contains "$out" "rc=14 errcode=14 msg=litelift: cannot connect to postgres: " \
    "[$label]: the open fails"
  expect_not_contains "$out" "$secret" "[$label]: the password is not in sqlite3_errmsg"
  [ -s secret.log ] || fail "[$label]: nothing was logged"
  expect_not_contains "$(cat secret.log)" "$secret" "[$label]: the password is not in the log"
done
done_testing
