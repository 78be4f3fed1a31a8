#include "libsqlite3-compat/server/strict.h"

namespace litelift::compat::server {

const char* StrictFunctionsSql() {
  return R"SQL(
CREATE OR REPLACE FUNCTION litelift.strict_mismatch(class text, type text, col text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RAISE EXCEPTION 'cannot store % value in % column %', class, type, col USING ERRCODE = 'LL004';
END $$;
-- INT, INTEGER: integers, and text or reals that are whole numbers.
CREATE OR REPLACE FUNCTION litelift.strict_int(bigint, text, text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.strict_int(integer, text, text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::bigint $$;
CREATE OR REPLACE FUNCTION litelift.strict_int(boolean, text, text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::int::bigint $$;
CREATE OR REPLACE FUNCTION litelift.strict_int(double precision, text, text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9.2e18 THEN $1::bigint
    ELSE litelift.strict_mismatch('REAL', $2, $3)::bigint END $$;
CREATE OR REPLACE FUNCTION litelift.strict_int(numeric, text, text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 = trunc($1) AND abs($1) < 9223372036854775808 THEN $1::bigint
    ELSE litelift.strict_mismatch('REAL', $2, $3)::bigint END $$;
CREATE OR REPLACE FUNCTION litelift.strict_int(text, text, text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN litelift.numeric_affinity($1) IS NULL
      THEN litelift.strict_mismatch('TEXT', $2, $3)::bigint
    ELSE litelift.strict_int(litelift.numeric_affinity($1), $2, $3) END $$;
CREATE OR REPLACE FUNCTION litelift.strict_int(bytea, text, text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.strict_mismatch('BLOB', $2, $3)::bigint $$;
CREATE OR REPLACE FUNCTION litelift.strict_int(jsonb, text, text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'number' THEN litelift.strict_int($1::text::numeric, $2, $3)
    WHEN 'string' THEN litelift.strict_int($1 #>> '{}', $2, $3)
    ELSE litelift.strict_mismatch('BLOB', $2, $3)::bigint END $$;
-- REAL: numbers, and text that is one.
CREATE OR REPLACE FUNCTION litelift.strict_real(double precision, text, text)
  RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.strict_real(bigint, text, text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::double precision $$;
CREATE OR REPLACE FUNCTION litelift.strict_real(integer, text, text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::double precision $$;
CREATE OR REPLACE FUNCTION litelift.strict_real(boolean, text, text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::int::double precision $$;
CREATE OR REPLACE FUNCTION litelift.strict_real(numeric, text, text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::double precision $$;
CREATE OR REPLACE FUNCTION litelift.strict_real(text, text, text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN litelift.numeric_affinity($1) IS NULL
      THEN litelift.strict_mismatch('TEXT', $2, $3)::double precision
    ELSE litelift.numeric_affinity($1)::double precision END $$;
CREATE OR REPLACE FUNCTION litelift.strict_real(bytea, text, text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.strict_mismatch('BLOB', $2, $3)::double precision $$;
CREATE OR REPLACE FUNCTION litelift.strict_real(jsonb, text, text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1) WHEN 'number' THEN ($1::text)::double precision
    WHEN 'string' THEN litelift.strict_real($1 #>> '{}', $2, $3)
    ELSE litelift.strict_mismatch('BLOB', $2, $3)::double precision END $$;
-- TEXT: text, and numbers as SQLite writes them.
CREATE OR REPLACE FUNCTION litelift.strict_text(text, text, text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.strict_text(bigint, text, text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.strict_text(integer, text, text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_text($1::bigint) $$;
CREATE OR REPLACE FUNCTION litelift.strict_text(boolean, text, text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::int::text $$;
CREATE OR REPLACE FUNCTION litelift.strict_text(double precision, text, text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.strict_text(numeric, text, text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT litelift.cast_text($1) $$;
CREATE OR REPLACE FUNCTION litelift.strict_text(bytea, text, text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.strict_mismatch('BLOB', $2, $3) $$;
CREATE OR REPLACE FUNCTION litelift.strict_text(jsonb, text, text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof($1) <> 'object' THEN litelift.cast_text($1)
    WHEN $1 ? 't' THEN litelift.odd_text($1, 'stored in the TEXT column ' || $3)
    ELSE litelift.strict_mismatch('BLOB', $2, $3) END $$;
-- BLOB: blobs only.
CREATE OR REPLACE FUNCTION litelift.strict_blob(bytea, text, text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION litelift.strict_blob(bigint, text, text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.strict_mismatch('INT', $2, $3)::bytea $$;
CREATE OR REPLACE FUNCTION litelift.strict_blob(integer, text, text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.strict_mismatch('INT', $2, $3)::bytea $$;
CREATE OR REPLACE FUNCTION litelift.strict_blob(boolean, text, text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.strict_mismatch('INT', $2, $3)::bytea $$;
CREATE OR REPLACE FUNCTION litelift.strict_blob(double precision, text, text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.strict_mismatch('REAL', $2, $3)::bytea $$;
CREATE OR REPLACE FUNCTION litelift.strict_blob(numeric, text, text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.strict_mismatch(CASE WHEN $1 = trunc($1) THEN 'INT' ELSE 'REAL' END, $2,
                                  $3)::bytea $$;
CREATE OR REPLACE FUNCTION litelift.strict_blob(text, text, text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT litelift.strict_mismatch('TEXT', $2, $3)::bytea $$;
CREATE OR REPLACE FUNCTION litelift.strict_blob(jsonb, text, text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof($1)
    WHEN 'object' THEN CASE WHEN $1 ? 't' THEN litelift.strict_mismatch('TEXT', $2, $3)::bytea
                            ELSE litelift.any_blob($1) END
    WHEN 'string' THEN litelift.strict_mismatch('TEXT', $2, $3)::bytea
    ELSE litelift.strict_blob($1::text::numeric, $2, $3) END $$;
)SQL";
}

}  // namespace litelift::compat::server
