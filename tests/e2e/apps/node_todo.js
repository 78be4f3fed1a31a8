// A to-do program on Debian's node-sqlite3, as a user would write it:
// serialized statements, parameters, transactions, reports, errors.
'use strict';
const sqlite3 = require('sqlite3');
const db = new sqlite3.Database(process.argv[2]);
const show = (label, v) => console.log(label, JSON.stringify(v));
const run = (sql, params = []) => new Promise((ok, fail) =>
  db.run(sql, params, function (err) { err ? fail(err) : ok({ id: this.lastID, changes: this.changes }); }));
const all = (sql, params = []) => new Promise((ok, fail) =>
  db.all(sql, params, (err, rows) => (err ? fail(err) : ok(rows))));
const get = (sql, params = []) => new Promise((ok, fail) =>
  db.get(sql, params, (err, row) => (err ? fail(err) : ok(row))));
const exec = (sql) => new Promise((ok, fail) => db.exec(sql, (err) => (err ? fail(err) : ok())));
const error = async (p) => { try { await p; console.log('no error'); } catch (e) { console.log('error', e.code, e.errno, e.message); } };

async function main() {
  await exec(`
    CREATE TABLE lists (id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE COLLATE NOCASE);
    CREATE TABLE todos (
      id INTEGER PRIMARY KEY,
      list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
      text TEXT NOT NULL,
      done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
      due TEXT,
      priority INTEGER,
      attachment BLOB,
      created TEXT DEFAULT '2024-01-01 00:00:00'
    );
    PRAGMA foreign_keys = ON;`);
  show('list', await run('INSERT INTO lists (title) VALUES (?)', ['Home']));
  show('list', await run('INSERT INTO lists (title) VALUES ($t)', { $t: 'Work' }));
  await run('BEGIN');
  const ins = db.prepare('INSERT INTO todos (list_id, text, done, due, priority) VALUES (?, ?, ?, ?, ?)');
  const rows = [
    [1, 'Buy milk', 0, '2024-03-01', 2], [1, 'Fix the 100% broken tap', 1, '2024-02-20', 1],
    [1, 'Call mum', 0, null, null], [2, 'Write report', 0, '2024-03-05', 1],
    [2, 'Review PR #42', 1, '2024-02-28', 3], [2, 'Plan Q2_goals', 0, '2024-04-01', 2],
  ];
  for (const r of rows) await new Promise((ok, fail) => ins.run(r, (e) => (e ? fail(e) : ok())));
  await new Promise((ok) => ins.finalize(ok));
  await run('COMMIT');
  show('count', await get('SELECT count(*) AS n, sum(done) AS done, avg(priority) AS p FROM todos'));

  const buf = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
  show('attach', await run('UPDATE todos SET attachment = ? WHERE id = ?', [buf, 1]));
  const a = await get('SELECT attachment, length(attachment) AS len, typeof(attachment) AS t FROM todos WHERE id = 1');
  show('blob', [Buffer.isBuffer(a.attachment), a.attachment.toString('hex'), a.len, a.t]);

  console.log('-- per list');
  show('rows', await all(`SELECT l.title AS list, count(t.id) AS total, sum(t.done) AS finished,
      round(100.0 * sum(t.done) / count(t.id), 1) AS pct
    FROM lists l LEFT JOIN todos t ON t.list_id = l.id GROUP BY l.id ORDER BY pct DESC, 1`));
  console.log('-- by priority');
  show('rows', await all(`SELECT coalesce(priority, 'none') AS prio, count(*) AS n, group_concat(id) AS ids
    FROM todos GROUP BY 1 ORDER BY n DESC, prio`));
  console.log('-- open and due');
  show('rows', await all(`SELECT id, text, due, julianday(due) - julianday(?) AS days_left,
      CASE WHEN due < ? THEN 'late' WHEN due IS NULL THEN 'someday' ELSE 'ok' END AS state
    FROM todos WHERE done = 0 ORDER BY due IS NULL, due`, ['2024-03-02', '2024-03-02']));
  show('week', await all(`SELECT strftime('%W', due) AS week, count(*) AS n FROM todos
    WHERE due IS NOT NULL GROUP BY week HAVING n > 0 ORDER BY week`));
  console.log('-- search');
  show('like', await all('SELECT id, text FROM todos WHERE text LIKE ? ORDER BY id', ['%r%']));
  show('underscore', await all("SELECT id FROM todos WHERE text LIKE '%\\_%' ESCAPE '\\'"));
  show('percent', await all("SELECT id FROM todos WHERE text LIKE ? ESCAPE '!'", ['%100!%%']));
  show('nocase', await get('SELECT id FROM lists WHERE title = ?', ['WORK']));
  show('glob', await all("SELECT id FROM todos WHERE text GLOB '*[A-Z][A-Z]*' ORDER BY id"));
  console.log('-- updates');
  show('done', await run('UPDATE todos SET done = 1 WHERE list_id = ? AND due <= ?', [1, '2024-03-01']));
  show('upsert', await run(`INSERT INTO lists (id, title) VALUES (2, 'Work')
    ON CONFLICT(title) DO UPDATE SET title = excluded.title || ' (again)'`));
  show('lists', await all('SELECT * FROM lists ORDER BY id'));
  console.log('-- errors');
  await error(run('INSERT INTO lists (title) VALUES (?)', ['home']));
  await error(run('INSERT INTO todos (list_id, text, done) VALUES (1, ?, 5)', ['bad']));
  await error(run('INSERT INTO todos (list_id, text) VALUES (99, ?)', ['orphan']));
  await error(all('SELECT * FROM todo'));
  await error(run('INSERT INTO todos (list_id) VALUES (1)'));
  console.log('-- rollback');
  await run('BEGIN');
  await run('DELETE FROM todos');
  await error(run('INSERT INTO lists (title) VALUES (?)', ['WORK (AGAIN)']));
  await run('ROLLBACK');
  show('kept', await get('SELECT count(*) AS n FROM todos'));
  show('cascade', await run('DELETE FROM lists WHERE id = ?', [1]));
  show('left', await all('SELECT id, list_id, created FROM todos ORDER BY id'));
  show('each', await new Promise((ok) => { const seen = []; db.each('SELECT id FROM todos ORDER BY id DESC',
    (e, r) => seen.push(r.id), () => ok(seen)); }));
  show('tables', await all("SELECT type, name, tbl_name FROM sqlite_master ORDER BY name"));
  await new Promise((ok) => db.close(ok));
  console.log('done');
}
main().catch((e) => { console.log('failed', e); process.exit(1); });
