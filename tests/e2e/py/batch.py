"""Statement atomicity in long write transactions (the postgres route's
write batch, pg/batch.h): failures at every point of a batch, the
program's savepoints, DDL, statements that may not be replayed. Prints
what a program sees; the same on the real SQLite and on the route."""
import sqlite3
import sys

c = sqlite3.connect(sys.argv[1], isolation_level=None)
q = lambda sql, *a: c.execute(sql, a).fetchall()


def state(label):
    print(label, q('select count(*), total(a), max(a) from t'),
          q('select count(*), total(n), max(rowid) from u'),
          q('select changes(), last_insert_rowid()'))


def attempt(sql, *args):
    try:
        c.execute(sql, args)
        return 'ok'
    except sqlite3.Error as e:
        return '%s: %s' % (type(e).__name__, e)


c.execute('create table t(a integer primary key, b text unique not null)')
c.execute('create table u(b, n integer check (n >= 0))')
c.execute('create table auto(id integer primary key autoincrement, v)')

# Failures at the start, inside and at the ends of batches (64, 64, 128, ...).
c.execute('begin')
fail_at = {0, 1, 63, 64, 65, 127, 128, 200, 255, 256, 300, 511, 700}
for i in range(800):
    b = 'dup' if i in fail_at and i > 0 else 'v%d' % i
    r = attempt('insert into t(b) values (?)', b)
    if r != 'ok':
        print(i, r, q('select changes(), last_insert_rowid()'))
    r = attempt('insert into u values (?, ?)', 'x', -1 if i % 97 == 5 else i)
    if r != 'ok':
        print(i, r)
    if i % 150 == 75:
        print(i, attempt('update u set n = n + 1 where n < ?', i), q('select changes()'))
        print(i, attempt('update u set n = -5 where n = ?', i - 3))
    if i % 211 == 0:
        print(i, attempt('insert into auto(v) values (?)', i), q('select last_insert_rowid()'))
        print(i, attempt('insert into auto(id, v) values (1, ?)', i))
state('in transaction')
c.execute('commit')
state('committed')
print(q('select id, v from auto'))
print(attempt('insert into auto(v) values (?)', 'next'), q('select max(id) from auto'))

# The program's savepoints around batched writes.
c.execute('begin')
for i in range(100):
    c.execute('insert into u values (?, ?)', ('s', i))
c.execute('savepoint a')
for i in range(100):
    c.execute('insert into u values (?, ?)', ('sa', i))
print(attempt('insert into u values (?, ?)', 'bad', -2))
c.execute('rollback to a')
for i in range(70):
    c.execute('insert into t(b) values (?)', ('after-a-%d' % i,))
c.execute('release a')
print(attempt('insert into t(b) values (?)', 'after-a-3'))
state('savepoints')
c.execute('commit')
state('savepoints committed')

# DDL between batched writes survives a later failure; so do writes that
# are not replayed (random(), a clock default).
c.execute('create table stamped(id integer primary key, at default current_timestamp, r)')
c.execute('begin')
for i in range(80):
    c.execute('insert into t(b) values (?)', ('ddl-%d' % i,))
c.execute('create table made_in_txn(x)')
c.execute('insert into made_in_txn values (1)')
c.execute('insert into stamped(r) values (random())')
r0 = q('select r, at from stamped')
for i in range(80):
    c.execute('insert into u values (?, ?)', ('after-ddl', i))
print(attempt('insert into t(b) values (?)', 'ddl-5'))
print(attempt('insert into u values (?, ?)', 'neg', -9))
print(q('select r, at from stamped') == r0, q('select * from made_in_txn'))
state('ddl')
c.execute('commit')
state('ddl committed')

# A trigger: nothing is batched; the same answers.
c.execute('create table log(what)')
c.execute("create trigger tr after insert on u begin insert into log values (new.b); end")
c.execute('begin')
for i in range(90):
    c.execute('insert into u values (?, ?)', ('trig', i))
print(attempt('insert into u values (?, ?)', 'trig', -1))
print(q('select count(*) from log'))
c.execute('rollback')
state('rolled back')
print(q('select count(*) from log'))

# Deletes and updates, then ROLLBACK of the whole transaction.
c.execute('drop trigger tr')
c.execute('begin')
for i in range(0, 200, 2):
    c.execute('delete from u where n = ?', (i,))
print(attempt('update u set n = -1 where n = 1'))
c.execute('update u set n = n * 2 where n < 50')
state('deleted')
c.execute('rollback')
state('after rollback')
print(attempt('insert into t(b) values (?)', 'end'), q('select last_insert_rowid()'))
