#include "libsqlite3-compat/server/json.h"

namespace litelift::compat::server {

namespace {

// Node arrays mirror SQLite 3.40's JsonNode array (json.c): same pre-order
// numbering from 0 (so json_each/json_tree ids are SQLite's), type codes
// 0 null, 1 true, 2 false, 3 integer, 4 real, 5 text, 6 array, 7 object,
// num = sub-node count of a container, txt = the token as written, flag bits
// as SQLite's: 1 RAW, 4 REMOVE, 8 REPLACE, 16 PATCH, 32 APPEND, 64 LABEL.
// Built-ins are schema-qualified because litelift comes first on search_path.
constexpr const char* kSql = R"SQL(
CREATE OR REPLACE FUNCTION litelift._json_malformed() RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
BEGIN
  RAISE EXCEPTION 'malformed JSON' USING ERRCODE = '22032';
END $f$;

CREATE OR REPLACE FUNCTION litelift._json_path_error(near text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '22023',
    MESSAGE = 'JSON path error near ''' || pg_catalog.replace(near, '''', '''''') || '''';
END $f$;

-- jsonParse. PostgreSQL's json input accepts exactly SQLite 3.40's grammar
-- (same whitespace, numbers and escapes; neither checks surrogates or NUL),
-- so it validates; SQLite's depth limit (2000) is checked here. Tokens come
-- from C-speed string functions: escaped backslashes and quotes are set
-- aside (\x01, \x02), string contents cut out at the quotes, the rest split
-- around punctuation and whitespace. toks holds each token as written, ts/te
-- a node's first and last token.
CREATE OR REPLACE FUNCTION litelift._json_parse(x text,
    OUT typ int[], OUT num int[], OUT txt text[], OUT fl int[], OUT up int[], OUT ts int[],
    OUT te int[], OUT toks text[])
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  e text; strs text[]; t text; a int; k int := 0; si int := 0; n int := 0; st int := 0;
  sp int := 0; stk int[] := '{0}'; p int;
  y int[] := '{}'; nm int[] := '[0:0]={NULL}'; tx text[] := '[0:0]={NULL}';
  f int[] := '[0:0]={NULL}'; u int[] := '{}'; s int[] := '{}'; z int[] := '[0:0]={NULL}';
  rt text[] := '{}';
BEGIN
  BEGIN
    PERFORM x::json;
  EXCEPTION WHEN invalid_text_representation OR statement_too_complex THEN
    -- too deep for PostgreSQL's parser is far beyond SQLite's 2000 levels
    PERFORM litelift._json_malformed();
  END;
  e := x;
  IF pg_catalog.strpos(x, '\') > 0 THEN
    e := pg_catalog.replace(pg_catalog.replace(x, '\\', E'\x01'), '\"', E'\x02');
  END IF;
  IF pg_catalog.strpos(e, '"') > 0 THEN
    strs := pg_catalog.string_to_array(e, '"');
    IF e <> x THEN
      strs := pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.replace(
        pg_catalog.array_to_string(strs, E'\x03'), E'\x02', '\"'), E'\x01', '\\'), E'\x03');
    END IF;
    e := pg_catalog.regexp_replace(e, '"[^"]*"', '"', 'g');
  END IF;
  -- st: 0 value, 1 after a value, 2 key, 3 colon, 4 value or ']', 5 key or '}'
  FOREACH t IN ARRAY pg_catalog.string_to_array(pg_catalog.translate(
      pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
        pg_catalog.replace(pg_catalog.replace(e, ',', E'\x03,\x03'), ':', E'\x03:\x03'),
        '[', E'\x03[\x03'), ']', E'\x03]\x03'), '{', E'\x03{\x03'), '}', E'\x03}\x03'),
      E' \t\n\r', E'\x03\x03\x03\x03'), E'\x03') LOOP
    CONTINUE WHEN t = '';
    a := pg_catalog.ascii(t);
    IF a = 34 THEN
      si := si + 2;
      t := '"' || strs[si] || '"';
    END IF;
    k := k + 1;
    rt[k] := t;
    IF st = 1 THEN
      p := stk[sp];
      IF a = 44 THEN
        st := CASE WHEN y[p] = 7 THEN 2 ELSE 0 END;
      ELSE
        nm[p] := n - p - 1; z[p] := k; sp := sp - 1;
      END IF;
    ELSIF st = 3 THEN
      st := 0;
    ELSIF a = 93 OR a = 125 THEN
      p := stk[sp]; nm[p] := 0; z[p] := k; sp := sp - 1; st := 1;
    ELSIF a = 123 OR a = 91 THEN
      IF sp >= 2000 THEN PERFORM litelift._json_malformed(); END IF;
      y[n] := CASE WHEN a = 123 THEN 7 ELSE 6 END; s[n] := k; u[n] := stk[sp];
      sp := sp + 1; stk[sp] := n; st := CASE WHEN a = 123 THEN 5 ELSE 4 END;
      n := n + 1;
    ELSE
      y[n] := CASE WHEN a = 34 THEN 5 WHEN a = 116 THEN 1 WHEN a = 102 THEN 2 WHEN a = 110 THEN 0
        WHEN pg_catalog.length(pg_catalog.translate(t, '.eE', '')) = pg_catalog.length(t) THEN 3
        ELSE 4 END;
      tx[n] := t; s[n] := k; u[n] := stk[sp];
      IF st = 2 OR st = 5 THEN f[n] := 64; st := 3; ELSE st := 1; END IF;
      n := n + 1;
    END IF;
  END LOOP;
  -- Every array [0:n-1], so the patch's arrays can follow the target's.
  nm[n - 1] := nm[n - 1]; tx[n - 1] := tx[n - 1]; f[n - 1] := f[n - 1]; z[n - 1] := z[n - 1];
  typ := y; num := nm; txt := tx; fl := f; up := u; ts := s; te := z; toks := rt;
END $f$;

-- SQLite's verdict on x without building nodes (PostgreSQL's json input, as
-- in _json_parse); only documents that may nest deeper than 2000 need the
-- full parse.
CREATE OR REPLACE FUNCTION litelift._json_valid(x text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
BEGIN
  IF pg_catalog.length(x) > 4001
     AND pg_catalog.length(x) - pg_catalog.length(pg_catalog.translate(x, '[{', '')) > 2000 THEN
    PERFORM litelift._json_parse(x);
    RETURN true;
  END IF;
  RETURN x::json IS NOT NULL;
EXCEPTION WHEN invalid_text_representation OR invalid_json_text OR statement_too_complex THEN
  RETURN false;
END $f$;

-- Whitespace outside strings removed (x is valid JSON).
CREATE OR REPLACE FUNCTION litelift._json_minify(x text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
BEGIN
  IF pg_catalog.length(pg_catalog.translate(x, E' \t\n\r', '')) = pg_catalog.length(x) THEN
    RETURN x;
  END IF;
  IF pg_catalog.strpos(x, '"') = 0 THEN
    RETURN pg_catalog.translate(x, E' \t\n\r', '');
  END IF;
  -- Escaped backslashes and quotes out of the way, then every other piece
  -- between quotes is outside the strings.
  RETURN pg_catalog.replace(pg_catalog.replace(pg_catalog.array_to_string(ARRAY(
      SELECT CASE WHEN o % 2 = 1 THEN pg_catalog.translate(u.s, E' \t\n\r', '') ELSE u.s END
      FROM pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.replace(
             pg_catalog.replace(x, '\\', E'\x01'), '\"', E'\x02'), '"'))
           WITH ORDINALITY AS u(s, o)
      ORDER BY o), '"'), E'\x02', '\"'), E'\x01', '\\');
END $f$;

CREATE OR REPLACE FUNCTION litelift._json_u32(d text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN pg_catalog.length(d) <= 9 THEN d::bigint
              ELSE (d::numeric % 4294967296)::bigint END
$f$;

-- jsonLookup without edits: the node at path, NULL when absent; errors are
-- raised only where SQLite's lazy walk would reach them.
CREATE OR REPLACE FUNCTION litelift._json_lookup(typ int[], num int[], txt text[], path text)
RETURNS int LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  i int := 0; s text; k text; e int; a int; b int; j int; d text; rest text; nd int;
  idx bigint; cnt bigint; x bigint;
BEGIN
  IF path IS NULL THEN RETURN NULL; END IF;
  IF pg_catalog.left(path, 1) <> '$' THEN PERFORM litelift._json_path_error(path); END IF;
  s := pg_catalog.substr(path, 2);
  LOOP
    IF s = '' THEN RETURN i; END IF;
    IF pg_catalog.left(s, 1) = '.' THEN
      IF typ[i] <> 7 THEN RETURN NULL; END IF;
      s := pg_catalog.substr(s, 2);
      IF pg_catalog.left(s, 1) = '"' THEN
        e := pg_catalog.strpos(pg_catalog.substr(s, 2), '"');
        IF e = 0 THEN PERFORM litelift._json_path_error(s); END IF;
        k := pg_catalog.left(s, e + 1);
        s := pg_catalog.substr(s, e + 2);
      ELSE
        a := pg_catalog.strpos(s, '.'); b := pg_catalog.strpos(s, '[');
        e := CASE WHEN a = 0 THEN b WHEN b = 0 THEN a WHEN a < b THEN a ELSE b END;
        IF e = 1 OR s = '' THEN PERFORM litelift._json_path_error(s); END IF;
        IF e = 0 THEN
          k := s; s := '';
        ELSE
          k := pg_catalog.left(s, e - 1); s := pg_catalog.substr(s, e);
        END IF;
        k := '"' || k || '"';
      END IF;
      j := 1; e := NULL;
      WHILE j <= num[i] LOOP
        IF txt[i + j] = k THEN e := i + j + 1; EXIT; END IF;
        j := j + CASE WHEN typ[i + j + 1] >= 6 THEN num[i + j + 1] + 2 ELSE 2 END;
      END LOOP;
      IF e IS NULL THEN RETURN NULL; END IF;
      i := e;
    ELSIF pg_catalog.left(s, 1) = '[' THEN
      d := pg_catalog.substr(s, 2);
      rest := pg_catalog.ltrim(d, '0123456789');
      nd := pg_catalog.length(d) - pg_catalog.length(rest);
      IF nd = 0 OR pg_catalog.left(rest, 1) <> ']' THEN
        IF pg_catalog.left(d, 1) <> '#' THEN PERFORM litelift._json_path_error(s); END IF;
        IF typ[i] <> 6 THEN RETURN NULL; END IF;
        cnt := 0; j := 1;
        WHILE j <= num[i] LOOP
          cnt := cnt + 1;
          j := j + CASE WHEN typ[i + j] >= 6 THEN num[i + j] + 1 ELSE 1 END;
        END LOOP;
        rest := pg_catalog.substr(d, 2);
        IF rest ~ '^-[0-9]' THEN
          d := pg_catalog.substr(rest, 2);
          rest := pg_catalog.ltrim(d, '0123456789');
          x := litelift._json_u32(
            pg_catalog.left(d, pg_catalog.length(d) - pg_catalog.length(rest)));
          IF x > cnt THEN RETURN NULL; END IF;
          idx := cnt - x;
        ELSE
          idx := cnt;
        END IF;
        IF pg_catalog.left(rest, 1) <> ']' THEN PERFORM litelift._json_path_error(s); END IF;
      ELSE
        idx := litelift._json_u32(pg_catalog.left(d, nd));
      END IF;
      IF typ[i] <> 6 THEN RETURN NULL; END IF;
      s := pg_catalog.substr(rest, 2);
      j := 1;
      WHILE j <= num[i] AND idx > 0 LOOP
        idx := idx - 1;
        j := j + CASE WHEN typ[i + j] >= 6 THEN num[i + j] + 1 ELSE 1 END;
      END LOOP;
      IF j > num[i] THEN RETURN NULL; END IF;
      i := i + j;
    ELSE
      PERFORM litelift._json_path_error(s);
    END IF;
  END LOOP;
END $f$;

-- The node at path in x as its type code (a digit) followed by its JSON
-- (tokens as written; arrays and objects minified), NULL when absent.
-- Paths of plain keys and indexes take PostgreSQL's json operators, when no
-- key of the path occurs twice in the document (SQLite takes the first of
-- duplicate keys, PostgreSQL the last) and no key has an escape.
CREATE OR REPLACE FUNCTION litelift._json_find(x text, path text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  j json; s text; q text; e text; raw text; t int; fast boolean; r record; node int;
BEGIN
  fast := path ~ '^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]{1,9}\])*$'
          AND (pg_catalog.length(x) <= 4001 OR pg_catalog.length(x)
               - pg_catalog.length(pg_catalog.translate(x, '[{', '')) <= 2000);
  e := x;
  IF fast AND pg_catalog.strpos(x, '\') > 0 THEN
    -- PostgreSQL matches keys unescaped, SQLite as written: fine unless a
    -- key holds an escape (a backslash between a quote and its colon).
    -- PostgreSQL's operators also decode every string they pass, and fail
    -- on \u0000 and surrogate escapes.
    e := pg_catalog.replace(pg_catalog.replace(x, '\\', E'\x01'), '\"', E'\x02');
    fast := e !~ '[\x01\x02\\][^"]*"[ \t\n\r]*:' AND e !~* '\\u(d[89a-f]|0000)';
  END IF;
  IF fast THEN
    BEGIN
      j := x::json;
    EXCEPTION WHEN invalid_text_representation THEN
      PERFORM litelift._json_malformed();
    END;
    IF path <> '$' THEN
      FOREACH s IN ARRAY pg_catalog.string_to_array(pg_catalog.substr(
          pg_catalog.replace(pg_catalog.substr(path, 2), '[', '.['), 2), '.') LOOP
        IF pg_catalog.left(s, 1) = '[' THEN
          IF pg_catalog.json_typeof(j) <> 'array' THEN RETURN NULL; END IF;
          j := j -> pg_catalog.substr(s, 2, pg_catalog.length(s) - 2)::int;
        ELSE
          -- a second "key" in this object's text (nested ones included)
          q := '"' || s || '"';
          raw := j::text;
          IF e <> x THEN
            raw := pg_catalog.replace(pg_catalog.replace(raw, '\\', E'\x01'), '\"', E'\x02');
          END IF;
          IF pg_catalog.length(raw) - pg_catalog.length(pg_catalog.replace(raw, q, ''))
             > pg_catalog.length(q) THEN
            fast := false;
            EXIT;
          END IF;
          j := j -> s;
        END IF;
        IF j IS NULL THEN RETURN NULL; END IF;
      END LOOP;
    END IF;
  END IF;
  IF fast THEN
    raw := j::text;
    t := CASE pg_catalog.json_typeof(j)
      WHEN 'object' THEN 7 WHEN 'array' THEN 6 WHEN 'string' THEN 5
      WHEN 'number' THEN CASE WHEN pg_catalog.length(pg_catalog.translate(raw, '.eE', ''))
                                   = pg_catalog.length(raw) THEN 3 ELSE 4 END
      WHEN 'boolean' THEN CASE WHEN pg_catalog.ltrim(raw, E' \t\n\r') LIKE 't%' THEN 1 ELSE 2 END
      ELSE 0 END;
    IF t >= 6 THEN
      raw := litelift._json_minify(raw);
    ELSIF path = '$' THEN
      raw := pg_catalog.btrim(raw, E' \t\n\r');
    END IF;
    RETURN t::text || raw;
  END IF;
  r := litelift._json_parse(x);
  node := litelift._json_lookup(r.typ, r.num, r.txt, path);
  IF node IS NULL THEN RETURN NULL; END IF;
  RETURN r.typ[node]::text || CASE WHEN r.typ[node] >= 6
    THEN pg_catalog.array_to_string(r.toks[r.ts[node]:r.te[node]], '')
    WHEN r.typ[node] <= 2 THEN (ARRAY['null', 'true', 'false'])[r.typ[node] + 1]
    ELSE r.txt[node] END;
END $f$;

-- A JSON integer token that fits in 64 bits (else SQLite reads it as real).
CREATE OR REPLACE FUNCTION litelift._json_int_fits(raw text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT pg_catalog.length(raw) < 19 OR (pg_catalog.length(raw) <= 20
    AND raw::numeric BETWEEN -9223372036854775808 AND 9223372036854775807)
$f$;

-- A JSON number token as a double; beyond the double range, +-Inf or +-0
-- as SQLite's parser gives.
CREATE OR REPLACE FUNCTION litelift._json_atof(raw text) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  m text; e numeric; mag numeric; intp text; frac text;
BEGIN
  RETURN raw::double precision;
EXCEPTION WHEN numeric_value_out_of_range THEN
  m := pg_catalog.split_part(pg_catalog.translate(raw, 'E', 'e'), 'e', 1);
  e := coalesce(nullif(pg_catalog.split_part(pg_catalog.translate(raw, 'E', 'e'), 'e', 2), ''),
                '0')::numeric;
  intp := pg_catalog.ltrim(pg_catalog.split_part(m, '.', 1), '-');
  frac := pg_catalog.split_part(m, '.', 2);
  IF intp <> '0' THEN
    mag := pg_catalog.length(intp) - 1 + e;
  ELSE
    mag := e - (pg_catalog.length(frac) - pg_catalog.length(pg_catalog.ltrim(frac, '0'))) - 1;
  END IF;
  IF mag > 0 THEN
    RETURN CASE WHEN pg_catalog.left(raw, 1) = '-' THEN '-Infinity' ELSE 'Infinity' END;
  END IF;
  RETURN CASE WHEN pg_catalog.left(raw, 1) = '-' THEN '-0' ELSE '0' END;
END $f$;

-- SQLite prints a double with its own printf (%!.15g), in x87 long double
-- arithmetic: 15 digits rounded by adding 5e-15 and truncating, which is
-- not always the correctly rounded result (46724564326837.75 prints as
-- ...837.7). Long doubles are emulated here as m * 2^x, m a 64-bit integer,
-- every operation rounded to nearest even as the FPU does.
CREATE OR REPLACE FUNCTION litelift._json_ld(n numeric, e int, sticky boolean,
    OUT m numeric, OUT x int)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  b int; p numeric; q numeric; r numeric; h numeric;
BEGIN
  IF n = 0 THEN m := 0; x := 0; RETURN; END IF;
  b := pg_catalog.floor(pg_catalog.ln(n::double precision)
                        / pg_catalog.ln(2::double precision))::int;
  p := pg_catalog.power(2::numeric, b);
  WHILE p > n LOOP b := b - 1; p := pg_catalog.power(2::numeric, b); END LOOP;
  WHILE p * 2 <= n LOOP b := b + 1; p := p * 2; END LOOP;
  IF b <= 63 THEN
    m := n * pg_catalog.power(2::numeric, 63 - b); x := e - (63 - b);
    RETURN;
  END IF;
  p := pg_catalog.power(2::numeric, b - 63);
  q := pg_catalog.div(n, p); r := n - q * p; h := pg_catalog.div(p, 2);
  IF r > h OR (r = h AND (sticky OR pg_catalog.mod(q, 2) = 1)) THEN
    q := q + 1;
    IF q = pg_catalog.power(2::numeric, 64) THEN q := pg_catalog.div(q, 2); b := b + 1; END IF;
  END IF;
  m := q; x := e + (b - 63);
END $f$;

CREATE OR REPLACE FUNCTION litelift._json_ld_of(d double precision, OUT m numeric, OUT x int)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  b bytea := pg_catalog.float8send(d); ex int; mt numeric; i int; r record;
BEGIN
  ex := ((pg_catalog.get_byte(b, 0) & 127) << 4) | (pg_catalog.get_byte(b, 1) >> 4);
  mt := pg_catalog.get_byte(b, 1) & 15;
  FOR i IN 2 .. 7 LOOP mt := mt * 256 + pg_catalog.get_byte(b, i); END LOOP;
  IF ex = 0 THEN
    r := litelift._json_ld(mt, -1074, false);
  ELSE
    r := litelift._json_ld(mt + 4503599627370496, ex - 1075, false);
  END IF;
  m := r.m; x := r.x;
END $f$;

CREATE OR REPLACE FUNCTION litelift._json_ld_ge(am numeric, ae int, bm numeric, be int)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN am = 0 OR bm = 0 THEN am >= bm
    ELSE am * pg_catalog.power(2::numeric, ae - LEAST(ae, be))
         >= bm * pg_catalog.power(2::numeric, be - LEAST(ae, be)) END
$f$;

CREATE OR REPLACE FUNCTION litelift._json_g15_exact(r double precision) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  v record; t record; k100 record; k10b record; k10 record; k1e8 record; km8 record;
  k1 record; k01 record; krnd record; sm numeric; sx int; cm numeric; cx int; st int;
  ex int := 0; prec int := 14;
  xexp boolean; e2 int; o text; d numeric; lo int; i int; p numeric;
BEGIN
  IF r = 0 OR r <> r OR r = 'Infinity' OR r = '-Infinity' THEN
    RETURN litelift._json_real_text(r);
  END IF;
  v := litelift._json_ld_of(pg_catalog.abs(r));
  k100 := litelift._json_ld_of(1e100); k10b := litelift._json_ld_of(1e10);
  k10 := litelift._json_ld_of(10); k1e8 := litelift._json_ld_of(1e8);
  km8 := litelift._json_ld_of(1e-8); k1 := litelift._json_ld_of(1);
  k01 := litelift._json_ld_of(0.1);
  krnd := litelift._json_ld_of(5.0e-05::double precision * 1.0e-10::double precision);
  sm := k1.m; sx := k1.x;
  FOR i IN 1 .. 3 LOOP
    IF i = 1 THEN cm := k100.m; cx := k100.x; st := 100;
    ELSIF i = 2 THEN cm := k10b.m; cx := k10b.x; st := 10;
    ELSE cm := k10.m; cx := k10.x; st := 1;
    END IF;
    LOOP
      t := litelift._json_ld(cm * sm, cx + sx, false);
      EXIT WHEN NOT (litelift._json_ld_ge(v.m, v.x, t.m, t.x) AND ex <= 350);
      sm := t.m; sx := t.x; ex := ex + st;
    END LOOP;
  END LOOP;
  p := v.m * pg_catalog.power(2::numeric, 130);
  v := litelift._json_ld(pg_catalog.div(p, sm), v.x - sx - 130, pg_catalog.mod(p, sm) <> 0);
  WHILE NOT litelift._json_ld_ge(v.m, v.x, km8.m, km8.x) LOOP
    v := litelift._json_ld(v.m * k1e8.m, v.x + k1e8.x, false); ex := ex - 8;
  END LOOP;
  WHILE NOT litelift._json_ld_ge(v.m, v.x, k1.m, k1.x) LOOP
    v := litelift._json_ld(v.m * k10.m, v.x + k10.x, false); ex := ex - 1;
  END LOOP;
  IF ex > 350 THEN RETURN CASE WHEN r < 0 THEN '-Inf' ELSE 'Inf' END; END IF;
  lo := LEAST(v.x, krnd.x);
  v := litelift._json_ld(v.m * pg_catalog.power(2::numeric, v.x - lo)
                         + krnd.m * pg_catalog.power(2::numeric, krnd.x - lo), lo, false);
  IF litelift._json_ld_ge(v.m, v.x, k10.m, k10.x) THEN
    v := litelift._json_ld(v.m * k01.m, v.x + k01.x, false); ex := ex + 1;
  END IF;
  IF ex < -4 OR ex > 14 THEN
    xexp := true; e2 := 0;
  ELSE
    xexp := false; prec := 14 - ex; e2 := ex;
  END IF;
  -- digits as et_getdigit takes them: the integer part, then (v - digit) * 10
  o := CASE WHEN r < 0 THEN '-' ELSE '' END;
  IF e2 < 0 THEN
    o := o || '0';
  ELSE
    WHILE e2 >= 0 LOOP
      p := pg_catalog.power(2::numeric, -v.x);
      d := pg_catalog.div(v.m, p);
      o := o || d::text;
      v := litelift._json_ld(v.m - d * p, v.x, false);
      v := litelift._json_ld(v.m * k10.m, v.x + k10.x, false);
      e2 := e2 - 1;
    END LOOP;
  END IF;
  o := o || '.';
  e2 := e2 + 1;
  WHILE e2 < 0 LOOP o := o || '0'; prec := prec - 1; e2 := e2 + 1; END LOOP;
  WHILE prec > 0 LOOP
    p := pg_catalog.power(2::numeric, -v.x);
    d := pg_catalog.div(v.m, p);
    o := o || d::text;
    v := litelift._json_ld(v.m - d * p, v.x, false);
    v := litelift._json_ld(v.m * k10.m, v.x + k10.x, false);
    prec := prec - 1;
  END LOOP;
  o := pg_catalog.rtrim(o, '0');
  IF pg_catalog.right(o, 1) = '.' THEN o := o || '0'; END IF;
  IF xexp THEN
    o := o || 'e' || CASE WHEN ex < 0 THEN '-' ELSE '+' END
         || CASE WHEN pg_catalog.abs(ex) < 10 THEN '0' ELSE '' END || pg_catalog.abs(ex)::text;
  END IF;
  RETURN o;
END $f$;

-- A double as SQLite prints it ("%!.15g": 15 significant digits, at least
-- one digit after the point, exponent form below 1e-4 and from 1e15). The
-- exact decimal expansion, rounded, is SQLite's answer unless the digits
-- after the 15th are near a half (SQLite's arithmetic errs by less than 3e-4
-- of the 15th digit below 1e100, by 5% above, measured): then emulate it.
CREATE OR REPLACE FUNCTION litelift._json_real_text(r double precision) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  s text; dg text; e int; ip text; fp text; sg text := ''; q bigint;
BEGIN
  IF r = 'Infinity' THEN RETURN 'Inf'; END IF;
  IF r = '-Infinity' THEN RETURN '-Inf'; END IF;
  IF r = 0 THEN RETURN '0.0'; END IF;
  IF r <> r THEN RETURN NULL; END IF;
  IF r < 0 THEN sg := '-'; END IF;
  s := pg_catalog.btrim(pg_catalog.to_char(pg_catalog.abs(r), '9.99999999999999999999EEEE'));
  dg := pg_catalog.replace(pg_catalog.split_part(s, 'e', 1), '.', '');
  e := pg_catalog.split_part(s, 'e', 2)::int;
  IF (CASE WHEN pg_catalog.abs(r) >= 1e100 THEN pg_catalog.substr(dg, 16, 1) IN ('4', '5')
           ELSE pg_catalog.substr(dg, 16, 3) IN ('499', '500') END) THEN
    RETURN litelift._json_g15_exact(r);
  END IF;
  q := pg_catalog.left(dg, 15)::bigint
       + CASE WHEN pg_catalog.substr(dg, 16, 1)::int >= 5 THEN 1 ELSE 0 END;
  IF q >= 1000000000000000 THEN q := q / 10; e := e + 1; END IF;
  dg := q::text;
  IF e < -4 OR e > 14 THEN
    fp := coalesce(nullif(pg_catalog.rtrim(pg_catalog.substr(dg, 2), '0'), ''), '0');
    RETURN sg || pg_catalog.left(dg, 1) || '.' || fp || 'e' || CASE WHEN e < 0 THEN '-' ELSE '+' END
           || CASE WHEN pg_catalog.abs(e) < 10 THEN '0' ELSE '' END || pg_catalog.abs(e)::text;
  END IF;
  IF e >= 0 THEN
    ip := pg_catalog.left(dg, e + 1);
    fp := pg_catalog.rtrim(pg_catalog.substr(dg, e + 2), '0');
  ELSE
    ip := '0';
    fp := pg_catalog.rtrim(pg_catalog.repeat('0', -e - 1) || dg, '0');
  END IF;
  RETURN sg || ip || '.' || coalesce(nullif(fp, ''), '0');
END $f$;

-- A double inside JSON: SQLite 3.40 writes Inf, which is no JSON; this
-- writes 9.0e+999 as SQLite does from 3.42 on (it reads back as Inf).
CREATE OR REPLACE FUNCTION litelift._json_real_json(r double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN r = 'Infinity' THEN '9.0e+999' WHEN r = '-Infinity' THEN '-9.0e+999'
              ELSE litelift._json_real_text(r) END
$f$;

-- jsonReturn for a string token: escapes decoded; a \u0000 escape ends the
-- string; a lone surrogate escape becomes U+FFFD (SQLite writes invalid
-- UTF-8 there, which text cannot hold).
CREATE OR REPLACE FUNCTION litelift._json_unescape(raw text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  e text; p int;
BEGIN
  IF pg_catalog.strpos(raw, '\') = 0 THEN
    RETURN pg_catalog.substr(raw, 2, pg_catalog.length(raw) - 2);
  END IF;
  e := pg_catalog.replace(raw, '\\', E'\x01');
  p := pg_catalog.strpos(e, '\u0000');
  IF p > 0 THEN
    e := pg_catalog.left(e, p - 1) || '"';
  END IF;
  IF e ~* '\\ud[89a-f]' THEN
    e := pg_catalog.regexp_replace(e,
      '\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})', E'\x02u\\1\x02u\\2', 'g');
    e := pg_catalog.regexp_replace(e, '\\u[dD][89a-fA-F][0-9a-fA-F]{2}', '\ufffd', 'g');
    e := pg_catalog.replace(e, E'\x02', '\');
  END IF;
  RETURN pg_catalog.replace(e, E'\x01', '\\')::json #>> '{}';
END $f$;

-- A scalar node (t < 6) as the SQL value SQLite returns, in text.
CREATE OR REPLACE FUNCTION litelift._json_scalar_text(t int, raw text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE t WHEN 1 THEN '1' WHEN 2 THEN '0'
    WHEN 3 THEN CASE WHEN litelift._json_int_fits(raw) THEN raw::bigint::text
                     ELSE litelift._json_real_text(litelift._json_atof(raw)) END
    WHEN 4 THEN litelift._json_real_text(litelift._json_atof(raw))
    WHEN 5 THEN litelift._json_unescape(raw) END
$f$;

-- json_extract and friends, by mode: 'v' the SQL value in text, 't' its
-- storage class, 'r' the number's token (for its double), 'j' that value as
-- a json function argument (jsonAppendValue), 'a' the node's JSON (->).
CREATE OR REPLACE FUNCTION litelift._json_extract(x text, p text[], mode "char") RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  f text; t int; raw text; r record; k int; node int; parts text[] := '{}'; d double precision;
BEGIN
  IF x IS NULL OR coalesce(pg_catalog.cardinality(p), 0) = 0 THEN
    RETURN CASE WHEN mode = 't' THEN 'null' END;
  END IF;
  IF pg_catalog.cardinality(p) > 1 THEN
    r := litelift._json_parse(x);
    FOR k IN 1 .. pg_catalog.cardinality(p) LOOP
      node := litelift._json_lookup(r.typ, r.num, r.txt, p[k]);
      parts[k] := CASE WHEN node IS NULL THEN 'null'
        WHEN r.typ[node] >= 6 THEN pg_catalog.array_to_string(r.toks[r.ts[node]:r.te[node]], '')
        WHEN r.typ[node] <= 2 THEN (ARRAY['null', 'true', 'false'])[r.typ[node] + 1]
        ELSE r.txt[node] END;
    END LOOP;
    RETURN CASE mode WHEN 't' THEN 'text' WHEN 'r' THEN NULL
      ELSE '[' || pg_catalog.array_to_string(parts, ',') || ']' END;
  END IF;
  IF p[1] IS NULL THEN
    IF NOT litelift._json_valid(x) THEN PERFORM litelift._json_malformed(); END IF;
    RETURN CASE WHEN mode = 't' THEN 'null' END;
  END IF;
  f := litelift._json_find(x, p[1]);
  IF f IS NULL THEN RETURN CASE WHEN mode = 't' THEN 'null' END; END IF;
  t := pg_catalog.ascii(f) - 48;
  raw := pg_catalog.substr(f, 2);
  IF mode = 'a' THEN RETURN raw; END IF;
  IF t >= 5 THEN
    RETURN CASE mode WHEN 't' THEN 'text' WHEN 'r' THEN NULL
      WHEN 'v' THEN CASE WHEN t = 5 THEN litelift._json_unescape(raw) ELSE raw END
      ELSE CASE WHEN t = 5 THEN pg_catalog.to_json(litelift._json_unescape(raw))::text
                ELSE raw END END;
  END IF;
  IF t = 0 THEN RETURN CASE WHEN mode = 't' THEN 'null' END; END IF;
  IF t <= 2 THEN
    RETURN CASE WHEN mode = 't' THEN 'integer' WHEN t = 1 THEN '1' ELSE '0' END;
  END IF;
  IF mode = 'r' THEN RETURN raw; END IF;
  IF t = 3 AND litelift._json_int_fits(raw) THEN
    RETURN CASE WHEN mode = 't' THEN 'integer' WHEN raw = '-0' THEN '0' ELSE raw END;
  END IF;
  IF mode = 't' THEN RETURN 'real'; END IF;
  d := litelift._json_atof(raw);
  RETURN CASE WHEN mode = 'v' THEN litelift._json_real_text(d) ELSE litelift._json_real_json(d) END;
END $f$;

-- jsonRenderNode for node root of an edited parse (json_remove, json_replace,
-- json_insert, json_set, json_patch): untouched subtrees are copied from
-- their tokens, edited ones walked as SQLite walks them (REMOVE, REPLACE with
-- vals[rep], PATCH to node rep, APPEND chains, RAW labels).
CREATE OR REPLACE FUNCTION litelift._json_render(root int, typ int[], num int[], txt text[],
    fl int[], app int[], rep int[], vals json[], toks text[], ts int[], te int[], np0 int,
    dirty int[])
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  o text[] := '{}'; no int := 0; lastc text := ''; sc int[] := '{}'; sj int[] := '{}';
  sp int := 0; e int := root; c int; j int; v int; piece text; clean boolean; d int;
BEGIN
  LOOP
    IF e IS NOT NULL THEN
      IF (coalesce(fl[e], 0) & 8) <> 0 THEN
        piece := coalesce(vals[rep[e]]::text, 'null');
      ELSE
        IF (coalesce(fl[e], 0) & 16) <> 0 THEN e := rep[e]; END IF;
        IF typ[e] < 6 THEN
          piece := CASE WHEN typ[e] = 0 THEN 'null' WHEN typ[e] = 1 THEN 'true'
            WHEN typ[e] = 2 THEN 'false'
            WHEN (coalesce(fl[e], 0) & 1) <> 0 THEN pg_catalog.to_json(txt[e])::text
            ELSE txt[e] END;
        ELSE
          clean := e < np0;
          IF clean THEN
            FOREACH d IN ARRAY dirty LOOP
              IF d >= e AND d <= e + num[e] THEN clean := false; EXIT; END IF;
            END LOOP;
          END IF;
          IF clean THEN
            piece := pg_catalog.array_to_string(toks[ts[e]:te[e]], '');
          ELSE
            piece := CASE WHEN typ[e] = 6 THEN '[' ELSE '{' END;
            sp := sp + 1; sc[sp] := e; sj[sp] := 1;
          END IF;
        END IF;
      END IF;
      o[no] := piece; no := no + 1;
      IF piece <> '' THEN lastc := pg_catalog.right(piece, 1); END IF;
      e := NULL;
    END IF;
    EXIT WHEN sp = 0;
    c := sc[sp]; j := sj[sp];
    IF j <= num[c] THEN
      IF typ[c] = 6 THEN
        v := c + j;
        sj[sp] := j + CASE WHEN typ[v] >= 6 THEN num[v] + 1 ELSE 1 END;
        piece := '';
      ELSE
        v := c + j + 1;
        sj[sp] := j + CASE WHEN typ[v] >= 6 THEN num[v] + 2 ELSE 2 END;
        piece := CASE WHEN (coalesce(fl[v - 1], 0) & 1) <> 0
                      THEN pg_catalog.to_json(txt[v - 1])::text
                      ELSE txt[v - 1] END || ':';
      END IF;
      IF (coalesce(fl[v], 0) & 4) = 0 THEN
        IF lastc <> '[' AND lastc <> '{' THEN piece := ',' || piece; END IF;
        IF piece <> '' THEN
          o[no] := piece; no := no + 1; lastc := pg_catalog.right(piece, 1);
        END IF;
        e := v;
      END IF;
    ELSIF (coalesce(fl[c], 0) & 32) <> 0 THEN
      sc[sp] := app[c]; sj[sp] := 1;
    ELSE
      piece := CASE WHEN typ[c] = 6 THEN ']' ELSE '}' END;
      o[no] := piece; no := no + 1; lastc := piece;
      sp := sp - 1;
    END IF;
  END LOOP;
  RETURN pg_catalog.array_to_string(o, '');
END $f$;

-- op: 0 json_remove, 1 json_replace, 2 json_insert, 3 json_set. Returns
-- the edited JSON, or NULL (removed root, NULL path of json_remove).
CREATE OR REPLACE FUNCTION litelift._json_edit(x text, op int, paths text[], vals json[])
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  r record; typ int[]; num int[]; txt text[]; fl int[]; app int[] := '{}'; rep int[] := '{}';
  dirty int[] := '{}'; links int[]; n int; np0 int; k int; path text; s text; i int; node int;
  apnd boolean; key text; qk text; e int; a int; b int; j int; rr int; found int;
  d text; rest text; nd int; idx bigint; cnt bigint; xx bigint; q int; grow boolean;
BEGIN
  IF x IS NULL THEN RETURN NULL; END IF;
  r := litelift._json_parse(x);
  typ := r.typ; num := r.num; txt := r.txt; fl := r.fl;
  n := pg_catalog.cardinality(typ); np0 := n;
  FOR k IN 1 .. coalesce(pg_catalog.cardinality(paths), 0) LOOP
    path := paths[k];
    IF path IS NULL THEN
      IF op = 0 THEN RETURN NULL; END IF;
      CONTINUE;
    END IF;
    IF pg_catalog.left(path, 1) <> '$' THEN PERFORM litelift._json_path_error(path); END IF;
    s := pg_catalog.substr(path, 2); i := 0; node := NULL; apnd := false; links := '{}';
    LOOP
      IF s = '' THEN node := i; EXIT; END IF;
      EXIT WHEN (coalesce(fl[i], 0) & 8) <> 0;
      grow := false;
      IF pg_catalog.left(s, 1) = '.' THEN
        EXIT WHEN typ[i] <> 7;
        s := pg_catalog.substr(s, 2);
        IF pg_catalog.left(s, 1) = '"' THEN
          e := pg_catalog.strpos(pg_catalog.substr(s, 2), '"');
          IF e = 0 THEN PERFORM litelift._json_path_error(s); END IF;
          key := pg_catalog.substr(s, 2, e - 1);
          s := pg_catalog.substr(s, e + 2);
        ELSE
          a := pg_catalog.strpos(s, '.'); b := pg_catalog.strpos(s, '[');
          e := CASE WHEN a = 0 THEN b WHEN b = 0 THEN a WHEN a < b THEN a ELSE b END;
          IF e = 1 OR s = '' THEN PERFORM litelift._json_path_error(s); END IF;
          IF e = 0 THEN
            key := s; s := '';
          ELSE
            key := pg_catalog.left(s, e - 1); s := pg_catalog.substr(s, e);
          END IF;
        END IF;
        qk := '"' || key || '"';
        rr := i; found := NULL;
        LOOP
          j := 1;
          WHILE j <= num[rr] LOOP
            IF txt[rr + j] = (CASE WHEN (coalesce(fl[rr + j], 0) & 1) <> 0 THEN key ELSE qk END)
            THEN
              found := rr + j + 1; EXIT;
            END IF;
            j := j + CASE WHEN typ[rr + j + 1] >= 6 THEN num[rr + j + 1] + 2 ELSE 2 END;
          END LOOP;
          EXIT WHEN found IS NOT NULL OR (coalesce(fl[rr], 0) & 32) = 0;
          rr := app[rr];
        END LOOP;
        IF found IS NOT NULL THEN i := found; CONTINUE; END IF;
        EXIT WHEN op < 2;
        typ[n] := 7; num[n] := 2; txt[n] := NULL; fl[n] := 0;
        typ[n + 1] := 5; num[n + 1] := 0; txt[n + 1] := key; fl[n + 1] := 0;
        links := links || ARRAY[rr, n, n + 1];
        n := n + 2; grow := true;
      ELSIF pg_catalog.left(s, 1) = '[' THEN
        d := pg_catalog.substr(s, 2);
        rest := pg_catalog.ltrim(d, '0123456789');
        nd := pg_catalog.length(d) - pg_catalog.length(rest);
        IF nd = 0 OR pg_catalog.left(rest, 1) <> ']' THEN
          IF pg_catalog.left(d, 1) <> '#' THEN PERFORM litelift._json_path_error(s); END IF;
          EXIT WHEN typ[i] <> 6;
          cnt := 0; rr := i;
          LOOP
            j := 1;
            WHILE j <= num[rr] LOOP
              IF (coalesce(fl[rr + j], 0) & 4) = 0 THEN cnt := cnt + 1; END IF;
              j := j + CASE WHEN typ[rr + j] >= 6 THEN num[rr + j] + 1 ELSE 1 END;
            END LOOP;
            EXIT WHEN (coalesce(fl[rr], 0) & 32) = 0;
            rr := app[rr];
          END LOOP;
          rest := pg_catalog.substr(d, 2);
          IF rest ~ '^-[0-9]' THEN
            d := pg_catalog.substr(rest, 2);
            rest := pg_catalog.ltrim(d, '0123456789');
            xx := litelift._json_u32(
              pg_catalog.left(d, pg_catalog.length(d) - pg_catalog.length(rest)));
            EXIT WHEN xx > cnt;
            idx := cnt - xx;
          ELSE
            idx := cnt;
          END IF;
          IF pg_catalog.left(rest, 1) <> ']' THEN PERFORM litelift._json_path_error(s); END IF;
        ELSE
          idx := litelift._json_u32(pg_catalog.left(d, nd));
        END IF;
        EXIT WHEN typ[i] <> 6;
        s := pg_catalog.substr(rest, 2);
        rr := i; j := 1;
        LOOP
          WHILE j <= num[rr] AND (idx > 0 OR (coalesce(fl[rr + j], 0) & 4) <> 0) LOOP
            IF (coalesce(fl[rr + j], 0) & 4) = 0 THEN idx := idx - 1; END IF;
            j := j + CASE WHEN typ[rr + j] >= 6 THEN num[rr + j] + 1 ELSE 1 END;
          END LOOP;
          EXIT WHEN (coalesce(fl[rr], 0) & 32) = 0;
          rr := app[rr]; j := 1;
        END LOOP;
        IF j <= num[rr] THEN i := rr + j; CONTINUE; END IF;
        EXIT WHEN idx <> 0 OR op < 2;
        typ[n] := 6; num[n] := 1; txt[n] := NULL; fl[n] := 0;
        links := links || ARRAY[rr, n, -1];
        n := n + 1; grow := true;
      ELSE
        PERFORM litelift._json_path_error(s);
      END IF;
      IF grow THEN  -- jsonLookupAppend
        apnd := true;
        q := CASE WHEN s = '' THEN 0 WHEN pg_catalog.left(s, 1) = '.' THEN 7
                  WHEN pg_catalog.left(s, 3) = '[0]' THEN 6 END;
        EXIT WHEN q IS NULL;
        typ[n] := q; num[n] := 0; txt[n] := NULL; fl[n] := 0;
        i := n; n := n + 1;
        IF q = 0 THEN node := i; EXIT; END IF;
      END IF;
    END LOOP;
    IF node IS NOT NULL THEN
      IF apnd THEN
        FOR j IN 1 .. pg_catalog.cardinality(links) BY 3 LOOP
          fl[links[j]] := coalesce(fl[links[j]], 0) | 32; app[links[j]] := links[j + 1];
          dirty := dirty || links[j];
          IF links[j + 2] >= 0 THEN fl[links[j + 2]] := coalesce(fl[links[j + 2]], 0) | 1; END IF;
        END LOOP;
      END IF;
      IF op = 0 THEN
        fl[node] := coalesce(fl[node], 0) | 4; dirty := dirty || node;
      ELSIF op <> 2 OR apnd THEN
        fl[node] := coalesce(fl[node], 0) | 8; rep[node] := k; dirty := dirty || node;
      END IF;
    END IF;
  END LOOP;
  IF op = 0 THEN
    IF (coalesce(fl[0], 0) & 4) <> 0 THEN RETURN NULL; END IF;
  ELSIF (coalesce(fl[0], 0) & 8) <> 0 THEN
    RETURN vals[rep[0]]::text;
  END IF;
  IF op = 0 AND pg_catalog.cardinality(dirty) = 0 THEN
    RETURN pg_catalog.array_to_string(r.toks, '');
  END IF;
  RETURN litelift._json_render(0, typ, num, txt, fl, app, rep, vals, r.toks, r.ts, r.te, np0,
                               dirty);
END $f$;

-- json_patch: jsonMergePatch with an explicit stack; the patch's nodes follow
-- the target's in one set of arrays so a PATCH mark is a node number.
CREATE OR REPLACE FUNCTION litelift._json_patch(x text, y text)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  a record; b record; typ int[]; num int[]; txt text[]; fl int[]; app int[] := '{}';
  rep int[] := '{}'; toks text[]; ts int[]; te int[]; dirty int[] := '{}';
  n int; off int; nto int; res int; sp int; ft int[] := '{}'; fp int[] := '{}';
  fi int[] := '{}'; froot int[] := '{}'; fj int[] := '{}'; tg int; pt int; i int; j int;
  v int; kv int; key text; found int; rs int[]; qn int;
BEGIN
  IF x IS NULL THEN RETURN NULL; END IF;
  a := litelift._json_parse(x);
  IF y IS NULL THEN RETURN NULL; END IF;
  b := litelift._json_parse(y);
  off := pg_catalog.cardinality(a.typ); nto := pg_catalog.cardinality(a.toks);
  typ := a.typ || b.typ; num := a.num || b.num; txt := a.txt || b.txt; fl := a.fl || b.fl;
  toks := a.toks || b.toks;
  ts := a.ts || ARRAY(SELECT z + nto FROM pg_catalog.unnest(b.ts) AS z);
  te := a.te || ARRAY(SELECT z + nto FROM pg_catalog.unnest(b.te) AS z);
  n := pg_catalog.cardinality(typ);
  -- rs: objects still to strip of null members (jsonRemoveAllNulls)
  rs := '{}';
  IF typ[off] <> 7 THEN
    res := off;
  ELSIF typ[0] <> 7 THEN
    res := off; rs := ARRAY[off];
  ELSE
    sp := 1; ft[1] := 0; fp[1] := off; fi[1] := 1; froot[1] := 0; fj[1] := NULL;
    LOOP
      tg := ft[sp]; pt := fp[sp]; i := fi[sp];
      IF fj[sp] IS NOT NULL THEN
        v := tg + fj[sp] + 1;
        IF res <> v THEN
          fl[v] := coalesce(fl[v], 0) | 16; rep[v] := res; dirty := dirty || v;
        END IF;
        fj[sp] := NULL;
        fi[sp] := i + CASE WHEN typ[pt + i + 1] >= 6 THEN num[pt + i + 1] + 2 ELSE 2 END;
        CONTINUE;
      END IF;
      IF i >= num[pt] THEN
        res := tg; sp := sp - 1;
        EXIT WHEN sp = 0;
        CONTINUE;
      END IF;
      kv := pt + i + 1; key := txt[pt + i];
      found := NULL; j := 1;
      WHILE j < num[tg] LOOP
        IF txt[tg + j] = key THEN found := j; EXIT; END IF;
        j := j + CASE WHEN typ[tg + j + 1] >= 6 THEN num[tg + j + 1] + 2 ELSE 2 END;
      END LOOP;
      IF found IS NOT NULL THEN
        v := tg + found + 1;
        IF (coalesce(fl[v], 0) & 20) <> 0 THEN
          NULL;
        ELSIF typ[kv] = 0 THEN
          fl[v] := coalesce(fl[v], 0) | 4; dirty := dirty || v;
        ELSIF typ[kv] = 7 AND typ[v] = 7 THEN
          fj[sp] := found;
          sp := sp + 1; ft[sp] := v; fp[sp] := kv; fi[sp] := 1; froot[sp] := v; fj[sp] := NULL;
          CONTINUE;
        ELSE
          IF typ[kv] = 7 THEN rs := rs || kv; END IF;
          fl[v] := coalesce(fl[v], 0) | 16; rep[v] := kv; dirty := dirty || v;
        END IF;
      ELSIF typ[kv] <> 0 THEN
        typ[n] := 7; num[n] := 2; txt[n] := NULL; fl[n] := 0;
        typ[n + 1] := 5; num[n + 1] := 0; txt[n + 1] := key; fl[n + 1] := 0;
        typ[n + 2] := 1; num[n + 2] := 0; txt[n + 2] := NULL; fl[n + 2] := 16; rep[n + 2] := kv;
        rs := rs || pt;
        fl[froot[sp]] := coalesce(fl[froot[sp]], 0) | 32; app[froot[sp]] := n;
        dirty := dirty || froot[sp];
        froot[sp] := n;
        n := n + 3;
      END IF;
      fi[sp] := i + CASE WHEN typ[kv] >= 6 THEN num[kv] + 2 ELSE 2 END;
    END LOOP;
  END IF;
  -- Marks only matter to rendering, which comes after: strip them now.
  WHILE pg_catalog.cardinality(rs) > 0 LOOP
    qn := rs[pg_catalog.cardinality(rs)];
    rs := rs[1:pg_catalog.cardinality(rs) - 1];
    j := 2;
    WHILE j <= num[qn] LOOP
      v := qn + j;
      IF typ[v] = 0 THEN
        fl[v] := coalesce(fl[v], 0) | 4; dirty := dirty || v;
      ELSIF typ[v] = 7 THEN
        rs := rs || v;
      END IF;
      j := j + CASE WHEN typ[v] >= 6 THEN num[v] + 2 ELSE 2 END;
    END LOOP;
  END LOOP;
  RETURN litelift._json_render(res, typ, num, txt, fl, app, rep, NULL, toks, ts, te,
                               off + pg_catalog.cardinality(b.typ), dirty);
END $f$;

-- json_each (recursive false) and json_tree (true), as SQLite's cursor walks.
CREATE OR REPLACE FUNCTION litelift._json_each(x text, root text, has_root boolean,
    recursive boolean)
RETURNS TABLE(key text, value text, type text, atom text, id bigint, parent bigint,
              fullkey text, path text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  r record; typ int[]; num int[]; txt text[]; fl int[]; up int[]; ikey int[] := '{}';
  node int; i int; iend int; ibegin int; et int; rowid int := 0; v int; j int; c int; u int;
  zroot text;
  names text[] := ARRAY['null', 'true', 'false', 'integer', 'real', 'text', 'array', 'object'];
  pieces text[]; lab boolean; w int;
BEGIN
  IF x IS NULL THEN RETURN; END IF;
  r := litelift._json_parse(x);
  typ := r.typ; num := r.num; txt := r.txt; fl := r.fl; up := r.up;
  IF has_root THEN
    IF root IS NULL THEN RETURN; END IF;
    node := litelift._json_lookup(typ, num, txt, root);
    IF node IS NULL THEN RETURN; END IF;
    zroot := root;
  ELSE
    node := 0; zroot := '$';
  END IF;
  IF NOT recursive THEN
    path := zroot; parent := NULL;
    IF typ[node] >= 6 THEN
      j := 1;
      WHILE j <= num[node] LOOP
        IF typ[node] = 6 THEN
          v := node + j;
          key := rowid::text;
          fullkey := zroot || '[' || rowid || ']';
          j := j + CASE WHEN typ[v] >= 6 THEN num[v] + 1 ELSE 1 END;
        ELSE
          v := node + j + 1;
          key := litelift._json_unescape(txt[v - 1]);
          fullkey := zroot || '.' || CASE WHEN txt[v - 1] ~ '^"[A-Za-z][A-Za-z0-9]*"$'
            THEN pg_catalog.substr(txt[v - 1], 2, pg_catalog.length(txt[v - 1]) - 2)
            ELSE txt[v - 1] END;
          j := j + CASE WHEN typ[v] >= 6 THEN num[v] + 2 ELSE 2 END;
        END IF;
        value := CASE WHEN typ[v] >= 6
          THEN pg_catalog.array_to_string(r.toks[r.ts[v]:r.te[v]], '')
          ELSE litelift._json_scalar_text(typ[v], txt[v]) END;
        type := names[typ[v] + 1];
        atom := CASE WHEN typ[v] >= 6 THEN NULL ELSE value END;
        id := v;
        RETURN NEXT;
        rowid := rowid + 1;
      END LOOP;
    ELSE
      key := NULL; v := node;
      value := litelift._json_scalar_text(typ[v], txt[v]);
      type := names[typ[v] + 1]; atom := value; id := v; fullkey := zroot;
      RETURN NEXT;
    END IF;
    RETURN;
  END IF;
  ibegin := node; i := node;
  IF typ[node] >= 6 THEN
    ikey[node] := 0;
    iend := node + num[node] + 1;
    et := typ[up[node]];
    IF node > 0 AND (coalesce(fl[node - 1], 0) & 64) <> 0 THEN i := node - 1; END IF;
  ELSE
    iend := node + 1; et := typ[node];
  END IF;
  WHILE i < iend LOOP
    lab := (coalesce(fl[i], 0) & 64) <> 0;
    v := CASE WHEN lab THEN i + 1 ELSE i END;
    key := CASE WHEN i = 0 THEN NULL
      WHEN et = 7 THEN litelift._json_unescape(txt[i])
      WHEN et = 6 AND rowid > 0 THEN coalesce(ikey[up[i]], 0)::text END;
    value := CASE WHEN typ[v] >= 6
      THEN pg_catalog.array_to_string(r.toks[r.ts[v]:r.te[v]], '')
      ELSE litelift._json_scalar_text(typ[v], txt[v]) END;
    type := names[typ[v] + 1];
    atom := CASE WHEN typ[v] >= 6 THEN NULL ELSE value END;
    id := v;
    parent := CASE WHEN i > ibegin THEN up[i] END;
    -- jsonEachComputePath for i (fullkey) and its parent (path)
    pieces := '{}'; c := i;
    WHILE c <> 0 LOOP
      u := up[c];
      IF typ[u] = 6 THEN
        pieces := ('[' || coalesce(ikey[u], 0) || ']') || pieces;
      ELSE
        w := CASE WHEN (coalesce(fl[c], 0) & 64) <> 0 THEN c ELSE c - 1 END;
        pieces := ('.' || CASE WHEN txt[w] ~ '^"[A-Za-z][A-Za-z0-9]*"$'
          THEN pg_catalog.substr(txt[w], 2, pg_catalog.length(txt[w]) - 2) ELSE txt[w] END)
          || pieces;
      END IF;
      c := u;
    END LOOP;
    fullkey := '$' || pg_catalog.array_to_string(pieces, '');
    path := '$' || pg_catalog.array_to_string(
      pieces[1:pg_catalog.cardinality(pieces) - CASE WHEN i = 0 THEN 0 ELSE 1 END], '');
    RETURN NEXT;
    IF lab THEN i := i + 1; END IF;
    i := i + 1; rowid := rowid + 1;
    IF i < iend THEN
      u := up[i]; et := typ[u];
      IF et = 6 THEN
        ikey[u] := CASE WHEN u = i - 1 THEN 0 ELSE coalesce(ikey[u], 0) + 1 END;
      END IF;
    END IF;
  END LOOP;
END $f$;

---------------------------------------------------------------------------
-- The functions programs call.

CREATE OR REPLACE FUNCTION litelift.json_valid(x text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN x IS NULL THEN 0 WHEN litelift._json_valid(x) THEN 1 ELSE 0 END $f$;
CREATE OR REPLACE FUNCTION litelift.json_valid(x json) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json_valid(x::text) $f$;

CREATE OR REPLACE FUNCTION litelift._json_json(x text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
BEGIN
  IF NOT litelift._json_valid(x) THEN PERFORM litelift._json_malformed(); END IF;
  RETURN litelift._json_minify(x);
END $f$;
CREATE OR REPLACE FUNCTION litelift.json(x text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_json(x)::json $f$;
CREATE OR REPLACE FUNCTION litelift.json(x json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_json(x::text)::json $f$;

-- json_quote: SQLite's conversion of one SQL value to JSON (jsonAppendValue).
CREATE OR REPLACE FUNCTION litelift.json_quote(v text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT coalesce(pg_catalog.to_json(v)::text, 'null')::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_quote(v json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT coalesce(v, 'null'::json) $f$;
CREATE OR REPLACE FUNCTION litelift.json_quote(v bigint) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT coalesce(v::text, 'null')::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_quote(v integer) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT coalesce(v::text, 'null')::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_quote(v boolean) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT (CASE WHEN v THEN '1' WHEN NOT v THEN '0' ELSE 'null' END)::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_quote(v double precision) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT coalesce(litelift._json_real_json(v), 'null')::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_quote(v numeric) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT (CASE WHEN v IS NULL THEN 'null'
    WHEN v = pg_catalog.trunc(v) AND v BETWEEN -9223372036854775808 AND 9223372036854775807
      THEN v::bigint::text
    ELSE litelift._json_real_text(v::double precision) END)::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_quote(v bytea) RETURNS json
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
BEGIN
  IF v IS NULL THEN RETURN 'null'::json; END IF;
  RAISE EXCEPTION 'JSON cannot hold BLOB values' USING ERRCODE = '22023';
END $f$;

CREATE OR REPLACE FUNCTION litelift.json_array() RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT '[]'::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_array(VARIADIC v json[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT ('[' || coalesce(pg_catalog.array_to_string(v, ',', 'null'), '') || ']')::json $f$;

CREATE OR REPLACE FUNCTION litelift.json_object() RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT '{}'::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_object(keys text[], vals json[]) RETURNS json
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  o text[] := '{}'; k int;
BEGIN
  IF coalesce(pg_catalog.cardinality(keys), 0) <> coalesce(pg_catalog.cardinality(vals), 0) THEN
    RAISE EXCEPTION 'json_object() requires an even number of arguments' USING ERRCODE = '22023';
  END IF;
  FOR k IN 1 .. coalesce(pg_catalog.cardinality(keys), 0) LOOP
    IF keys[k] IS NULL THEN
      RAISE EXCEPTION 'json_object() labels must be TEXT' USING ERRCODE = '22023';
    END IF;
    o[k] := pg_catalog.to_json(keys[k])::text || ':' || coalesce(vals[k]::text, 'null');
  END LOOP;
  RETURN ('{' || pg_catalog.array_to_string(o, ',') || '}')::json;
END $f$;

CREATE OR REPLACE FUNCTION litelift.json_extract(x text, VARIADIC p text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_extract(x, p, 'v') $f$;
CREATE OR REPLACE FUNCTION litelift.json_extract(x json, VARIADIC p text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_extract(x::text, p, 'v') $f$;
CREATE OR REPLACE FUNCTION litelift.json_extract_type(x text, VARIADIC p text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_extract(x, p, 't') $f$;
CREATE OR REPLACE FUNCTION litelift.json_extract_type(x json, VARIADIC p text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_extract(x::text, p, 't') $f$;
CREATE OR REPLACE FUNCTION litelift.json_extract_json(x text, VARIADIC p text[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_extract(x, p, 'j')::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_extract_json(x json, VARIADIC p text[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_extract(x::text, p, 'j')::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_extract_real(x text, VARIADIC p text[])
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_atof(litelift._json_extract(x, p, 'r')) $f$;
CREATE OR REPLACE FUNCTION litelift.json_extract_real(x json, VARIADIC p text[])
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_atof(litelift._json_extract(x::text, p, 'r')) $f$;

-- -> and ->>: a path not starting with '$' is a label, an index when it
-- starts with a digit, or '$' prefixed when it starts with '['.
CREATE OR REPLACE FUNCTION litelift.json_arrow_path(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN p IS NULL OR pg_catalog.left(p, 1) = '$' THEN p
    WHEN pg_catalog.ascii(p) BETWEEN 48 AND 57 THEN '$[' || p || ']'
    WHEN pg_catalog.left(p, 1) = '[' THEN '$' || p
    ELSE '$.' || p END $f$;
CREATE OR REPLACE FUNCTION litelift.json_arrow_path(p bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json_arrow_path(p::text) $f$;
CREATE OR REPLACE FUNCTION litelift.json_arrow(x text, p text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_extract(x, ARRAY[litelift.json_arrow_path(p)], 'a')::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_arrow(x json, p text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json_arrow(x::text, p) $f$;
CREATE OR REPLACE FUNCTION litelift.json_arrow(x text, p bigint) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json_arrow(x, p::text) $f$;
CREATE OR REPLACE FUNCTION litelift.json_arrow(x json, p bigint) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json_arrow(x::text, p::text) $f$;
CREATE OR REPLACE FUNCTION litelift.json_arrow2(x text, p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_extract(x, ARRAY[litelift.json_arrow_path(p)], 'v') $f$;
CREATE OR REPLACE FUNCTION litelift.json_arrow2(x json, p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json_arrow2(x::text, p) $f$;
CREATE OR REPLACE FUNCTION litelift.json_arrow2(x text, p bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json_arrow2(x, p::text) $f$;
CREATE OR REPLACE FUNCTION litelift.json_arrow2(x json, p bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json_arrow2(x::text, p::text) $f$;

CREATE OR REPLACE FUNCTION litelift._json_type(x text, p text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  f text;
BEGIN
  IF x IS NULL THEN RETURN NULL; END IF;
  IF p IS NULL THEN
    IF NOT litelift._json_valid(x) THEN PERFORM litelift._json_malformed(); END IF;
    RETURN NULL;
  END IF;
  f := litelift._json_find(x, p);
  RETURN (ARRAY['null', 'true', 'false', 'integer', 'real', 'text', 'array', 'object'])
         [pg_catalog.ascii(f) - 47];
END $f$;
CREATE OR REPLACE FUNCTION litelift.json_type(x text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_type(x, '$') $f$;
CREATE OR REPLACE FUNCTION litelift.json_type(x json) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_type(x::text, '$') $f$;
CREATE OR REPLACE FUNCTION litelift.json_type(x text, p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_type(x, p) $f$;
CREATE OR REPLACE FUNCTION litelift.json_type(x json, p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_type(x::text, p) $f$;

CREATE OR REPLACE FUNCTION litelift._json_array_length(x text, p text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  f text;
BEGIN
  IF x IS NULL THEN RETURN NULL; END IF;
  IF p IS NULL THEN
    IF NOT litelift._json_valid(x) THEN PERFORM litelift._json_malformed(); END IF;
    RETURN NULL;
  END IF;
  f := litelift._json_find(x, p);
  RETURN CASE WHEN f IS NULL THEN NULL WHEN pg_catalog.left(f, 1) = '6'
    THEN pg_catalog.json_array_length(pg_catalog.substr(f, 2)::json) ELSE 0 END;
END $f$;
CREATE OR REPLACE FUNCTION litelift.json_array_length(x text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_array_length(x, '$') $f$;
CREATE OR REPLACE FUNCTION litelift.json_array_length(x json) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_array_length(x::text, '$') $f$;
CREATE OR REPLACE FUNCTION litelift.json_array_length(x text, p text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_array_length(x, p) $f$;
CREATE OR REPLACE FUNCTION litelift.json_array_length(x json, p text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_array_length(x::text, p) $f$;

CREATE OR REPLACE FUNCTION litelift._json_set(x text, op int, paths text[], vals json[])
RETURNS json LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
BEGIN
  IF coalesce(pg_catalog.cardinality(paths), 0) <> coalesce(pg_catalog.cardinality(vals), 0) THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'json_'
      || (ARRAY['replace', 'insert', 'set'])[op] || '() needs an odd number of arguments';
  END IF;
  RETURN litelift._json_edit(x, op, paths, vals)::json;
END $f$;
CREATE OR REPLACE FUNCTION litelift.json_replace(x text, paths text[], vals json[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_set(x, 1, paths, vals) $f$;
CREATE OR REPLACE FUNCTION litelift.json_replace(x json, paths text[], vals json[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_set(x::text, 1, paths, vals) $f$;
CREATE OR REPLACE FUNCTION litelift.json_replace(x text, path text, val json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_set(x, 1, ARRAY[path], ARRAY[val]) $f$;
CREATE OR REPLACE FUNCTION litelift.json_replace(x json, path text, val json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_set(x::text, 1, ARRAY[path], ARRAY[val]) $f$;
CREATE OR REPLACE FUNCTION litelift.json_insert(x text, paths text[], vals json[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_set(x, 2, paths, vals) $f$;
CREATE OR REPLACE FUNCTION litelift.json_insert(x json, paths text[], vals json[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_set(x::text, 2, paths, vals) $f$;
CREATE OR REPLACE FUNCTION litelift.json_insert(x text, path text, val json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_set(x, 2, ARRAY[path], ARRAY[val]) $f$;
CREATE OR REPLACE FUNCTION litelift.json_insert(x json, path text, val json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_set(x::text, 2, ARRAY[path], ARRAY[val]) $f$;
CREATE OR REPLACE FUNCTION litelift.json_set(x text, paths text[], vals json[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_set(x, 3, paths, vals) $f$;
CREATE OR REPLACE FUNCTION litelift.json_set(x json, paths text[], vals json[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_set(x::text, 3, paths, vals) $f$;
CREATE OR REPLACE FUNCTION litelift.json_set(x text, path text, val json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_set(x, 3, ARRAY[path], ARRAY[val]) $f$;
CREATE OR REPLACE FUNCTION litelift.json_set(x json, path text, val json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_set(x::text, 3, ARRAY[path], ARRAY[val]) $f$;

CREATE OR REPLACE FUNCTION litelift.json_remove(x text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json(x) $f$;
CREATE OR REPLACE FUNCTION litelift.json_remove(x json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift.json(x) $f$;
CREATE OR REPLACE FUNCTION litelift.json_remove(x text, VARIADIC paths text[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_edit(x, 0, paths, NULL)::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_remove(x json, VARIADIC paths text[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._json_edit(x::text, 0, paths, NULL)::json $f$;

CREATE OR REPLACE FUNCTION litelift.json_patch(x text, y text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_patch(x, y)::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_patch(x json, y json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_patch(x::text, y::text)::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_patch(x text, y json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_patch(x, y::text)::json $f$;
CREATE OR REPLACE FUNCTION litelift.json_patch(x json, y text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT litelift._json_patch(x::text, y)::json $f$;

CREATE OR REPLACE FUNCTION litelift.json_each(x text)
RETURNS TABLE(key text, value text, type text, atom text, id bigint, parent bigint,
              fullkey text, path text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT * FROM litelift._json_each(x, NULL, false, false) $f$;
CREATE OR REPLACE FUNCTION litelift.json_each(x json)
RETURNS TABLE(key text, value text, type text, atom text, id bigint, parent bigint,
              fullkey text, path text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT * FROM litelift._json_each(x::text, NULL, false, false) $f$;
CREATE OR REPLACE FUNCTION litelift.json_each(x text, root text)
RETURNS TABLE(key text, value text, type text, atom text, id bigint, parent bigint,
              fullkey text, path text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT * FROM litelift._json_each(x, root, true, false) $f$;
CREATE OR REPLACE FUNCTION litelift.json_each(x json, root text)
RETURNS TABLE(key text, value text, type text, atom text, id bigint, parent bigint,
              fullkey text, path text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT * FROM litelift._json_each(x::text, root, true, false) $f$;
CREATE OR REPLACE FUNCTION litelift.json_tree(x text)
RETURNS TABLE(key text, value text, type text, atom text, id bigint, parent bigint,
              fullkey text, path text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT * FROM litelift._json_each(x, NULL, false, true) $f$;
CREATE OR REPLACE FUNCTION litelift.json_tree(x json)
RETURNS TABLE(key text, value text, type text, atom text, id bigint, parent bigint,
              fullkey text, path text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT * FROM litelift._json_each(x::text, NULL, false, true) $f$;
CREATE OR REPLACE FUNCTION litelift.json_tree(x text, root text)
RETURNS TABLE(key text, value text, type text, atom text, id bigint, parent bigint,
              fullkey text, path text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT * FROM litelift._json_each(x, root, true, true) $f$;
CREATE OR REPLACE FUNCTION litelift.json_tree(x json, root text)
RETURNS TABLE(key text, value text, type text, atom text, id bigint, parent bigint,
              fullkey text, path text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT * FROM litelift._json_each(x::text, root, true, true) $f$;

-- Aggregates: the state collects each value's JSON; a NULL json is null.
-- SQLite writes nothing for a NULL label, which is no JSON: an error here.
CREATE OR REPLACE FUNCTION litelift._json_group_array_final(s json[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT ('[' || coalesce(pg_catalog.array_to_string(s, ',', 'null'), '') || ']')::json $f$;
CREATE OR REPLACE AGGREGATE litelift.json_group_array(json) (
  SFUNC = pg_catalog.array_append, STYPE = json[],
  FINALFUNC = litelift._json_group_array_final, PARALLEL = SAFE);
-- json_group_array(DISTINCT x): each value once (by its JSON text), in the
-- order of first appearance, as SQLite keeps it (a sort would reorder).
CREATE OR REPLACE FUNCTION litelift._json_group_distinct_step(s text[], v json) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN coalesce(v::text, 'null') = ANY(s) THEN s
    ELSE pg_catalog.array_append(s, coalesce(v::text, 'null')) END $f$;
CREATE OR REPLACE FUNCTION litelift._json_group_distinct_final(s text[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT ('[' || coalesce(pg_catalog.array_to_string(s, ','), '') || ']')::json $f$;
CREATE OR REPLACE AGGREGATE litelift.json_group_array_distinct(json) (
  SFUNC = litelift._json_group_distinct_step, STYPE = text[],
  FINALFUNC = litelift._json_group_distinct_final, PARALLEL = SAFE);
CREATE OR REPLACE FUNCTION litelift._json_group_object_step(s text[], k text, v json)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT pg_catalog.array_append(s,
    coalesce(pg_catalog.to_json(k)::text, '') || ':' || coalesce(v::text, 'null')) $f$;
CREATE OR REPLACE FUNCTION litelift._json_group_object_final(s text[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT ('{' || coalesce(pg_catalog.array_to_string(s, ','), '') || '}')::json $f$;
CREATE OR REPLACE AGGREGATE litelift.json_group_object(text, json) (
  SFUNC = litelift._json_group_object_step, STYPE = text[],
  FINALFUNC = litelift._json_group_object_final, PARALLEL = SAFE);
)SQL";

}  // namespace

const char* JsonFunctionsSql() { return kSql; }

}  // namespace litelift::compat::server
