# A blog program on Debian's libdbd-sqlite3-perl (DBI), as a user would
# write it: RaiseError, placeholders, transactions, reports.
use strict;
use warnings;
use DBI qw(:sql_types);

my $dbh = DBI->connect("dbi:SQLite:dbname=$ARGV[0]", '', '',
                       { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
sub show { print join(' | ', map { defined $_ ? $_ : 'NULL' } @_), "\n" }

$dbh->do($_) for (
  'CREATE TABLE authors (id INTEGER PRIMARY KEY, handle TEXT UNIQUE NOT NULL, joined TEXT)',
  'CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id),
     title TEXT NOT NULL, body TEXT, published TEXT, views INTEGER DEFAULT 0, cover BLOB)',
  'CREATE TABLE tags (post_id INTEGER, tag TEXT, PRIMARY KEY (post_id, tag))',
  'CREATE VIEW post_stats AS SELECT a.handle, count(p.id) AS posts, total(p.views) AS views
     FROM authors a LEFT JOIN posts p ON p.author_id = a.id GROUP BY a.handle');

$dbh->begin_work;
my $ins = $dbh->prepare('INSERT INTO authors (handle, joined) VALUES (?, ?)');
$ins->execute(@$_) for (['alice', '2023-05-01 10:00:00'], ['bob', '2023-11-20 08:30:00'], ['carol', undef]);
my $post = $dbh->prepare('INSERT INTO posts (author_id, title, body, published, views) VALUES (?, ?, ?, ?, ?)');
$post->execute(1, 'Hello world', 'First post', '2023-05-02', 120);
$post->execute(1, 'SQLite tips', 'Use WAL. 100% recommended', '2023-06-10', 75);
$post->execute(2, 'Draft', undef, undef, 0);
$post->execute(2, "Bob's \"quoted\" post", 'It\'s here', '2024-01-05', 33);
$post->execute(1, 'Tips & tricks', 'C:\\Users\\alice', '2024-02-29', 7);
$dbh->commit;
show('last insert id', $dbh->last_insert_id(undef, undef, 'posts', 'id'), $dbh->sqlite_last_insert_rowid);

my $tag = $dbh->prepare('INSERT INTO tags VALUES (?, ?)');
$tag->execute(@$_) for ([1, 'intro'], [2, 'sqlite'], [2, 'tips'], [5, 'tips'], [4, 'misc']);
show('rows', $tag->rows);

my $png = "\x89PNG\r\n\x1a\n\x00\x00\xfe";
my $cover = $dbh->prepare('UPDATE posts SET cover = ? WHERE id = ?');
$cover->bind_param(1, $png, SQL_BLOB);
$cover->bind_param(2, 1);
$cover->execute;
my ($got) = $dbh->selectrow_array('SELECT cover FROM posts WHERE id = 1');
show('cover', length($got), unpack('H*', $got), $got eq $png ? 'same' : 'differs');

print "-- authors\n";
show(@$_) for @{ $dbh->selectall_arrayref('SELECT * FROM post_stats ORDER BY views DESC') };
print "-- by month\n";
show(@$_) for @{ $dbh->selectall_arrayref(q{
  SELECT strftime('%Y-%m', published) AS month, count(*) AS n, sum(views) AS v
  FROM posts WHERE published IS NOT NULL GROUP BY month ORDER BY 1}) };
print "-- tags\n";
show(@$_) for @{ $dbh->selectall_arrayref(q{
  SELECT t.tag, group_concat(p.title, '; ') AS titles, max(p.views) AS top
  FROM tags t JOIN posts p ON p.id = t.post_id GROUP BY t.tag HAVING count(*) > 1 OR top > 100
  ORDER BY t.tag}) };
print "-- search\n";
show(@$_) for @{ $dbh->selectall_arrayref('SELECT id, title FROM posts WHERE title LIKE ? OR body LIKE ? ORDER BY id',
                                          undef, '%world%', '%\\Users%') };
show(@$_) for @{ $dbh->selectall_arrayref(q{SELECT id FROM posts WHERE body LIKE '%100\%%' ESCAPE '\'}) };
print "-- nulls\n";
show(@$_) for @{ $dbh->selectall_arrayref(q{
  SELECT a.handle, coalesce(a.joined, 'never') AS joined, p.title, CASE WHEN p.body IS NULL THEN 'empty' ELSE length(p.body) END AS len
  FROM authors a LEFT JOIN posts p ON p.author_id = a.id AND p.published IS NULL ORDER BY a.id}) };
print "-- dates\n";
show(@$_) for @{ $dbh->selectall_arrayref(q{
  SELECT handle, date(joined) AS d, time(joined) AS t, datetime(joined, '+1 day', 'start of month') AS m,
         CAST(strftime('%s', joined) AS INTEGER) % 86400 AS secs
  FROM authors WHERE joined BETWEEN ? AND ? ORDER BY joined}, undef, '2023-01-01', '2023-12-31') };
print "-- hash rows\n";
for my $r (@{ $dbh->selectall_arrayref('SELECT id, title, views FROM posts WHERE views > ? ORDER BY views', { Slice => {} }, 10) }) {
  show($r->{id}, $r->{title}, $r->{views});
}
my $sth = $dbh->prepare('SELECT id, title AS heading, views * 1.5 AS score FROM posts ORDER BY id LIMIT 2');
$sth->execute;
show(@{ $sth->{NAME} });
while (my $r = $sth->fetchrow_hashref) { show($r->{id}, $r->{heading}, $r->{score}) }

print "-- errors\n";
for my $sql ('INSERT INTO authors (handle) VALUES (\'alice\')',
             'INSERT INTO tags VALUES (2, \'tips\')',
             'INSERT INTO posts (author_id) VALUES (1)',
             'SELECT * FROM nosuch') {
  eval { $dbh->do($sql); 1 } or do { (my $m = $@) =~ s/ at \S+ line \d+\.\n//; show('error', $dbh->err, $m) };
}
print "-- rollback\n";
eval {
  $dbh->begin_work;
  $dbh->do('UPDATE posts SET views = views + 1000');
  $dbh->do('INSERT INTO authors (id, handle) VALUES (1, ?)', undef, 'dup');
  $dbh->commit;
  1;
} or do { my $m = $dbh->errstr; $dbh->rollback; show('rolled back', $m) };
show('views', $dbh->selectrow_array('SELECT sum(views) FROM posts'));
my $n = $dbh->do('DELETE FROM tags WHERE tag = ?', undef, 'tips');
show('deleted', $n);
show('tables', join(',', map { $_->[0] } @{ $dbh->selectall_arrayref(
  "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }));
$dbh->disconnect;
print "done\n";
