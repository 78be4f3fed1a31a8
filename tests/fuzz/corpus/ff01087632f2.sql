INSERT INTO u (x, n, j) VALUES (1, '2', '{}') ON CONFLICT (e) DO UPDATE SET x = excluded.x
