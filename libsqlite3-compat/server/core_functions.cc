#include "libsqlite3-compat/server/core_functions.h"

namespace litelift::compat::server {

const char* CoreFunctionsSql() {
  return R"SQL(
-- A text's leading number, as SQLite reads one when it needs a number
-- (0 when there is none).
CREATE OR REPLACE FUNCTION litelift.to_real(text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(substring($1 from
    '^[ \t\n\r\f]*([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)')::float8, 0) $$;

-- Whether a value is true where SQLite wants a condition: non-zero.
CREATE OR REPLACE FUNCTION litelift.truth(boolean) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.truth(bigint) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 <> 0 $$;
CREATE OR REPLACE FUNCTION litelift.truth(double precision) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 <> 0 $$;
CREATE OR REPLACE FUNCTION litelift.truth(numeric) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 <> 0 $$;
CREATE OR REPLACE FUNCTION litelift.truth(text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.to_real($1) <> 0 $$;
CREATE OR REPLACE FUNCTION litelift.truth(bytea) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.to_real(convert_from($1, 'UTF8')) <> 0 $$;

-- A real as SQLite renders it ("%!.15g"): the JSON functions' renderer
-- (server/json.cc), which follows SQLite's long-double arithmetic; plpgsql,
-- so that it may be created before that function is.
CREATE OR REPLACE FUNCTION litelift.real_text(x double precision) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN litelift._json_real_text(x);
END $$;

-- CAST(x AS TEXT) and the text SQLite makes of a value for || and friends.
CREATE OR REPLACE FUNCTION litelift.cast_text(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.cast_text(bigint) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::text $$;
CREATE OR REPLACE FUNCTION litelift.cast_text(double precision) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.real_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.cast_text(numeric) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9223372036854775808 THEN trunc($1)::text
    ELSE litelift.real_text($1::float8) END $$;
CREATE OR REPLACE FUNCTION litelift.cast_text(bytea) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT convert_from($1, 'UTF8') $$;
CREATE OR REPLACE FUNCTION litelift.cast_text(boolean) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::int::text $$;

-- CAST(x AS INTEGER): a text's leading integer (0 without one), reals
-- truncated toward zero and held to 64 bits.
CREATE OR REPLACE FUNCTION litelift.cast_integer(bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.cast_integer(double precision) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 >= 9223372036854775807::float8 THEN 9223372036854775807
    WHEN $1 <= -9223372036854775808::float8 THEN -9223372036854775808
    WHEN $1 <> $1 THEN 0 ELSE trunc($1)::bigint END $$;
CREATE OR REPLACE FUNCTION litelift.cast_integer(numeric) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 >= 9223372036854775807 THEN 9223372036854775807
    WHEN $1 <= -9223372036854775808 THEN -9223372036854775808 ELSE trunc($1)::bigint END $$;
CREATE OR REPLACE FUNCTION litelift.cast_integer(text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cast_integer(coalesce(substring($1 from '^[ \t\n\r\f]*([+-]?[0-9]+)')::numeric, 0)) $$;
CREATE OR REPLACE FUNCTION litelift.cast_integer(bytea) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cast_integer(convert_from($1, 'UTF8')) $$;
CREATE OR REPLACE FUNCTION litelift.cast_integer(boolean) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::int::bigint $$;

-- CAST(x AS REAL).
CREATE OR REPLACE FUNCTION litelift.cast_real(double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.cast_real(text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.to_real($1) $$;
CREATE OR REPLACE FUNCTION litelift.cast_real(bytea) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.to_real(convert_from($1, 'UTF8')) $$;
CREATE OR REPLACE FUNCTION litelift.cast_real(boolean) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::int::float8 $$;

-- CAST(x AS NUMERIC): an integer when the number is whole and fits.
CREATE OR REPLACE FUNCTION litelift.cast_numeric(numeric) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.cast_numeric(text) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN r = trunc(r) AND abs(r) < 9.2e18 THEN trunc(r::numeric) ELSE r::numeric END
  FROM (SELECT litelift.to_real($1) AS r) v $$;
CREATE OR REPLACE FUNCTION litelift.cast_numeric(bytea) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_numeric(convert_from($1, 'UTF8')) $$;
CREATE OR REPLACE FUNCTION litelift.cast_numeric(boolean) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::int::numeric $$;

-- CAST(x AS BLOB): the bytes of its text.
CREATE OR REPLACE FUNCTION litelift.cast_blob(bytea) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.cast_blob(text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT convert_to($1, 'UTF8') $$;
CREATE OR REPLACE FUNCTION litelift.cast_blob(bigint) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT convert_to($1::text, 'UTF8') $$;
CREATE OR REPLACE FUNCTION litelift.cast_blob(double precision) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT convert_to(litelift.real_text($1), 'UTF8') $$;
CREATE OR REPLACE FUNCTION litelift.cast_blob(numeric) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT convert_to(litelift.cast_text($1), 'UTF8') $$;

-- substr(x, start[, length]) by SQLite's rules: characters of text, bytes
-- of blobs; a negative start counts from the end, a negative length takes
-- the characters before the start, start 0 eats one of the length.
CREATE OR REPLACE FUNCTION litelift.substr_bounds(n bigint, p1 bigint, p2 bigint,
                                                  OUT start bigint, OUT len bigint)
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  negative boolean := p2 < 0;
BEGIN
  IF negative THEN p2 := -p2; END IF;
  IF p1 < 0 THEN
    p1 := p1 + n;
    IF p1 < 0 THEN
      p2 := p2 + p1;
      IF p2 < 0 THEN p2 := 0; END IF;
      p1 := 0;
    END IF;
  ELSIF p1 > 0 THEN
    p1 := p1 - 1;
  ELSIF p2 > 0 THEN
    p2 := p2 - 1;
  END IF;
  IF negative THEN
    p1 := p1 - p2;
    IF p1 < 0 THEN p2 := p2 + p1; p1 := 0; END IF;
  END IF;
  start := p1 + 1;
  len := greatest(p2, 0);
END $$;
CREATE OR REPLACE FUNCTION litelift.substr(x text, p1 bigint, p2 bigint DEFAULT 2147483647)
  RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT substr(x, least(b.start, 2147483647)::int, least(b.len, 2147483647)::int)
  FROM litelift.substr_bounds(char_length(x), p1, p2) b $$;
CREATE OR REPLACE FUNCTION litelift.substr(x bytea, p1 bigint, p2 bigint DEFAULT 2147483647)
  RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT substr(x, least(b.start, 2147483647)::int, least(b.len, 2147483647)::int)
  FROM litelift.substr_bounds(octet_length(x), p1, p2) b $$;
CREATE OR REPLACE FUNCTION litelift.substr(x bigint, p1 bigint, p2 bigint DEFAULT 2147483647)
  RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.substr(x::text, p1, p2) $$;
CREATE OR REPLACE FUNCTION litelift.substr(x double precision, p1 bigint,
                                           p2 bigint DEFAULT 2147483647)
  RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.substr(litelift.real_text(x), p1, p2) $$;

-- length(x): characters of text, bytes of blobs, characters of a number's text.
CREATE OR REPLACE FUNCTION litelift.length(text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT char_length($1) $$;
CREATE OR REPLACE FUNCTION litelift.length(bytea) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT octet_length($1) $$;
CREATE OR REPLACE FUNCTION litelift.length(bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT char_length($1::text) $$;
CREATE OR REPLACE FUNCTION litelift.length(double precision) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT char_length(litelift.real_text($1)) $$;
CREATE OR REPLACE FUNCTION litelift.length(numeric) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT char_length(litelift.cast_text($1)) $$;

-- instr(x, y): 1-based position of y in x, 0 when absent.
CREATE OR REPLACE FUNCTION litelift.instr(text, text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT strpos($1, $2) $$;
CREATE OR REPLACE FUNCTION litelift.instr(bytea, bytea) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT position($2 in $1) $$;

-- glob(pattern, x): SQLite's case-sensitive wildcard match (*, ?, [...]).
CREATE OR REPLACE FUNCTION litelift.glob_regex(pattern text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  out text := '^';
  i int := 1;
  n int := char_length(pattern);
  c text;
  j int;
BEGIN
  WHILE i <= n LOOP
    c := substr(pattern, i, 1);
    IF c = '*' THEN
      out := out || '.*';
    ELSIF c = '?' THEN
      out := out || '.';
    ELSIF c = '[' THEN
      j := i + 1;
      IF substr(pattern, j, 1) = '^' THEN j := j + 1; END IF;
      IF substr(pattern, j, 1) = ']' THEN j := j + 1; END IF;
      WHILE j <= n AND substr(pattern, j, 1) <> ']' LOOP j := j + 1; END LOOP;
      IF j > n THEN RETURN NULL; END IF;  -- an unclosed [ matches nothing
      out := out || '[' ||
             replace(replace(substr(pattern, i + 1, j - i - 1), '\', '\\'), '[', '\[') || ']';
      i := j;
    ELSE
      out := out || regexp_replace(c, '([.^$|()\\+{}\[\]*?])', '\\\1');
    END IF;
    i := i + 1;
  END LOOP;
  RETURN out || '$';
END $$;
CREATE OR REPLACE FUNCTION litelift.glob(pattern text, x text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT x ~ litelift.glob_regex(pattern) $$;
CREATE OR REPLACE FUNCTION litelift.glob(pattern text, x bigint) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT x::text ~ litelift.glob_regex(pattern) $$;
CREATE OR REPLACE FUNCTION litelift.glob(pattern text, x double precision) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.real_text(x) ~ litelift.glob_regex(pattern) $$;

-- round(x[, n]): always a real, halves away from zero.
CREATE OR REPLACE FUNCTION litelift.round(double precision, bigint DEFAULT 0)
  RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT round($1::numeric, greatest(least($2, 30), 0)::int)::float8 $$;
CREATE OR REPLACE FUNCTION litelift.round(text, bigint DEFAULT 0)
  RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.round(litelift.to_real($1), $2) $$;

-- sign(x): -1, 0 or 1 as an integer; NULL for what is not a number.
CREATE OR REPLACE FUNCTION litelift.sign(double precision) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT sign($1)::bigint $$;
CREATE OR REPLACE FUNCTION litelift.sign(text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 ~ '^[ \t\n\r\f]*[+-]?([0-9]|\.[0-9])' THEN sign(litelift.to_real($1))::bigint
  END $$;

-- ceil, floor, trunc: integers stay integers, as in SQLite.
CREATE OR REPLACE FUNCTION litelift.ceil(bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.ceil(double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT ceil($1) $$;
CREATE OR REPLACE FUNCTION litelift.floor(bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.floor(double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT floor($1) $$;
CREATE OR REPLACE FUNCTION litelift.trunc(bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.trunc(double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT trunc($1) $$;

-- mod(x, y): a real remainder; NULL for y = 0.
CREATE OR REPLACE FUNCTION litelift.mod(double precision, double precision)
  RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 = 0 THEN NULL ELSE ($1::numeric % $2::numeric)::float8 END $$;

-- random(): any 64-bit integer; randomblob(n): n random bytes (at least 1).
CREATE OR REPLACE FUNCTION litelift.random() RETURNS bigint
  LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT (floor(random() * 18446744073709551616::numeric) - 9223372036854775808)::bigint $$;
CREATE OR REPLACE FUNCTION litelift.randomblob(bigint) RETURNS bytea
  LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT decode(string_agg(lpad(to_hex(floor(random() * 256)::int), 2, '0'), ''), 'hex')
  FROM generate_series(1, greatest($1, 1)) $$;

-- SQLite's case folding is ASCII only (PostgreSQL's folds every script):
-- lower()/upper() and LIKE's case-insensitivity.
CREATE OR REPLACE FUNCTION litelift.ascii_lower(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;
CREATE OR REPLACE FUNCTION litelift.ascii_upper(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate($1, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') $$;
CREATE OR REPLACE FUNCTION litelift.ascii_lower(bigint) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::text $$;
CREATE OR REPLACE FUNCTION litelift.ascii_lower(double precision) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.real_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.ascii_lower(numeric) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.ascii_lower(bytea) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.ascii_lower(convert_from($1, 'UTF8')) $$;
CREATE OR REPLACE FUNCTION litelift.ascii_upper(bigint) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::text $$;
CREATE OR REPLACE FUNCTION litelift.ascii_upper(double precision) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.real_text($1) $$;

-- SQLite's NUMERIC affinity for a text: its number when the whole text is
-- one (spaces around allowed), else NULL; and such a number as an integer
-- when it is whole and fits.
CREATE OR REPLACE FUNCTION litelift.numeric_affinity(text) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 ~ '^[ \t\n\r\f]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\f]*$'
    THEN trim($1)::numeric END $$;
-- RAISE() in a trigger: IGNORE ends the trigger and skips the row
-- (SQLSTATE LL002, caught by the trigger function); ABORT, FAIL and
-- ROLLBACK fail the statement with the message (LL001).
CREATE OR REPLACE FUNCTION litelift.raise(kind text, message text) RETURNS text
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF kind = 'IGNORE' THEN RAISE EXCEPTION 'RAISE(IGNORE)' USING ERRCODE = 'LL002'; END IF;
  RAISE EXCEPTION '%', message USING ERRCODE = 'LL001', HINT = kind;
END $$;
-- LIMIT and OFFSET values: NULL is SQLite's "datatype mismatch"; a
-- negative LIMIT means none, a negative OFFSET none.
CREATE OR REPLACE FUNCTION litelift.limit_value(bigint) RETURNS bigint
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF $1 IS NULL THEN RAISE EXCEPTION 'datatype mismatch' USING ERRCODE = '22P02'; END IF;
  RETURN CASE WHEN $1 < 0 THEN NULL ELSE $1 END;
END $$;
CREATE OR REPLACE FUNCTION litelift.offset_value(bigint) RETURNS bigint
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF $1 IS NULL THEN RAISE EXCEPTION 'datatype mismatch' USING ERRCODE = '22P02'; END IF;
  RETURN greatest($1, 0);
END $$;
CREATE OR REPLACE FUNCTION litelift.whole_bigint(numeric) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9223372036854775808 THEN $1::bigint END $$;
)SQL";
}

}  // namespace litelift::compat::server
