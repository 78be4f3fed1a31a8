#include "libsqlite3-compat/server/datetime.h"

namespace litelift::compat::server {

// The helpers are litelift._dt*: _dt_full follows SQLite's date.c (3.40) step by step,
// _dt does the common calls at less cost, the rest are its pieces (the calendar, number
// parsing, printf's long double rounding, local time). The DO block at the end creates the
// names SQL calls.
const char* DateTimeFunctionsSql() {
  return R"SQL(
-- The Julian day of Y-M-D 00:00 in milliseconds (SQLite's computeJD, Meeus p. 61), for a
-- month already moved past February (m in 3..14).
CREATE OR REPLACE FUNCTION litelift._dt_days0(y int, m int, d int) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (36525 * (y + 4716) / 100 + 306001 * (m + 1) / 10000 + d + 2 - y / 100
          + y / 100 / 4)::bigint * 86400000 - 131716800000 $$;
-- The Julian day of Y-M-D 00:00 in milliseconds; a day past the month's end runs on.
CREATE OR REPLACE FUNCTION litelift._dt_days(y int, m int, d int) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN m <= 2 THEN litelift._dt_days0(y - 1, m + 12, d)
              ELSE litelift._dt_days0(y, m, d) END $$;
-- SQLite's computeYMD for a valid Julian day in milliseconds, packed as
-- (Y + 10000) * 10000 + M * 100 + D. Its floating point steps are done here in integers:
-- over the whole valid range they give the same results.
CREATE OR REPLACE FUNCTION litelift._dt_ymd(ijd bigint) RETURNS int
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  z int := ((ijd + 43200000) / 86400000)::int;
  a int := (4 * z - 7468865) / 146097;
  b int; c int; dd int; e int; mo int;
BEGIN
  b := z + 1 + a - a / 4 + 1524;
  c := (20 * b - 2442) / 7305;
  dd := 36525 * c / 100;
  e := (b - dd) * 10000 / 306001;
  mo := CASE WHEN e < 14 THEN e - 1 ELSE e - 13 END;
  RETURN (CASE WHEN mo > 2 THEN c - 4716 ELSE c - 4715 END + 10000) * 10000 + mo * 100
         + b - dd - 306001 * e / 10000;
END $$;
-- sqlite3AtoF(z) > 0: the value of a text that is a number and nothing else (spaces
-- around it allowed), else NULL. Like SQLite it keeps only the first 18 or 19 significant
-- digits; far out of range values become +-Infinity (no date can use them) or a tiny
-- value of the same sign, never an error.
CREATE OR REPLACE FUNCTION litelift._dt_atof(z text) RETURNS double precision
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  m text[] := regexp_match(z, '^[ \t\n\v\f\r]*([-+]?)([0-9]*)(?:\.([0-9]*))?'
                              '(?:[eE]([-+]?)([0-9]+))?[ \t\n\v\f\r]*$');
  ds text; sig text; e int; mag int;
BEGIN
  IF m IS NULL OR m[2] = '' AND coalesce(m[3], '') = '' THEN RETURN NULL; END IF;
  ds := ltrim(m[2] || coalesce(m[3], ''), '0');
  IF ds = '' THEN RETURN 0; END IF;
  e := CASE WHEN m[5] IS NULL THEN 0 WHEN length(ltrim(m[5], '0')) > 6 THEN 1000000
            ELSE ('0' || ltrim(m[5], '0'))::int END;
  IF m[4] = '-' THEN e := -e; END IF;
  e := e - length(coalesce(m[3], ''));
  sig := left(ds, 18);
  IF length(ds) > 18 AND sig::bigint < 922337203685477579 THEN sig := left(ds, 19); END IF;
  e := e + length(ds) - length(sig);
  mag := length(sig) + e;
  IF mag > 300 THEN RETURN (m[1] || 'Infinity')::float8; END IF;
  IF mag < -300 THEN
    IF mag < -323 OR (sig || 'e' || e)::numeric < 2.4703282292062328e-324 THEN RETURN 0; END IF;
    RETURN (m[1] || '1e-300')::float8;
  END IF;
  RETURN (m[1] || sig || 'e' || e)::float8;
END $$;
-- The fraction of a second SQLite reads from '.FFF...' (digit by digit, in doubles).
CREATE OR REPLACE FUNCTION litelift._dt_frac(f text) RETURNS double precision
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  ms float8 := 0;
  sc float8 := 1;
BEGIN
  IF f IS NULL THEN RETURN NULL; END IF;
  IF length(f) <= 16 THEN  -- exact: one rounding, as in SQLite
    RETURN substr(f, 2)::float8 / ('1e' || (length(f) - 1))::float8;
  END IF;
  FOR i IN 2 .. least(length(f), 301) LOOP
    ms := ms * 10 + ascii(substr(f, i, 1)) - 48;
    sc := sc * 10;
  END LOOP;
  RETURN ms / sc;
END $$;
-- A numeric time value as the double SQLite would hold (never an error).
CREATE OR REPLACE FUNCTION litelift._dt_n2f(v numeric) RETURNS double precision
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF v IS NULL OR v = 0 THEN RETURN v; END IF;
  IF v = 'NaN' THEN RETURN 'NaN'; END IF;
  IF abs(v) > 1e300 THEN RETURN sign(v) * 'Infinity'::float8; END IF;
  IF abs(v) < 2.4703282292062328e-324 THEN RETURN 0; END IF;  -- underflows to zero
  IF abs(v) < 1e-300 THEN RETURN sign(v) * 1e-300::float8; END IF;  -- same dates as v
  RETURN v::float8;
END $$;
-- The exact value of a double.
CREATE OR REPLACE FUNCTION litelift._dt_exact(v double precision) RETURNS numeric
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  b bigint;
  e int;
  m bigint;
BEGIN
  IF v = 0 THEN RETURN 0; END IF;
  b := ('x' || encode(float8send(v), 'hex'))::bit(64)::bigint;
  e := ((b >> 52) & 2047)::int;
  m := b & 4503599627370495;
  IF e = 0 THEN e := 1; ELSE m := m | 4503599627370496; END IF;
  e := e - 1075;
  RETURN CASE WHEN b < 0 THEN -1 ELSE 1 END
         * CASE WHEN e >= 0 THEN m * 2::numeric ^ e
                ELSE m * 5::numeric ^ (-e) * ('1e' || e)::numeric END;  -- m / 2^-e, exactly
END $$;
-- x >= 0 rounded to `bits` significant binary digits, ties to even: what an x87 long
-- double (64) or a double (53) holds of an exact value.
CREATE OR REPLACE FUNCTION litelift._dt_round_bits(x numeric, bits int) RETURNS numeric
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  k int;
  p int;
  sc numeric;
  n numeric;
BEGIN
  IF x = 0 THEN RETURN 0; END IF;
  k := floor(ln(x::float8) / ln(2::float8))::int;
  LOOP
    p := bits - 1 - k;
    sc := x * CASE WHEN p >= 0 THEN 2::numeric ^ p
                   ELSE 5::numeric ^ (-p) * ('1e' || p)::numeric END;
    IF sc < 2::numeric ^ (bits - 1) THEN k := k - 1;
    ELSIF sc >= 2::numeric ^ bits THEN k := k + 1;
    ELSE EXIT;
    END IF;
  END LOOP;
  n := trunc(sc);
  IF sc - n > 0.5 OR sc - n = 0.5 AND mod(n, 2) = 1 THEN n := n + 1; END IF;
  RETURN n * CASE WHEN p <= 0 THEN 2::numeric ^ (-p)
                  ELSE 5::numeric ^ p * ('1e' || -p)::numeric END;
END $$;
-- SQLite's printf("%.<prec>g") (generic) or printf("%.<prec>f") of v >= 0, digit for digit:
-- its x87 long double steps are redone on exact values rounded to 64 bits.
CREATE OR REPLACE FUNCTION litelift._dt_printf(v double precision, prec int, generic boolean)
  RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  idx int;
  rounder float8;
  rv numeric;
  sc numeric := 1;
  e int := 0;
  e2 int;
  nsd int := 16;
  expo boolean := false;
  rtz boolean := false;
  res text := '';
  dg numeric;
BEGIN
  IF generic AND prec > 0 THEN prec := prec - 1; END IF;
  idx := prec;
  rounder := ('5e-' || (idx % 10 + 1))::float8;
  WHILE idx >= 10 LOOP rounder := rounder * 1e-10::float8; idx := idx - 10; END LOOP;
  rv := litelift._dt_exact(v);
  IF NOT generic THEN
    e := CASE WHEN v = 0 THEN -1023 ELSE ((('x' || encode(float8send(v), 'hex'))::bit(64)::bigint
                                          >> 52) & 2047)::int - 1023 END;
    IF prec + e / 3 < 15 THEN
      rounder := litelift._dt_round_bits(litelift._dt_exact(rounder) + litelift._dt_round_bits(
          rv * litelift._dt_exact(3e-16::float8), 64), 64)::float8;
    END IF;
    rv := litelift._dt_round_bits(rv + litelift._dt_exact(rounder), 64);
    e := 0;
  END IF;
  IF rv > 0 THEN
    WHILE rv >= 1e100 * sc AND e <= 350 LOOP sc := sc * 1e100; e := e + 100; END LOOP;
    WHILE rv >= 1e10 * sc AND e <= 350 LOOP sc := sc * 1e10; e := e + 10; END LOOP;
    WHILE rv >= 10 * sc AND e <= 350 LOOP sc := sc * 10; e := e + 1; END LOOP;
    rv := litelift._dt_round_bits(rv / sc, 64);
    WHILE rv < litelift._dt_exact(1e-8::float8) LOOP
      rv := litelift._dt_round_bits(rv * 100000000, 64); e := e - 8;
    END LOOP;
    WHILE rv < 1 LOOP rv := litelift._dt_round_bits(rv * 10, 64); e := e - 1; END LOOP;
  END IF;
  IF generic THEN
    rv := litelift._dt_round_bits(rv + litelift._dt_exact(rounder), 64);
    IF rv >= 10 THEN
      rv := litelift._dt_round_bits(rv * litelift._dt_exact(0.1::float8), 64); e := e + 1;
    END IF;
    rtz := true;
    IF e < -4 OR e > prec THEN expo := true; ELSE prec := prec - e; END IF;
  END IF;
  e2 := CASE WHEN expo THEN 0 ELSE e END;
  IF e2 < 0 THEN
    res := '0';
  ELSE
    WHILE e2 >= 0 LOOP
      IF nsd <= 0 THEN res := res || '0';
      ELSE nsd := nsd - 1; dg := trunc(rv); res := res || dg;
           rv := litelift._dt_round_bits((rv - dg) * 10, 64);
      END IF;
      e2 := e2 - 1;
    END LOOP;
  END IF;
  IF prec > 0 THEN res := res || '.'; END IF;
  e2 := e2 + 1;
  WHILE e2 < 0 LOOP res := res || '0'; prec := prec - 1; e2 := e2 + 1; END LOOP;
  WHILE prec > 0 LOOP
    IF nsd <= 0 THEN res := res || '0';
    ELSE nsd := nsd - 1; dg := trunc(rv); res := res || dg;
         rv := litelift._dt_round_bits((rv - dg) * 10, 64);
    END IF;
    prec := prec - 1;
  END LOOP;
  IF rtz AND position('.' IN res) > 0 THEN res := rtrim(rtrim(res, '0'), '.'); END IF;
  IF expo THEN
    res := res || 'e' || CASE WHEN e < 0 THEN '-' ELSE '+' END
           || CASE WHEN abs(e) < 10 THEN '0' ELSE '' END || abs(e);
  END IF;
  RETURN res;
END $$;
-- strftime's %J: printf("%.16g") of a Julian day (0 <= v < 5373485). Values whose 17th digit
-- is not near a tie round the same in decimal; the others take the long double path.
CREATE OR REPLACE FUNCTION litelift._dt_fmt_j(v double precision) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  e int;
  t numeric;
  n numeric;
  res text;
BEGIN
  IF v < 1 THEN RETURN litelift._dt_printf(v, 16, true); END IF;
  e := length(trunc(v)::bigint::text) - 1;
  t := litelift._dt_exact(v) * ('1e' || (15 - e))::numeric;
  n := trunc(t);
  IF abs(t - n - 0.5) < 0.05 THEN RETURN litelift._dt_printf(v, 16, true); END IF;
  IF t - n > 0.5 THEN n := n + 1; END IF;
  IF n >= 1e16 THEN n := 1e15; e := e + 1; END IF;
  res := n::text;
  res := rtrim(substr(res, e + 2), '0');
  RETURN substr(n::text, 1, e + 1) || CASE WHEN res = '' THEN '' ELSE '.' || res END;
END $$;
-- strftime's %f: printf("%06.3f") of seconds (s <= 59.999). Milliseconds computed from a
-- Julian day print the same in decimal; a value near a rounding edge takes the long double
-- path.
CREATE OR REPLACE FUNCTION litelift._dt_fmt_f(s double precision) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  a float8 := abs(s);
  t numeric := (litelift._dt_exact(a) + litelift._dt_exact(0.0005::float8 + a * 3e-16::float8))
               * 1000;
  n int := trunc(t)::int;
  res text;
BEGIN
  IF t - n < 1e-6 OR t - n > 1 - 1e-6 THEN
    res := litelift._dt_printf(a, 3, false);
  ELSE
    res := (n / 1000) || '.' || lpad((n % 1000)::text, 3, '0');
  END IF;
  IF s < 0 THEN  -- only after a date error
    RETURN '-' || repeat('0', 5 - length(res)) || res;
  END IF;
  RETURN repeat('0', 6 - length(res)) || res;
END $$;
-- SQLite's computeJD: the Julian day in milliseconds of a date and time held as fields (the
-- date defaults to 2000-01-01), or NULL where SQLite raises its date error.
CREATE OR REPLACE FUNCTION litelift._dt_jd(vymd boolean, y int, mo int, d int, vhms boolean,
    h int, mi int, s double precision, vtz boolean, tz int, raws boolean) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN raws OR vymd AND (y < -4713 OR y > 9999) THEN NULL
    ELSE CASE WHEN vymd THEN litelift._dt_days(y, mo, d) ELSE 211813444800000 END
         + CASE WHEN NOT vhms THEN 0
                ELSE h * 3600000 + mi * 60000 + trunc(s * 1000 + 0.5)::bigint
                     - CASE WHEN vtz THEN tz * 60000 ELSE 0 END END END $$;
-- SQLite's toLocaltime, up to the broken-down time: {local time as a Julian day in
-- milliseconds (whole seconds), years to subtract}. Like SQLite, an instant outside
-- 1970-01-01..2038-01-18 is moved into 1997..2000 (same place in the leap cycle) first.
CREATE OR REPLACE FUNCTION litelift._dt_local(ijd bigint, vjd boolean, vymd boolean, y int,
    mo int, d int, vhms boolean, h int, mi int, s double precision, zone text) RETURNS bigint[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  diff int := 0;
  t bigint;
  n int;
BEGIN
  IF ijd < 210866760000000 OR ijd > 213014145600000 THEN
    -- On a copy: computeYMD_HMS, then the year moved.
    IF NOT vymd THEN
      IF NOT vjd THEN
        y := 2000; mo := 1; d := 1; vymd := true;
      ELSIF ijd < 0 OR ijd > 464269060799999 THEN  -- the copy's date error
        y := 0; vymd := false; vjd := false; vhms := false;
      ELSE
        n := litelift._dt_ymd(ijd);
        y := n / 10000 - 10000; mo := n / 100 % 100; d := n % 100; vymd := true;
      END IF;
    END IF;
    IF NOT vhms THEN
      IF NOT vjd THEN
        ijd := CASE WHEN vymd THEN litelift._dt_days(y, mo, d) ELSE 211813444800000 END;
      END IF;
      n := ((ijd + 43200000) % 86400000)::int;
      s := (n % 60000)::float8 / 1000; mi := n / 60000 % 60; h := n / 3600000;
    END IF;
    diff := 2000 + y % 4 - y;
    t := (CASE WHEN vymd THEN litelift._dt_days(y + diff, mo, d) ELSE 211813444800000 END
          + h * 3600000 + mi * 60000 + trunc(s * 1000 + 0.5)::bigint) / 1000 - 210866760000;
  ELSE
    t := ijd / 1000 - 210866760000;
  END IF;
  RETURN ARRAY[extract(epoch FROM timezone(zone, to_timestamp(t)))::bigint * 1000
               + 210866760000000, diff];
END $$;
-- The date and time functions of SQLite 3.40: its date.c redone step by step on the Julian
-- day in milliseconds (ijd) and the fields it keeps beside it, including its date error
-- (the fields cleared, iserr set), which a later 'localtime' or 'utc' clears again.
-- op: 1 date, 2 time, 3 datetime, 4 the Julian day in milliseconds (for julianday and
-- unixepoch), 6 strftime(fmt). The time value is tv (text) or num; stmt_ts and zone stand
-- for SQLite's clock and local time zone. NULL on a NULL argument and on invalid input.
CREATE OR REPLACE FUNCTION litelift._dt_full(op int, fmt text, tv text, num double precision,
    mods text[], stmt_ts timestamptz, zone text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  ijd bigint := 0; y int; mo int; d int; h int; mi int; s float8; tz int := 0;
  vjd boolean := false; vymd boolean := false; vhms boolean := false; vtz boolean := false;
  tzset boolean := false; raws boolean := false; iserr boolean := false;
  m text[]; z text; lz text; c text; r float8; rnd float8; lim float8; xf float8;
  k bigint; g bigint; e bigint; a bigint[]; n int; idx int := 0; idx2 int; res text;
BEGIN
  IF op = 6 AND fmt IS NULL THEN RETURN NULL; END IF;
  -- The time value.
  IF tv IS NOT NULL THEN
    IF tv ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
            '(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,15})?)?)?$' THEN
      -- The common shapes, without the slower capturing match.
      m := ARRAY['', left(tv, 4), substr(tv, 6, 2), substr(tv, 9, 2),
                 nullif(substr(tv, 12, 2), ''), nullif(substr(tv, 15, 2), ''),
                 nullif(substr(tv, 18, 2), ''), nullif(substr(tv, 20), '')];
    ELSE
      m := regexp_match(tv, '^(?:(-?)([0-9]{4})-([0-9]{2})-([0-9]{2})[ \t\n\v\f\rT]*)?'
                            '(?:([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?[ \t\n\v\f\r]*'
                            '(([-+])([0-9]{2}):([0-9]{2})|[Zz])?[ \t\n\v\f\r]*)?$');
    END IF;
    IF m[2] IS NOT NULL OR m[5] IS NOT NULL THEN
      IF m[5] IS NOT NULL THEN
        h := m[5]::int; mi := m[6]::int; s := coalesce(m[7]::int, 0);
        IF h > 24 OR mi > 59 OR s > 59 THEN RETURN NULL; END IF;
        IF m[8] IS NOT NULL THEN s := s + litelift._dt_frac(m[8]); END IF;
        IF m[10] IS NOT NULL THEN
          IF m[11]::int > 14 OR m[12]::int > 59 THEN RETURN NULL; END IF;
          tz := m[11]::int * 60 + m[12]::int;
          IF m[10] = '-' THEN tz := -tz; END IF;
        END IF;
        tzset := m[9] IS NOT NULL; vtz := tz <> 0; vhms := true;
      END IF;
      IF m[2] IS NOT NULL THEN
        y := m[2]::int; mo := m[3]::int; d := m[4]::int;
        IF mo < 1 OR mo > 12 OR d < 1 OR d > 31 THEN RETURN NULL; END IF;
        IF m[1] = '-' THEN y := -y; END IF;
        vymd := true;
        IF vtz THEN  -- computeJD
          ijd := litelift._dt_jd(vymd, y, mo, d, vhms, h, mi, s, vtz, tz, raws);
          IF ijd IS NULL THEN
            SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
              INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
          ELSE
            vjd := true; vymd := false; vhms := false; vtz := false;
          END IF;
        END IF;
      END IF;
    ELSIF lower(tv COLLATE "C") = 'now' THEN
      ijd := 210866760000000 + floor(extract(epoch FROM stmt_ts) * 1000)::bigint;
      vjd := true;
    ELSE
      r := litelift._dt_atof(tv);
      IF r IS NULL THEN RETURN NULL; END IF;
      s := r; raws := true;
      IF r >= 0 AND r < 5373484.5 THEN
        ijd := trunc(r * 86400000 + 0.5)::bigint; vjd := true;
      END IF;
    END IF;
  ELSIF num IS NOT NULL AND num <> 'NaN' THEN
    r := CASE WHEN num > 1e300 THEN 'Infinity' WHEN num < -1e300 THEN '-Infinity' ELSE num END;
    s := r; raws := true;
    IF r >= 0 AND r < 5373484.5 THEN ijd := trunc(r * 86400000 + 0.5)::bigint; vjd := true; END IF;
  ELSE
    RETURN NULL;
  END IF;

  -- The modifiers, in order. Where SQLite computes the Julian day (computeJD), the fields
  -- (computeYMD, computeHMS) or raises its date error, so does each step here.
  IF mods IS NOT NULL THEN
  FOREACH z IN ARRAY mods LOOP
    idx := idx + 1;
    IF z IS NULL THEN RETURN NULL; END IF;
    lz := lower(z COLLATE "C");
    c := left(lz, 1);
    IF c IN ('+', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9') THEN
      -- NNN units, or [+-]HH:MM[:SS[.FFF]]
      IF z ~ '^[-+]?[0-9]{1,9}(?:\.[0-9]{1,6})? +[A-Za-z]{3,7}$' THEN  -- the common shape
        n := strpos(z, ' ');
        m := ARRAY[left(z, n - 1), NULL, ltrim(substr(z, n), ' ')];
        r := m[1]::float8;
      ELSE
        m := regexp_match(z, '^(.[^: \t\n\v\f\r]*)(?:(:.*)|[ \t\n\v\f\r]*(.*))$');
        r := litelift._dt_atof(m[1]);
      END IF;
      IF r IS NULL THEN RETURN NULL; END IF;
      IF m[2] IS NOT NULL THEN
        m := regexp_match(CASE WHEN c IN ('+', '-') THEN substr(z, 2) ELSE z END,
                          '^([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?[ \t\n\v\f\r]*'
                          '(([-+])([0-9]{2}):([0-9]{2})|[Zz])?[ \t\n\v\f\r]*$');
        IF m IS NULL OR m[1]::int > 24 OR m[2]::int > 59 OR coalesce(m[3]::int, 0) > 59
           OR m[6] IS NOT NULL AND (m[7]::int > 14 OR m[8]::int > 59) THEN
          RETURN NULL;
        END IF;
        k := 211813444800000 + m[1]::int * 3600000 + m[2]::int * 60000
             + trunc((coalesce(m[3]::int, 0) + coalesce(litelift._dt_frac(m[4]), 0::float8))
                     * 1000 + 0.5)::bigint
             - CASE WHEN m[6] IS NULL THEN 0
                    ELSE (m[7]::int * 60 + m[8]::int) * CASE m[6] WHEN '-' THEN -60000
                                                                   ELSE 60000 END END
             - 43200000;
        k := k - k / 86400000 * 86400000;
        IF c = '-' THEN k := -k; END IF;
        IF NOT vjd THEN
          ijd := litelift._dt_jd(vymd, y, mo, d, vhms, h, mi, s, vtz, tz, raws);
          IF ijd IS NULL THEN
            SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
              INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
          ELSE
            vjd := true;
          END IF;
        END IF;
        ijd := ijd + k;
        vymd := false; vhms := false; vtz := false;
      ELSE
        lz := lower(m[3] COLLATE "C");
        IF octet_length(lz) NOT BETWEEN 3 AND 10 THEN RETURN NULL; END IF;
        IF right(lz, 1) = 's' THEN lz := left(lz, -1); END IF;
        CASE lz  -- the limits are SQLite's, as floats
          WHEN 'second' THEN lim := 464269992787968; xf := 1;
          WHEN 'minute' THEN lim := 7737900007424; xf := 60;
          WHEN 'hour' THEN lim := 128969998336; xf := 3600;
          WHEN 'day' THEN lim := 5373485; xf := 86400;
          WHEN 'month' THEN lim := 176546; xf := 2592000;
          WHEN 'year' THEN lim := 14713; xf := 31536000;
          ELSE RETURN NULL;
        END CASE;
        IF NOT (r > -lim AND r < lim) THEN RETURN NULL; END IF;
        rnd := CASE WHEN r < 0 THEN -0.5 ELSE 0.5 END;
        FOR pass IN 1 .. 2 LOOP
          IF NOT vjd THEN
            ijd := litelift._dt_jd(vymd, y, mo, d, vhms, h, mi, s, vtz, tz, raws);
            IF ijd IS NULL THEN
              SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
                INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
            ELSE
              vjd := true;
              IF vhms AND vtz THEN vymd := false; vhms := false; vtz := false; END IF;
            END IF;
          END IF;
          EXIT WHEN pass = 2;
          CONTINUE WHEN xf < 2592000;
          -- Months and years move the calendar date: computeYMD_HMS, then the fields.
          IF NOT vymd THEN
            IF NOT vjd THEN
              y := 2000; mo := 1; d := 1; vymd := true;
            ELSIF ijd < 0 OR ijd > 464269060799999 THEN
              SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
                INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
            ELSE
              n := litelift._dt_ymd(ijd);
              y := n / 10000 - 10000; mo := n / 100 % 100; d := n % 100; vymd := true;
            END IF;
          END IF;
          IF NOT vhms THEN
            IF NOT vjd THEN
              ijd := litelift._dt_jd(vymd, y, mo, d, vhms, h, mi, s, vtz, tz, raws);
              IF ijd IS NULL THEN
                SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
                  INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
              ELSE
                vjd := true;
              END IF;
            END IF;
            n := ((ijd + 43200000) % 86400000)::int;
            s := (n % 60000)::float8 / 1000; mi := n / 60000 % 60; h := n / 3600000;
            raws := false; vhms := true;
          END IF;
          IF xf = 2592000 THEN
            mo := mo + trunc(r)::int;
            n := CASE WHEN mo > 0 THEN (mo - 1) / 12 ELSE (mo - 12) / 12 END;
            y := y + n; mo := mo - n * 12;
          ELSE
            y := y + trunc(r)::int;
          END IF;
          vjd := false;
          r := r - trunc(r);
        END LOOP;
        ijd := ijd + trunc(r * 1000 * xf + rnd)::bigint;
        vymd := false; vhms := false; vtz := false;
      END IF;
    ELSIF lz = 'localtime' THEN
      IF NOT vjd THEN
        ijd := litelift._dt_jd(vymd, y, mo, d, vhms, h, mi, s, vtz, tz, raws);
        IF ijd IS NULL THEN
          SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
            INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
        ELSE
          vjd := true;
          IF vhms AND vtz THEN vymd := false; vhms := false; vtz := false; END IF;
        END IF;
      END IF;
      a := litelift._dt_local(ijd, vjd, vymd, y, mo, d, vhms, h, mi, s, zone);
      n := litelift._dt_ymd(a[1]);
      y := n / 10000 - 10000 - a[2]; mo := n / 100 % 100; d := n % 100;
      k := (a[1] + 43200000) % 86400000;
      h := k / 3600000; mi := k / 60000 % 60;
      s := (k % 60000 / 1000)::float8 + (ijd % 1000)::float8 * 0.001::float8;
      vymd := true; vhms := true; vjd := false; raws := false; vtz := false; iserr := false;
    ELSIF lz = 'unixepoch' AND raws THEN
      IF idx > 1 THEN RETURN NULL; END IF;
      r := s * 1000 + 210866760000000::float8;
      IF NOT (r >= 0 AND r < 464269060800000) THEN RETURN NULL; END IF;
      ijd := trunc(r + 0.5)::bigint; vjd := true; raws := false;
      vymd := false; vhms := false; vtz := false;
    ELSIF lz = 'utc' THEN
      IF NOT tzset THEN
        IF NOT vjd THEN
          ijd := litelift._dt_jd(vymd, y, mo, d, vhms, h, mi, s, vtz, tz, raws);
          IF ijd IS NULL THEN ijd := 0; END IF;  -- the date error: cleared below anyway
        END IF;
        -- Guess the UTC time whose local time is ijd, four times at most, as SQLite does.
        g := ijd; e := 0; idx2 := 0;
        LOOP
          g := g - e;
          a := litelift._dt_local(g, true, false, 0, 0, 0, false, 0, 0, 0, zone);
          k := (a[1] + 43200000) % 86400000;
          n := litelift._dt_ymd(a[1]);
          e := litelift._dt_jd(true, n / 10000 - 10000 - a[2]::int, n / 100 % 100, n % 100, true,
                               (k / 3600000)::int, (k / 60000 % 60)::int,
                               (k % 60000 / 1000)::float8 + (g % 1000)::float8 * 0.001::float8,
                               false, 0, false);
          e := (coalesce(e, 0) - ijd) & 4294967295;  -- SQLite keeps this in a 32-bit int
          IF e >= 2147483648 THEN e := e - 4294967296; END IF;
          EXIT WHEN e = 0 OR idx2 >= 3;
          idx2 := idx2 + 1;
        END LOOP;
        SELECT g, 0, 0, 0, 0, 0, 0, 0, true, false, false, false, true, false, false
          INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
      END IF;
    ELSIF lz = 'auto' THEN
      IF idx > 1 THEN RETURN NULL; END IF;
      IF raws AND NOT vjd THEN
        IF NOT (s >= -210866760000 AND s <= 253402300799) THEN RETURN NULL; END IF;
        ijd := trunc(s * 1000 + 210866760000000::float8 + 0.5)::bigint; vjd := true;
        vymd := false; vhms := false; vtz := false;
      END IF;
      raws := false;
    ELSIF lz = 'julianday' THEN
      IF idx > 1 OR NOT (vjd AND raws) THEN RETURN NULL; END IF;
      raws := false;
    ELSIF left(lz, 8) = 'weekday ' THEN
      r := litelift._dt_atof(substr(z, 9));
      IF r IS NULL OR NOT (r >= 0 AND r < 7 AND r = trunc(r)) THEN RETURN NULL; END IF;
      IF NOT vymd THEN
        IF NOT vjd THEN
          y := 2000; mo := 1; d := 1; vymd := true;
        ELSIF ijd < 0 OR ijd > 464269060799999 THEN
          SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
            INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
        ELSE
          n := litelift._dt_ymd(ijd);
          y := n / 10000 - 10000; mo := n / 100 % 100; d := n % 100; vymd := true;
        END IF;
      END IF;
      IF NOT vhms THEN
        IF NOT vjd THEN
          ijd := litelift._dt_jd(vymd, y, mo, d, vhms, h, mi, s, vtz, tz, raws);
          IF ijd IS NULL THEN
            SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
              INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
          ELSE
            vjd := true;
          END IF;
        END IF;
        n := ((ijd + 43200000) % 86400000)::int;
        s := (n % 60000)::float8 / 1000; mi := n / 60000 % 60; h := n / 3600000;
        raws := false; vhms := true;
      END IF;
      ijd := litelift._dt_jd(vymd, y, mo, d, vhms, h, mi, s, false, 0, raws);
      IF ijd IS NULL THEN
        SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
          INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
      ELSE
        vjd := true;
      END IF;
      k := (ijd + 129600000) / 86400000 % 7;
      IF k > r THEN k := k - 7; END IF;
      ijd := ijd + (r::bigint - k) * 86400000;
      vymd := false; vhms := false; vtz := false;
    ELSIF left(lz, 9) = 'start of ' THEN
      IF NOT vjd AND NOT vymd AND NOT vhms THEN RETURN NULL; END IF;
      IF NOT vymd THEN
        IF NOT vjd THEN
          y := 2000; mo := 1; d := 1; vymd := true;
        ELSIF ijd < 0 OR ijd > 464269060799999 THEN
          SELECT 0, 0, 0, 0, 0, 0, 0, 0, false, false, false, false, false, false, true
            INTO ijd, y, mo, d, h, mi, s, tz, vjd, vymd, vhms, vtz, tzset, raws, iserr;
        ELSE
          n := litelift._dt_ymd(ijd);
          y := n / 10000 - 10000; mo := n / 100 % 100; d := n % 100; vymd := true;
        END IF;
      END IF;
      vhms := true; h := 0; mi := 0; s := 0; raws := false; vtz := false; vjd := false;
      CASE substr(lz, 10)
        WHEN 'month' THEN d := 1;
        WHEN 'year' THEN mo := 1; d := 1;
        WHEN 'day' THEN NULL;
        ELSE RETURN NULL;
      END CASE;
    ELSE
      RETURN NULL;
    END IF;
  END LOOP;
  END IF;

  IF NOT vjd THEN
    ijd := litelift._dt_jd(vymd, y, mo, d, vhms, h, mi, s, vtz, tz, raws);
    IF ijd IS NULL THEN RETURN NULL; END IF;
    IF vhms AND vtz THEN vymd := false; vhms := false; vtz := false; END IF;
  END IF;
  IF iserr OR ijd < 0 OR ijd > 464269060799999 THEN RETURN NULL; END IF;
  IF op = 4 THEN RETURN ijd::text; END IF;
  IF op <> 2 AND NOT vymd THEN
    n := litelift._dt_ymd(ijd);
    y := n / 10000 - 10000; mo := n / 100 % 100; d := n % 100;
  END IF;
  IF op <> 1 AND NOT vhms THEN
    n := ((ijd + 43200000) % 86400000)::int;
    s := (n % 60000)::float8 / 1000; mi := n / 60000 % 60; h := n / 3600000;
  END IF;
  IF op = 1 THEN
    RETURN CASE WHEN y < 0 THEN '-' ELSE '' END || lpad(abs(y)::text, 4, '0') || '-'
           || lpad(mo::text, 2, '0') || '-' || lpad(d::text, 2, '0');
  ELSIF op = 2 THEN
    RETURN lpad(h::text, 2, '0') || ':' || lpad(mi::text, 2, '0') || ':'
           || lpad(trunc(s)::int::text, 2, '0');
  ELSIF op = 3 THEN
    RETURN CASE WHEN y < 0 THEN '-' ELSE '' END || lpad(abs(y)::text, 4, '0') || '-'
           || lpad(mo::text, 2, '0') || '-' || lpad(d::text, 2, '0') || ' '
           || lpad(h::text, 2, '0') || ':' || lpad(mi::text, 2, '0') || ':'
           || lpad(trunc(s)::int::text, 2, '0');
  END IF;
  -- strftime: the codes SQLite 3.40 knows; any other makes the result NULL.
  res := '';
  LOOP
    n := strpos(fmt, '%');
    IF n = 0 THEN RETURN res || fmt; END IF;
    c := substr(fmt, n + 1, 1);
    res := res || left(fmt, n - 1);
    fmt := substr(fmt, n + 2);
    CASE c
      WHEN 'd' THEN res := res || lpad(d::text, 2, '0');
      WHEN 'f' THEN res := res || litelift._dt_fmt_f(least(s, 59.999::float8));
      WHEN 'H' THEN res := res || lpad(h::text, 2, '0');
      WHEN 'j', 'W' THEN
        k := (ijd - litelift._dt_days(y, 1, 1) - h * 3600000 - mi * 60000
              - trunc(s * 1000 + 0.5)::bigint + 43200000) / 86400000;
        IF c = 'j' THEN
          res := res || lpad((k + 1)::text, 3, '0');
        ELSE
          res := res || lpad(((k + 7 - (ijd + 43200000) / 86400000 % 7) / 7)::text, 2, '0');
        END IF;
      WHEN 'J' THEN res := res || litelift._dt_fmt_j(ijd::float8 / 86400000);
      WHEN 'm' THEN res := res || lpad(mo::text, 2, '0');
      WHEN 'M' THEN res := res || lpad(mi::text, 2, '0');
      WHEN 's' THEN res := res || (ijd / 1000 - 210866760000);
      WHEN 'S' THEN res := res || lpad(trunc(s)::int::text, 2, '0');
      WHEN 'w' THEN res := res || (ijd + 129600000) / 86400000 % 7;
      WHEN 'Y' THEN
        res := res || CASE WHEN y >= 0 THEN lpad(y::text, 4, '0')
                           WHEN y > -100 THEN '-' || lpad((-y)::text, 3, '0') ELSE y::text END;
      WHEN '%' THEN res := res || '%';
      ELSE RETURN NULL;
    END CASE;
  END LOOP;
END $$;
-- SQLite's date functions (see _dt_full), with the common calls done here at less cost: a
-- text 'YYYY-MM-DD[ HH:MM[:SS[.FFF]]]' (or with 'T') and no modifier.
CREATE OR REPLACE FUNCTION litelift._dt(op int, fmt text, tv text, num double precision,
    mods text[], stmt_ts timestamptz, zone text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  y int; mo int; d int; h int; mi int; s float8; ijd bigint;
BEGIN
  IF op = 6 OR cardinality(mods) > 0 OR tv IS NULL
     OR NOT tv ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
                 '(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,15})?)?)?$' THEN
    RETURN litelift._dt_full(op, fmt, tv, num, mods, stmt_ts, zone);
  END IF;
  mo := substr(tv, 6, 2)::int;
  d := substr(tv, 9, 2)::int;
  IF mo < 1 OR mo > 12 OR d < 1 OR d > 31 THEN RETURN NULL; END IF;
  y := left(tv, 4)::int;
  ijd := litelift._dt_days(y, mo, d);
  IF length(tv) > 10 THEN
    h := substr(tv, 12, 2)::int;
    mi := substr(tv, 15, 2)::int;
    s := CASE WHEN length(tv) > 16 THEN substr(tv, 18, 2)::int ELSE 0 END;
    IF h > 24 OR mi > 59 OR s > 59 THEN RETURN NULL; END IF;
    IF length(tv) > 19 THEN s := s + litelift._dt_frac(substr(tv, 20)); END IF;
    ijd := ijd + h * 3600000 + mi * 60000 + trunc(s * 1000 + 0.5)::bigint;
    IF ijd > 464269060799999 THEN RETURN NULL; END IF;
  ELSE
    h := 0; mi := 0; s := 0;
  END IF;
  RETURN CASE op
    WHEN 1 THEN lpad(y::text, 4, '0') || '-' || lpad(mo::text, 2, '0') || '-'
                || lpad(d::text, 2, '0')
    WHEN 2 THEN lpad(h::text, 2, '0') || ':' || lpad(mi::text, 2, '0') || ':'
                || lpad(trunc(s)::int::text, 2, '0')
    WHEN 3 THEN lpad(y::text, 4, '0') || '-' || lpad(mo::text, 2, '0') || '-'
                || lpad(d::text, 2, '0') || ' ' || lpad(h::text, 2, '0') || ':'
                || lpad(mi::text, 2, '0') || ':' || lpad(trunc(s)::int::text, 2, '0')
    ELSE ijd::text END;
END $$;
-- The functions SQLite programs call, each as
--   f(), f(text), f(text, VARIADIC text[])                      the time value is text or 'now'
--   f(T), f(T, VARIADIC text[]) for T bigint, double precision, numeric
-- and strftime(format text, ...) likewise. They are inlined into the calling query; those
-- that cannot read the clock or the time zone are IMMUTABLE.
DO $do$
DECLARE
  f record;
  t record;
  args text;
BEGIN
  FOR f IN SELECT * FROM (VALUES
      ('date', 1, 'text', '%s'), ('time', 2, 'text', '%s'), ('datetime', 3, 'text', '%s'),
      ('julianday', 4, 'double precision', '%s::bigint::float8 / 86400000'),
      ('unixepoch', 4, 'bigint', '%s::bigint / 1000 - 210866760000'),
      ('strftime', 6, 'text', '%s')) AS v(name, op, ret, body) LOOP
    FOR t IN SELECT * FROM (VALUES
        ('', 'STABLE', '''now'', NULL, NULL, now'),
        ('text', 'STABLE', '$A, NULL, NULL, now'),
        ('text, VARIADIC text[]', 'STABLE', '$A, NULL, $B, now'),
        ('bigint', 'IMMUTABLE', 'NULL, $A::float8, NULL, NULL, NULL'),
        ('bigint, VARIADIC text[]', 'STABLE', 'NULL, $A::float8, $B, now'),
        ('double precision', 'IMMUTABLE', 'NULL, $A, NULL, NULL, NULL'),
        ('double precision, VARIADIC text[]', 'STABLE', 'NULL, $A, $B, now'),
        ('numeric', 'IMMUTABLE', 'NULL, litelift._dt_n2f($A), NULL, NULL, NULL'),
        ('numeric, VARIADIC text[]', 'STABLE', 'NULL, litelift._dt_n2f($A), $B, now')
        ) AS v(params, volatility, args) LOOP
      IF f.name = 'strftime' THEN
        args := '$1, ' || replace(replace(t.args, '$A', '$2'), '$B', '$3');
      ELSE
        args := 'NULL, ' || replace(replace(t.args, '$A', '$1'), '$B', '$2');
      END IF;
      args := replace(args, ', now', ', statement_timestamp(), current_setting(''TimeZone'')');
      EXECUTE format('CREATE OR REPLACE FUNCTION litelift.%I(%s) RETURNS %s LANGUAGE sql %s '
                     'PARALLEL SAFE AS $$ SELECT ' || f.body || ' $$',
                     f.name, CASE WHEN f.name = 'strftime' THEN rtrim('text, ' || t.params, ', ')
                                  ELSE t.params END,
                     f.ret, t.volatility, format('litelift._dt(%s, %s)', f.op, args));
    END LOOP;
  END LOOP;
END $do$;
)SQL";
}

}  // namespace litelift::compat::server
