#!/usr/bin/env bash
# docs/moving.md as a user runs it (issue 14): every ```sh block of the
# guide, in order, with its placeholders (the DSN, the app's file, the
# library's path, the DSN file) replaced by the test's, `litelift` on PATH
# and `app` a small program that adds a row to items and prints the count.
# Then: the file is untouched until the export, the route has the app's
# rows, and after the export the real SQLite sees them in the file.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
: "${LITELIFT_CLI:?}"
cd "$WORK"
mkdir bin
ln -s "$LITELIFT_CLI" bin/litelift
cat > bin/app <<'PY'
#!/usr/bin/python3
import os, sqlite3
db = sqlite3.connect(os.environ["APP_DB"])
db.execute("INSERT INTO items(name) VALUES ('written on the route')")
db.commit()
print("app: items", db.execute("SELECT count(*) FROM items").fetchone()[0])
PY
chmod +x bin/app
printf '%s\n' "$LITELIFT_TEST_DSN" > dsn
chmod 600 dsn  # as a file holding a password should be
timeout 60 sqlite3 data.db "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT);
  INSERT INTO items(name) VALUES ('a'), ('b'), ('c'); PRAGMA user_version = 2;" || fail "building data.db"
cp data.db data.orig

guide="$SOURCE_DIR/docs/moving.md"
awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0 } on' "$guide" > guide.sh
for placeholder in postgresql://app@db.example/app /srv/app/data.db /usr/lib/liblitelift.so /etc/app/dsn; do
  grep -qF "$placeholder" guide.sh || fail "the guide's commands no longer name $placeholder"
done
sed -i -e "s|postgresql://app@db.example/app|$LITELIFT_TEST_DSN|g" -e "s|/srv/app/data.db|$WORK/data.db|g" \
  -e "s|/usr/lib/liblitelift.so|$PRELOAD|g" -e "s|/etc/app/dsn|$WORK/dsn|g" guide.sh
echo "--- the guide's commands:"
cat guide.sh
echo "---"
out=$(timeout 600 env PATH="$WORK/bin:$PATH" APP_DB="$WORK/data.db" bash -euo pipefail guide.sh 2>&1) ||
  { echo "$out"; fail "the guide's commands failed"; }
echo "$out"
expect_contains "$out" "litelift migrate: done" "1. migrate copies the file"
expect_contains "$out" $'app: items 4\n' "2. the app runs on the route (LD_PRELOAD)"
expect_contains "$out" $'app: items 5\n' "2. and under litelift run --dsn-file"
# The counts the guide's sqlite3 commands print: the file's, the route's,
# and the file's after the export.
expect_eq "$(grep -E '^[0-9]+$' <<< "$out" | tr '\n' ' ')" "3 5 5 " \
  "3. the file keeps what it held, the route has the app's writes; 4. then the file has them"
expect_eq "$(grep -cE "^$WORK/data.db +data_[0-9a-f]+ +1 " <<< "$out")" "1" \
  "3. litelift ls lists the database, its schema and its one table"
expect_contains "$out" "ok    $WORK/data.db is routed to PostgreSQL" "3. litelift doctor says which route the file takes"
expect_contains "$out" "OK: no problem found" "3. and finds no problem"
expect_contains "$out" "litelift export: done" "4. export writes the route's data into the file"
expect_eq "$(timeout 60 sqlite3 data.db 'SELECT count(*) FROM items; PRAGMA user_version')" $'5\n2' \
  "4. after the roll back the real SQLite sees the app's writes and user_version"
cmp -s data.db.before-export data.orig && pass "4. the file before the export is kept beside it" ||
  fail "data.db.before-export is not the original file"
done_testing
