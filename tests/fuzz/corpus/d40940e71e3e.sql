SELECT x + 1, x / n, upper(x), typeof(x) FROM u WHERE x = 'a' OR e = 'B' ORDER BY x
