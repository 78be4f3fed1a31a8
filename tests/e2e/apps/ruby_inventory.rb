# An inventory program on Debian's ruby-sqlite3, as a user would write it:
# schema with constraints, parameter binding, transactions, reports.
require 'sqlite3'

db = SQLite3::Database.new(ARGV[0])
db.execute_batch <<~SQL
  CREATE TABLE IF NOT EXISTS suppliers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    country TEXT
  );
  CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    supplier_id INTEGER REFERENCES suppliers(id),
    price REAL CHECK (price >= 0),
    qty INTEGER NOT NULL DEFAULT 0,
    added TEXT,
    photo BLOB
  );
  CREATE INDEX IF NOT EXISTS items_supplier ON items(supplier_id);
SQL

db.transaction do
  [[1, 'Acme', 'US'], [2, 'Globex', 'DE'], [3, 'Initech', nil]].each do |row|
    db.execute('INSERT INTO suppliers (id, name, country) VALUES (?, ?, ?)', row)
  end
  items = [
    ['A-100', 'Anvil', 1, 99.5, 3, '2024-01-15'],
    ['A-101', 'Rocket skates', 1, 149.99, 0, '2024-02-01'],
    ['G-200', 'Widget', 2, 2.25, 120, '2024-01-03'],
    ['G-201', 'Gadget 50%', 2, 10.0, 7, nil],
    ['I-300', 'Stapler', 3, nil, 12, '2023-12-24'],
    ['X-999', 'Mystery box', nil, 5, 1, '2024-03-31']
  ]
  items.each do |sku, name, sup, price, qty, added|
    db.execute('INSERT INTO items (sku, name, supplier_id, price, qty, added) VALUES (?, ?, ?, ?, ?, ?)',
               [sku, name, sup, price, qty, added])
  end
end
puts "last id #{db.last_insert_row_id}, changes #{db.changes}, total #{db.total_changes}"

db.execute('UPDATE items SET photo = ? WHERE sku = ?', [SQLite3::Blob.new("\x89PNG\x00\x01\xff".b), 'A-100'])
blob = db.get_first_value('SELECT photo FROM items WHERE sku = ?', 'A-100')
puts "photo #{blob.bytesize} bytes #{blob.unpack1('H*')} #{db.get_first_value('SELECT typeof(photo) FROM items WHERE sku = ?', 'A-100')}"
puts "hex #{db.get_first_value("SELECT hex(photo) FROM items WHERE photo IS NOT NULL")}"

puts '-- stock by supplier'
db.execute(<<~SQL).each { |r| puts r.inspect }
  SELECT coalesce(s.name, '(none)') AS supplier, count(i.id) AS n, sum(i.qty) AS units,
         round(sum(i.price * i.qty), 2) AS value
  FROM items i LEFT JOIN suppliers s ON s.id = i.supplier_id
  GROUP BY 1 ORDER BY value DESC, supplier
SQL

puts '-- countries'
db.execute(<<~SQL).each { |r| puts r.inspect }
  SELECT ifnull(country, '?') AS c, count(*) AS n FROM suppliers GROUP BY c HAVING n >= 1 ORDER BY 2 DESC, 1
SQL

puts '-- search'
db.execute("SELECT sku, name FROM items WHERE name LIKE ? ORDER BY sku", ['%GET%']).each { |r| puts r.inspect }
db.execute("SELECT sku FROM items WHERE name LIKE '%50\\%%' ESCAPE '\\'").each { |r| puts r.inspect }

puts '-- dates'
db.execute("SELECT sku, added, date(added, '+1 month') AS due, strftime('%Y-%m', added) AS month, " \
           "julianday('2024-04-01') - julianday(added) AS age FROM items " \
           "WHERE added IS NOT NULL AND added >= ? ORDER BY added", ['2024-01-01']).each { |r| puts r.inspect }
db.execute("SELECT strftime('%Y', added) AS y, count(*) FROM items GROUP BY y ORDER BY y").each { |r| puts r.inspect }

puts '-- nulls'
db.execute('SELECT sku, price, price IS NULL, typeof(price), qty * price FROM items WHERE price IS NULL OR supplier_id IS NULL ORDER BY sku').each { |r| puts r.inspect }
puts db.get_first_row('SELECT count(*), count(price), avg(price), min(added), max(added) FROM items').inspect

puts '-- errors'
begin
  db.execute('INSERT INTO items (sku, name) VALUES (?, ?)', ['A-100', 'Duplicate'])
rescue SQLite3::ConstraintException => e
  puts "#{e.class}: #{e.message}"
end
begin
  db.execute('INSERT INTO items (sku, name, price) VALUES (?, ?, ?)', ['N-1', 'Negative', -1])
rescue SQLite3::ConstraintException => e
  puts "#{e.class}: #{e.message}"
end
begin
  db.execute('INSERT INTO items (sku) VALUES (?)', ['N-2'])
rescue SQLite3::ConstraintException => e
  puts "#{e.class}: #{e.message}"
end
begin
  db.execute('SELECT nosuchcolumn FROM items')
rescue SQLite3::SQLException => e
  puts "#{e.class}: #{e.message}"
end

puts '-- rollback'
begin
  db.transaction do
    db.execute('UPDATE items SET qty = qty - ? WHERE sku = ?', [5, 'G-200'])
    db.execute('INSERT INTO suppliers (id, name) VALUES (?, ?)', [4, 'Acme'])
  end
rescue SQLite3::ConstraintException => e
  puts "rolled back: #{e.message}"
end
puts db.get_first_value('SELECT qty FROM items WHERE sku = ?', 'G-200')
puts db.transaction_active?

puts '-- prepared'
stmt = db.prepare('SELECT id, sku, price FROM items WHERE qty > ? ORDER BY id')
puts stmt.columns.inspect
puts stmt.types.inspect
stmt.execute(5).each { |r| puts r.inspect }
stmt.close

db.results_as_hash = true
# (group_concat lists each group's rows in SQLite's join order: the plan
# walks items through its supplier index, in rowid order per supplier)
db.execute('SELECT s.name AS supplier, count(*) AS n, min(i.sku) AS first, max(i.sku) AS last, group_concat(i.sku) AS skus FROM suppliers s JOIN items i ON i.supplier_id = s.id GROUP BY s.id ORDER BY s.id').each do |h|
  puts "#{h['supplier']}: #{h['n']} #{h['first']}..#{h['last']} #{h['skus']}"
end
puts db.execute('SELECT group_concat(sku) FROM items').flatten.inspect
db.results_as_hash = false
puts db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name").flatten.inspect
puts db.execute('PRAGMA table_info(items)').map { |r| r[1..3].join(' ') }.inspect
db.close
puts 'done'
