.mode csv
.import sales.csv sales
.mode list
.headers on
SELECT region, sum(units) AS total_units, round(sum(units * price), 2) AS revenue FROM sales GROUP BY 1 ORDER BY revenue DESC;
SELECT rep, count(*) AS months, max(units) AS best FROM sales GROUP BY rep HAVING months > 1 ORDER BY best DESC;
SELECT month, group_concat(rep, '+') AS reps FROM sales GROUP BY month;
SELECT region, avg(price) AS p FROM sales GROUP BY region ORDER BY p;
SELECT rep, units + 0 AS u, typeof(units) FROM sales WHERE units = '' OR units > 20 ORDER BY 2;
SELECT "region", "north" FROM sales WHERE region = "north" LIMIT 1;
SELECT month, sum(units) FROM sales GROUP BY month;
