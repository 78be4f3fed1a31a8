<?php
// PDO sqlite and the SQLite3 class on two databases in the directory
// argv[1]; prints what a program would see (tests/e2e/php.sh compares it
// between the real SQLite and the postgres route).
$dir = $argv[1];

$pdo = new PDO("sqlite:$dir/pdo.db");
$pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$pdo->exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE, qty INTEGER, price REAL, data BLOB)");
$st = $pdo->prepare("INSERT INTO items (name, qty, price, data) VALUES (?, ?, ?, ?)");
// (Bytes as a LOB: PDO binds a plain string as text, which on the postgres
// route cannot hold a NUL byte.)
foreach ([["apple", 3, 1.25, "\x00\x01"], ["pear", 5, 0.5, null], ["fig", null, 2.0, "x"]] as $r) {
  $st->bindValue(1, $r[0]);
  $st->bindValue(2, $r[1], $r[1] === null ? PDO::PARAM_NULL : PDO::PARAM_INT);
  $st->bindValue(3, $r[2]);
  $st->bindValue(4, $r[3], $r[3] === null ? PDO::PARAM_NULL : PDO::PARAM_LOB);
  $st->execute();
}
echo "pdo lastInsertId=", $pdo->lastInsertId(), "\n";
$pdo->beginTransaction();
$n = $pdo->exec("UPDATE items SET qty = qty + 1 WHERE name <> 'fig'");
$pdo->commit();
echo "pdo updated=$n\n";
$pdo->beginTransaction();
$pdo->exec("DELETE FROM items");
$pdo->rollBack();
$q = $pdo->prepare("SELECT id, name, qty, price, typeof(price), hex(data) FROM items WHERE id >= :min ORDER BY id");
$q->execute([":min" => 1]);
foreach ($q->fetchAll(PDO::FETCH_NUM) as $row) echo "pdo ", json_encode($row), "\n";
try {
  $pdo->exec("INSERT INTO items (name) VALUES ('apple')");
} catch (PDOException $e) {
  echo "pdo error ", $e->getCode(), " ", $e->getMessage(), "\n";
}
try {
  $pdo->query("SELECT nope FROM items");
} catch (PDOException $e) {
  echo "pdo error ", $e->getCode(), " ", $e->getMessage(), "\n";
}

$db = new SQLite3("$dir/class.db");
$db->enableExceptions(true);
$db->exec("CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, at TEXT DEFAULT '2024-01-01')");
$st = $db->prepare("INSERT INTO notes (body) VALUES (:b)");
foreach (["one", "two", "three"] as $b) {
  $st->bindValue(":b", $b, SQLITE3_TEXT);
  $st->execute();
  $st->reset();
}
echo "class lastInsertRowID=", $db->lastInsertRowID(), " changes=", $db->changes(), "\n";
$res = $db->query("SELECT id, body, at, length(body), upper(body) FROM notes ORDER BY id DESC");
while ($row = $res->fetchArray(SQLITE3_NUM)) echo "class ", json_encode($row), "\n";
echo "class count=", $db->querySingle("SELECT count(*) FROM notes"), "\n";
echo "class seq=", $db->querySingle("SELECT seq FROM sqlite_sequence WHERE name = 'notes'"), "\n";
try {
  $db->exec("INSERT INTO notes (body) VALUES (NULL)");
} catch (Exception $e) {
  echo "class error ", $e->getMessage(), "\n";
}
$db->close();
echo "done\n";
