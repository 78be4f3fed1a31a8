#include "libsqlite3-compat/server/any_value.h"

namespace litelift::compat::server {

const char* AnyValueFunctionsSql() {
  return R"SQL(
CREATE OR REPLACE FUNCTION litelift.to_any(bigint) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_jsonb($1) $$;
CREATE OR REPLACE FUNCTION litelift.to_any(integer) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_jsonb($1) $$;
CREATE OR REPLACE FUNCTION litelift.to_any(boolean) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_jsonb($1::int) $$;
-- A real keeps a '.' even when whole, so that it reads back as a real.
CREATE OR REPLACE FUNCTION litelift.to_any(double precision) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9.2e18 THEN ($1::bigint::text || '.0')::jsonb
    WHEN $1 IN ('Infinity', '-Infinity', 'NaN') THEN NULL
    ELSE to_jsonb($1) END $$;
-- numeric: an integer without a fraction (a NUMERIC column's whole values,
-- sums of integers), else a real: arithmetic on reals keeps a fraction,
-- even .0, as SQLite's result is a REAL.
CREATE OR REPLACE FUNCTION litelift.to_any(numeric) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN scale($1) = 0 AND abs($1) < 9223372036854775808 THEN to_jsonb($1)
    ELSE litelift.to_any($1::double precision) END $$;
CREATE OR REPLACE FUNCTION litelift.to_any(text) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_jsonb($1) $$;
-- A blob: {"b": hex}, or, when its hex would not fit a jsonb string
-- (2^28 - 1 bytes), {"b64": base64 without line breaks}: the form is
-- decided by the size alone, so that equal blobs are stored alike.
CREATE OR REPLACE FUNCTION litelift.to_any(bytea) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN length($1) <= 134217727 THEN jsonb_build_object('b', encode($1, 'hex'))
    ELSE jsonb_build_object('b64', translate(encode($1, 'base64'), E'\n', '')) END $$;
CREATE OR REPLACE FUNCTION litelift.to_any(jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.to_any(json) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_jsonb($1::text) $$;

-- A value going into a column of NUMERIC affinity that stores any class
-- (a type name SQLite does not know: JSON, UUID, ...): text that reads as
-- a number is that number, and whole reals are integers.
CREATE OR REPLACE FUNCTION litelift.to_any_numeric(numeric) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9223372036854775808 THEN to_jsonb(trunc($1))
    ELSE litelift.to_any($1::double precision) END $$;
CREATE OR REPLACE FUNCTION litelift.to_any_numeric(double precision) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9.2e18 THEN to_jsonb($1::bigint)
    ELSE litelift.to_any($1) END $$;
CREATE OR REPLACE FUNCTION litelift.to_any_numeric(bigint) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_jsonb($1) $$;
CREATE OR REPLACE FUNCTION litelift.to_any_numeric(integer) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_jsonb($1) $$;
CREATE OR REPLACE FUNCTION litelift.to_any_numeric(text) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN litelift.numeric_affinity($1) IS NOT NULL
    THEN litelift.to_any_numeric(litelift.numeric_affinity($1)) ELSE to_jsonb($1) END $$;
CREATE OR REPLACE FUNCTION litelift.to_any_numeric(bytea) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.to_any($1) $$;
CREATE OR REPLACE FUNCTION litelift.to_any_numeric(boolean) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_jsonb($1::int) $$;
CREATE OR REPLACE FUNCTION litelift.to_any_numeric(json) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.to_any_numeric($1::text) $$;
CREATE OR REPLACE FUNCTION litelift.to_any_numeric(jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1)
    WHEN 'number' THEN litelift.to_any_numeric($1::text::numeric)
    WHEN 'string' THEN litelift.to_any_numeric($1 #>> '{}')
    ELSE $1 END $$;

-- SQLite's storage class of a stored value.
CREATE OR REPLACE FUNCTION litelift.any_class(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1)
    WHEN 'number' THEN CASE WHEN $1::text ~ '^-?[0-9]+$'
                             AND $1::numeric BETWEEN -9223372036854775808 AND 9223372036854775807
                            THEN 'integer' ELSE 'real' END
    WHEN 'string' THEN 'text'
    WHEN 'object' THEN CASE WHEN $1 ? 't' THEN 'text' ELSE 'blob' END
    ELSE 'null' END $$;
CREATE OR REPLACE FUNCTION litelift.typeof(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT litelift.any_class($1) $$;
CREATE OR REPLACE FUNCTION litelift.any_blob(jsonb) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 ? 'b64' THEN decode($1 ->> 'b64', 'base64')
    ELSE decode($1 ->> 'b', 'hex') END $$;
-- A stored blob's hex digits (lower case).
CREATE OR REPLACE FUNCTION litelift.any_hex(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE($1 ->> 'b', encode(litelift.any_blob($1), 'hex')) $$;

-- Text PostgreSQL's text cannot hold (a NUL byte, bytes that are not
-- UTF-8), as an untyped column stores it: {"t": "<hex of its bytes>"}
-- (odd_text.h). Its bytes; its length as SQLite counts text (characters
-- up to the first NUL); and the failure, naming it, of every use that
-- needs it as server text (never a cut or changed value).
CREATE OR REPLACE FUNCTION litelift.odd_bytes(jsonb) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT decode($1 ->> 't', 'hex') $$;
CREATE OR REPLACE FUNCTION litelift.odd_length(b bytea) RETURNS bigint
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  n bigint := 0;
  i int := 0;
  c int;
BEGIN
  WHILE i < length(b) LOOP
    c := get_byte(b, i);
    EXIT WHEN c = 0;
    i := i + 1;
    IF c >= 192 THEN  -- a lead byte and its continuation bytes count once
      WHILE i < length(b) AND (get_byte(b, i) & 192) = 128 LOOP
        i := i + 1;
      END LOOP;
    END IF;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
CREATE OR REPLACE FUNCTION litelift.odd_text(v jsonb, use text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RAISE EXCEPTION 'litelift: text with % (X''%'') cannot be % on the postgres route: PostgreSQL text cannot hold it',
    CASE WHEN position('\x00'::bytea IN litelift.odd_bytes(v)) > 0 THEN 'a NUL byte'
      ELSE 'bytes that are not UTF-8' END,
    upper(left(v ->> 't', 64)) || CASE WHEN length(v ->> 't') > 64 THEN '...' ELSE '' END,
    use USING ERRCODE = 'LL003';
END $$;

-- A blob's bytes as text (SQLite does not check them); a NUL byte or bytes
-- that are not UTF-8 fail naming the blob, as the server's text cannot
-- hold them (they used to come out escaped: a wrong answer).
CREATE OR REPLACE FUNCTION litelift.blob_text(bytea) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN convert_from($1, 'UTF8');
EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
  RAISE EXCEPTION 'litelift: the blob X''%'' as text has %, which PostgreSQL text cannot hold',
    upper(left(encode($1, 'hex'), 64)) || CASE WHEN length($1) > 32 THEN '...' ELSE '' END,
    CASE WHEN position('\x00'::bytea IN $1) > 0 THEN 'a NUL byte'
      ELSE 'bytes that are not UTF-8' END
    USING ERRCODE = 'LL003';
END $$;
-- The value as SQLite converts it to text.
CREATE OR REPLACE FUNCTION litelift.any_text(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1)
    WHEN 'string' THEN $1 #>> '{}'
    WHEN 'object' THEN CASE WHEN $1 ? 't' THEN litelift.odd_text($1, 'used as text')
                            ELSE litelift.blob_text(litelift.any_blob($1)) END
    ELSE CASE litelift.any_class($1)
      WHEN 'integer' THEN $1::text
      ELSE litelift.real_text($1::text::double precision) END END $$;
-- The value as text for a conversion to a number, where only its leading
-- number counts: bytes the server's text cannot hold (a blob's, or text's
-- stored as {"t": hex}) come out escaped, which keeps that number.
CREATE OR REPLACE FUNCTION litelift.bytes_num_text(bytea) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN convert_from($1, 'UTF8');
EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
  RETURN encode($1, 'escape');
END $$;
CREATE OR REPLACE FUNCTION litelift.any_num_text(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof($1) = 'object'
    THEN litelift.bytes_num_text(decode(coalesce($1 ->> 'b', $1 ->> 't'), 'hex'))
    ELSE litelift.any_text($1) END $$;
-- The value as SQLite converts it to a number (text and blobs leniently).
CREATE OR REPLACE FUNCTION litelift.any_num(jsonb) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1)
    WHEN 'number' THEN $1::text::numeric
    ELSE litelift.cast_numeric(litelift.any_num_text($1)) END $$;
-- NUMERIC affinity applied to a stored value: text that reads as a number
-- becomes that number.
CREATE OR REPLACE FUNCTION litelift.any_numeric_affinity(jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof($1) = 'string'
                   AND litelift.numeric_affinity($1 #>> '{}') IS NOT NULL
              THEN litelift.to_any(litelift.numeric_affinity($1 #>> '{}'))
              ELSE $1 END $$;

-- Whether a stored value is an integer in arithmetic (text as SQLite
-- reads it: a number with a '.' or an exponent is a real).
CREATE OR REPLACE FUNCTION litelift.any_is_int(jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE litelift.any_class($1) WHEN 'integer' THEN true WHEN 'real' THEN false
    ELSE litelift.any_num_text($1) !~ '^[ \t\n\r\f]*[+-]?[0-9]*[.eE][0-9]' END $$;
-- Division and remainder of stored values: integers divide as integers.
CREATE OR REPLACE FUNCTION litelift.any_div(jsonb, jsonb) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN litelift.any_num($2) = 0 THEN NULL
    WHEN litelift.any_is_int($1) AND litelift.any_is_int($2)
      THEN trunc(litelift.any_num($1) / litelift.any_num($2))
    ELSE (litelift.any_num($1)::double precision /
          litelift.any_num($2)::double precision)::text::numeric + 0.0
    END $$;
CREATE OR REPLACE FUNCTION litelift.any_mod(jsonb, jsonb) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN trunc(litelift.any_num($2)) = 0 THEN NULL
    WHEN litelift.any_is_int($1) AND litelift.any_is_int($2)
      THEN trunc(litelift.any_num($1)) % trunc(litelift.any_num($2))
    ELSE trunc(litelift.any_num($1)) % trunc(litelift.any_num($2)) + 0.0 END $$;
-- Division and remainder where a NUMERIC column is an operand: integers
-- (no fraction) divide as integers, as SQLite's do.
CREATE OR REPLACE FUNCTION litelift.num_div(numeric, numeric) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 = 0 THEN NULL
    WHEN scale($1) = 0 AND scale($2) = 0 THEN trunc($1 / $2)
    ELSE ($1::double precision / $2::double precision)::text::numeric + 0.0 END $$;
CREATE OR REPLACE FUNCTION litelift.num_mod(numeric, numeric) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN trunc($2) = 0 THEN NULL
    WHEN scale($1) = 0 AND scale($2) = 0 THEN $1 % $2
    ELSE trunc($1) % trunc($2) + 0.0 END $$;
-- A real as a numeric that keeps a fraction (1000.0), so that numeric
-- arithmetic and num_div treat it as a real, and results read back as REAL.
CREATE OR REPLACE FUNCTION litelift.real_num(double precision) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 IN ('Infinity', '-Infinity', 'NaN') THEN NULL
    ELSE $1::text::numeric + 0.0 END $$;
-- Text in arithmetic as SQLite reads it (computeNumericType): its leading
-- number, an integer when written without '.' or exponent (and within 64
-- bits), else a real; 0 when it has none ('abc' * 2 is 0, '12abc' * 2 is
-- 24, '1e3' * 2 is 2000.0).
CREATE OR REPLACE FUNCTION litelift.text_num(text) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN m IS NULL THEN 0::numeric
    WHEN m !~ '[.eE]' AND abs(m::numeric) < 9223372036854775808 THEN m::numeric
    ELSE litelift.real_num(m::double precision) END
  FROM (SELECT substring($1 from
    '^[ \t\n\r\f]*([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)') AS m) v $$;
-- Text as an operand of % (sqlite3VdbeIntValue): the integer it starts
-- with ('1e3' % 7 is 1 % 7), keeping a fraction when the text reads as a
-- real in arithmetic, so that the remainder is a REAL then.
CREATE OR REPLACE FUNCTION litelift.text_mod_num(text) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN scale(litelift.text_num($1)) > 0 THEN litelift.cast_integer($1) + 0.0
    ELSE litelift.cast_integer($1)::numeric END $$;
-- Text as sum(), avg() and total() read it (applyNumericAffinity): text
-- that is a number throughout is that integer or real; other text counts
-- as the real of its leading number (sum('12abc') is 12.0).
CREATE OR REPLACE FUNCTION litelift.text_sum_num(text) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 ~ '^[ \t\n\r\f]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\f]*$'
    THEN litelift.text_num($1) ELSE litelift.real_num(litelift.to_real($1)) END $$;
-- A value going into an INTEGER column (a bigint): a whole value is stored;
-- SQLite would keep 1.5 or 'abc' there as they are, which a bigint cannot,
-- so they fail instead of being rounded (LL003: SQLITE_MISMATCH).
CREATE OR REPLACE FUNCTION litelift.cannot_store(value text, class text) RETURNS bigint
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RAISE EXCEPTION 'litelift: cannot store % % in an INTEGER column on PostgreSQL', class, value
    USING ERRCODE = 'LL003';
END $$;
CREATE OR REPLACE FUNCTION litelift.integer_store(bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.integer_store(integer) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::bigint $$;
CREATE OR REPLACE FUNCTION litelift.integer_store(boolean) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::int::bigint $$;
CREATE OR REPLACE FUNCTION litelift.integer_store(double precision) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9.2e18 THEN $1::bigint
    ELSE litelift.cannot_store(litelift.real_text($1), 'the REAL') END $$;
CREATE OR REPLACE FUNCTION litelift.integer_store(numeric) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9223372036854775808 THEN $1::bigint
    ELSE litelift.cannot_store($1::text, 'the REAL') END $$;
CREATE OR REPLACE FUNCTION litelift.integer_store(text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN litelift.numeric_affinity($1) IS NULL
      THEN litelift.cannot_store(quote_literal($1), 'the TEXT')
    ELSE litelift.integer_store(litelift.numeric_affinity($1)) END $$;
CREATE OR REPLACE FUNCTION litelift.integer_store(bytea) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cannot_store('x''' || encode($1, 'hex') || '''', 'the BLOB') $$;
CREATE OR REPLACE FUNCTION litelift.integer_store(jsonb) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'number' THEN litelift.integer_store($1::text::numeric)
    WHEN 'string' THEN litelift.integer_store($1 #>> '{}')
    WHEN 'object' THEN CASE WHEN $1 ? 't'
      THEN litelift.odd_text($1, 'stored in an INTEGER column')::bigint
      ELSE litelift.integer_store(litelift.any_blob($1)) END END $$;
-- A value going into the INTEGER PRIMARY KEY: a whole value, else SQLite's
-- "datatype mismatch" (22P02).
-- (VOLATILE: an immutable call without arguments would be folded, and so
-- raised, wherever it is written.)
CREATE OR REPLACE FUNCTION litelift.rowid_mismatch() RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $$
BEGIN
  RAISE EXCEPTION 'datatype mismatch' USING ERRCODE = '22P02';
END $$;
CREATE OR REPLACE FUNCTION litelift.rowid_store(bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.rowid_store(integer) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::bigint $$;
CREATE OR REPLACE FUNCTION litelift.rowid_store(double precision) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9.2e18 THEN $1::bigint
    ELSE litelift.rowid_mismatch() END $$;
CREATE OR REPLACE FUNCTION litelift.rowid_store(numeric) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9223372036854775808 THEN $1::bigint
    ELSE litelift.rowid_mismatch() END $$;
CREATE OR REPLACE FUNCTION litelift.rowid_store(text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN litelift.numeric_affinity($1) IS NULL THEN litelift.rowid_mismatch()
    ELSE litelift.rowid_store(litelift.numeric_affinity($1)) END $$;
CREATE OR REPLACE FUNCTION litelift.rowid_store(bytea) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.rowid_mismatch() $$;
CREATE OR REPLACE FUNCTION litelift.rowid_store(jsonb) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'number' THEN litelift.rowid_store($1::text::numeric)
    WHEN 'string' THEN litelift.rowid_store($1 #>> '{}')
    ELSE litelift.rowid_mismatch() END $$;
-- A value going into a NUMERIC column, as its affinity stores it: whole
-- values as integers (no fraction), others as reals.
CREATE OR REPLACE FUNCTION litelift.numeric_store(numeric) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9223372036854775808 THEN trunc($1) ELSE $1 END $$;
CREATE OR REPLACE FUNCTION litelift.numeric_store(double precision) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.numeric_store($1::text::numeric) $$;
CREATE OR REPLACE FUNCTION litelift.numeric_store(bigint) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::numeric $$;
CREATE OR REPLACE FUNCTION litelift.numeric_store(integer) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::numeric $$;
CREATE OR REPLACE FUNCTION litelift.numeric_store(text) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.numeric_store($1::numeric) $$;
CREATE OR REPLACE FUNCTION litelift.numeric_store(jsonb) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'number' THEN litelift.numeric_store($1::text::numeric)
    ELSE litelift.numeric_store(litelift.any_num_text($1)) END $$;
CREATE OR REPLACE FUNCTION litelift.truth(jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.any_num($1) <> 0 $$;
CREATE OR REPLACE FUNCTION litelift.cast_text(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.any_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.cast_integer(jsonb) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'number' THEN litelift.cast_integer($1::text::numeric)
    ELSE litelift.cast_integer(litelift.any_num_text($1)) END $$;
CREATE OR REPLACE FUNCTION litelift.cast_real(jsonb) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'number' THEN $1::text::double precision
    ELSE litelift.cast_real(litelift.any_num_text($1)) END $$;
CREATE OR REPLACE FUNCTION litelift.cast_numeric(jsonb) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'number' THEN $1::text::numeric
    ELSE litelift.cast_numeric(litelift.any_num_text($1)) END $$;
CREATE OR REPLACE FUNCTION litelift.cast_blob(jsonb) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1)
    WHEN 'object' THEN CASE WHEN $1 ? 't' THEN litelift.odd_bytes($1) ELSE litelift.any_blob($1) END
    ELSE convert_to(litelift.any_text($1), 'UTF8') END $$;
CREATE OR REPLACE FUNCTION litelift.quote(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE litelift.any_class($1)
    WHEN 'null' THEN 'NULL'
    WHEN 'blob' THEN 'X''' || upper(litelift.any_hex($1)) || ''''
    WHEN 'text' THEN CASE WHEN jsonb_typeof($1) = 'object' THEN litelift.odd_text($1, 'quoted')
                          ELSE '''' || replace($1 #>> '{}', '''', '''''') || '''' END
    WHEN 'real' THEN litelift.quote_real($1::text::double precision)
    ELSE litelift.any_text($1) END $$;
CREATE OR REPLACE FUNCTION litelift.length(jsonb) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1)
    WHEN 'object' THEN CASE WHEN $1 ? 't' THEN litelift.odd_length(litelift.odd_bytes($1))
                            ELSE length(litelift.any_blob($1)) END
    ELSE length(litelift.any_text($1)) END $$;
CREATE OR REPLACE FUNCTION litelift.hex(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'object' THEN upper(coalesce($1 ->> 't', litelift.any_hex($1)))
    ELSE litelift.hex(litelift.any_text($1)) END $$;
CREATE OR REPLACE FUNCTION litelift.json_quote(v jsonb) RETURNS json
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE litelift.any_class(v)
    WHEN 'null' THEN 'null'::json
    WHEN 'blob' THEN litelift.json_quote(litelift.any_blob(v))
    WHEN 'real' THEN litelift.json_quote(v::text::double precision)
    WHEN 'text' THEN CASE WHEN jsonb_typeof(v) = 'object' THEN litelift.odd_text(v, 'quoted as JSON')::json
                          ELSE v::text::json END
    ELSE v::text::json END $$;

-- The key that orders stored values as SQLite orders values: numbers by
-- value, then text, then blobs by their bytes ([class rank, value]; jsonb
-- alone puts strings before numbers).
CREATE OR REPLACE FUNCTION litelift.any_key(jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1)
    WHEN 'number' THEN jsonb_build_array(1, $1)
    WHEN 'string' THEN jsonb_build_array(2, $1)
    ELSE CASE WHEN $1 ? 't' THEN litelift.odd_text($1, 'ordered')::jsonb
              ELSE jsonb_build_array(3, COALESCE($1 -> 'b', $1 -> 'b64')) END END $$;
CREATE OR REPLACE FUNCTION litelift.any_smaller(jsonb, jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN litelift.any_key($2) < litelift.any_key($1) THEN $2 ELSE $1 END $$;
CREATE OR REPLACE FUNCTION litelift.any_larger(jsonb, jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN litelift.any_key($2) > litelift.any_key($1) THEN $2 ELSE $1 END $$;
-- Scalar max() and min() of stored values, as SQLite's: NULL when any is
-- NULL; else the largest (smallest) in SQLite's order of values (numbers,
-- text, blobs), the first (last) of equals.
CREATE OR REPLACE FUNCTION litelift.any_greatest(VARIADIC v jsonb[]) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN array_position(v, NULL) IS NOT NULL THEN NULL ELSE
    (SELECT x FROM unnest(v) WITH ORDINALITY u(x, i) ORDER BY litelift.any_key(x) DESC, i
     LIMIT 1) END $$;
CREATE OR REPLACE FUNCTION litelift.any_least(VARIADIC v jsonb[]) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN array_position(v, NULL) IS NOT NULL THEN NULL ELSE
    (SELECT x FROM unnest(v) WITH ORDINALITY u(x, i) ORDER BY litelift.any_key(x), i DESC
     LIMIT 1) END $$;
DO $$ BEGIN
  CREATE AGGREGATE litelift.min(jsonb) (SFUNC = litelift.any_smaller, STYPE = jsonb);
EXCEPTION WHEN duplicate_function THEN NULL; END $$;
DO $$ BEGIN
  CREATE AGGREGATE litelift.max(jsonb) (SFUNC = litelift.any_larger, STYPE = jsonb);
EXCEPTION WHEN duplicate_function THEN NULL; END $$;
-- A TEXT column holds text (numbers as SQLite writes them), a BLOB column
-- blobs: a value of another class fails naming it, as for INTEGER columns
-- (SQLite would keep it as given; the column's server type cannot).
CREATE OR REPLACE FUNCTION litelift.cannot_store_in(value text, class text, col text)
  RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RAISE EXCEPTION 'litelift: cannot store % % in a % column on PostgreSQL', class, value, col
    USING ERRCODE = 'LL003';
END $$;
-- A stored value going into a REAL column (a CASE or coalesce of mixed
-- classes): numbers and text that reads as one are stored as reals; other
-- text and blobs fail naming the value, as for INTEGER columns.
CREATE OR REPLACE FUNCTION litelift.real_store(jsonb) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'number' THEN $1::text::double precision
    WHEN 'string' THEN CASE WHEN litelift.numeric_affinity($1 #>> '{}') IS NULL
        THEN litelift.cannot_store_in(quote_literal($1 #>> '{}'), 'the TEXT', 'REAL')::double precision
      ELSE litelift.numeric_affinity($1 #>> '{}')::double precision END
    WHEN 'object' THEN CASE WHEN $1 ? 't'
      THEN litelift.odd_text($1, 'stored in a REAL column')::double precision
      ELSE litelift.cannot_store_in('x''' || litelift.any_hex($1) || '''', 'the BLOB', 'REAL')::double precision
      END END $$;
CREATE OR REPLACE FUNCTION litelift.text_store(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.text_store(bigint) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.text_store(integer) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_text($1::bigint) $$;
CREATE OR REPLACE FUNCTION litelift.text_store(boolean) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::int::text $$;
CREATE OR REPLACE FUNCTION litelift.text_store(double precision) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.text_store(numeric) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.text_store(bytea) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cannot_store_in('x''' || encode($1, 'hex') || '''', 'the BLOB', 'TEXT') $$;
CREATE OR REPLACE FUNCTION litelift.text_store(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof($1) <> 'object' THEN litelift.cast_text($1)
    WHEN $1 ? 't' THEN litelift.odd_text($1, 'stored in a TEXT column')
    ELSE litelift.text_store(litelift.any_blob($1)) END $$;
CREATE OR REPLACE FUNCTION litelift.blob_store(bytea) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.blob_store(text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cannot_store_in(quote_literal($1), 'the TEXT', 'BLOB')::bytea $$;
CREATE OR REPLACE FUNCTION litelift.blob_store(bigint) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cannot_store_in($1::text, 'the INTEGER', 'BLOB')::bytea $$;
CREATE OR REPLACE FUNCTION litelift.blob_store(integer) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cannot_store_in($1::text, 'the INTEGER', 'BLOB')::bytea $$;
CREATE OR REPLACE FUNCTION litelift.blob_store(boolean) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cannot_store_in($1::int::text, 'the INTEGER', 'BLOB')::bytea $$;
CREATE OR REPLACE FUNCTION litelift.blob_store(double precision) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cannot_store_in(litelift.real_text($1), 'the REAL', 'BLOB')::bytea $$;
CREATE OR REPLACE FUNCTION litelift.blob_store(numeric) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.cannot_store_in($1::text,
    CASE WHEN scale($1) = 0 THEN 'the INTEGER' ELSE 'the REAL' END, 'BLOB')::bytea $$;
CREATE OR REPLACE FUNCTION litelift.blob_store(jsonb) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1)
    WHEN 'object' THEN CASE WHEN $1 ? 't' THEN litelift.odd_text($1, 'stored in a BLOB column')::bytea
                            ELSE litelift.any_blob($1) END
    WHEN 'string' THEN litelift.blob_store($1 #>> '{}')
    ELSE litelift.blob_store($1::text::numeric) END $$;
-- An INSERT's rowid (catalog/rowid.h): NULL takes the sequence's next; a
-- rowid above the sequence moves it there (an empty table's, whatever it
-- is; AUTOINCREMENT's counter never below its own). The counter is read
-- only for rows that give their rowid.
CREATE OR REPLACE FUNCTION litelift.rowid_take(bigint, regclass, boolean) RETURNS bigint
  LANGUAGE sql VOLATILE PARALLEL UNSAFE AS $$
  SELECT CASE WHEN $1 IS NULL THEN nextval($2)
    WHEN coalesce($1 <= pg_sequence_last_value($2), false) THEN $1
    WHEN pg_sequence_last_value($2) IS NOT NULL OR NOT $3 THEN
      CASE WHEN setval($2, $1) IS NOT NULL THEN $1 END
    ELSE CASE WHEN setval($2, greatest($1, nextval($2) - 1)) IS NOT NULL THEN $1 END END $$;
)SQL";
}

}  // namespace litelift::compat::server
