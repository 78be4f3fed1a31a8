#include "libsqlite3-compat/server/printf.h"

namespace litelift::compat::server {

namespace {

// A long double (x87, 64-bit significand: SQLite's LONGDOUBLE_TYPE on x86-64) is held exactly
// as n * 2^e, n a numeric integer with 2^63 <= n < 2^64, or n = 0. Helpers pass one value
// packed into a numeric: n * 100000 + e + 50000 (0 is 50000). A double is packed the same way
// (53 significant bits, shifted to 64) with its sign: negative when the double is; 1 and -1
// are the infinities. Constants below are doubles SQLite's printf.c and util.c use (1e100,
// 1e10, 10, 1e8, 1e-8, 0.1, 3e-16, 1e-10, 1e308, its arRound[] table) and the long double
// powers of ten sqlite3Pow10 squares (10^(2^i)), in that form. Built-ins are
// schema-qualified because litelift comes first on search_path.
constexpr const char* kSql = R"SQL(
-- Arguments with their storage class: 'i' || integer, 'r' || the double's 16 hex digits,
-- 't' || text; NULL (and NaN, which SQLite stores as NULL) stays NULL.
CREATE OR REPLACE FUNCTION litelift.pf(bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT 'i' || $1::text $f$;
CREATE OR REPLACE FUNCTION litelift.pf(integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT 'i' || $1::text $f$;
CREATE OR REPLACE FUNCTION litelift.pf(smallint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT 'i' || $1::text $f$;
CREATE OR REPLACE FUNCTION litelift.pf(boolean) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN $1 THEN 'i1' WHEN NOT $1 THEN 'i0' END $f$;
CREATE OR REPLACE FUNCTION litelift.pf(double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN $1 <> 'NaN'::float8
    THEN 'r' || pg_catalog.encode(pg_catalog.float8send($1), 'hex') END $f$;
CREATE OR REPLACE FUNCTION litelift.pf(numeric) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN pg_catalog.scale($1) = 0 AND $1 >= -9223372036854775808
      AND $1 <= 9223372036854775807 THEN 'i' || $1::text
    ELSE litelift.pf($1::float8) END $f$;
CREATE OR REPLACE FUNCTION litelift.pf(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT 't' || $1 $f$;
CREATE OR REPLACE FUNCTION litelift.pf(bytea) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT 't' || pg_catalog.convert_from(CASE WHEN pg_catalog.position($1, '\x00'::bytea) > 0
    THEN pg_catalog.substr($1, 1, pg_catalog.position($1, '\x00'::bytea) - 1) ELSE $1 END,
    'UTF8') $f$;

-- 2^k, k >= 0, as an exact numeric.
CREATE OR REPLACE FUNCTION litelift._pf_p2(k int) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE WHEN k < 63 THEN (1::bigint << k)::numeric
    WHEN k < 125 THEN (1::bigint << (k - 62))::numeric * 4611686018427387904
    WHEN k < 187 THEN (1::bigint << (k - 124))::numeric * 21267647932558653966460912964485513216
    ELSE pg_catalog.trunc(2::numeric ^ k) END $f$;

-- The number of bits of a positive integer.
CREATE OR REPLACE FUNCTION litelift._pf_bitlen(n numeric) RETURNS int
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  b int;
BEGIN
  IF n < 9223372036854775808 THEN
    b := pg_catalog.floor(pg_catalog.ln(n::bigint::float8) * 1.4426950408889634)::int + 1;
  ELSIF n < 1e300 THEN
    b := pg_catalog.floor(pg_catalog.ln(n::float8) * 1.4426950408889634)::int + 1;
  ELSE
    b := pg_catalog.floor((pg_catalog.length(pg_catalog.trunc(n)::text) - 1) * 3.3219280948)::int;
  END IF;
  WHILE b > 0 AND n < litelift._pf_p2(b - 1) LOOP b := b - 1; END LOOP;
  WHILE n >= litelift._pf_p2(b) LOOP b := b + 1; END LOOP;
  RETURN b;
END $f$;

-- n * 2^e (n >= 0 an integer of any size; sticky: nonzero bits were cut below n) rounded to
-- prec bits, ties to even, no finer than 2^emin (NULL: no limit), packed. hint: n has hint or
-- hint + 1 bits (NULL: unknown).
CREATE OR REPLACE FUNCTION litelift._pf_rnd(n numeric, e int, prec int, emin int,
                                            sticky boolean, hint int)
RETURNS numeric LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  bl int;
  sh int;
  p numeric;
  q numeric;
  r numeric;
BEGIN
  IF n = 0 THEN RETURN 50000; END IF;
  IF hint IS NULL THEN
    bl := litelift._pf_bitlen(n);
  ELSIF n >= litelift._pf_p2(hint) THEN
    bl := hint + 1;
  ELSE
    bl := hint;
  END IF;
  sh := bl - prec;
  IF emin IS NOT NULL AND e + sh < emin THEN sh := emin - e; END IF;
  IF sh > 0 THEN
    p := litelift._pf_p2(sh);
    q := pg_catalog.div(n, p);
    r := n - q * p;
    p := pg_catalog.div(p, 2);
    IF r > p OR (r = p AND (sticky OR pg_catalog.mod(q, 2) = 1)) THEN q := q + 1; END IF;
    IF q = 0 THEN RETURN 50000; END IF;
    n := q;
    e := e + sh;
    bl := bl - sh;
    IF bl <= 0 THEN
      bl := 1;
    ELSIF n >= litelift._pf_p2(bl) THEN
      bl := bl + 1;
    END IF;
  END IF;
  IF bl < 64 THEN
    n := n * litelift._pf_p2(64 - bl);
    e := e - (64 - bl);
  END IF;
  RETURN n * 100000 + e + 50000;
END $f$;

-- Products, quotients and sums of normalized values, rounded to prec bits (64: a long
-- double; 53 with emin -1074: a double), packed.
CREATE OR REPLACE FUNCTION litelift._pf_mul(an numeric, ae int, bn numeric, be int, prec int,
                                            emin int)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._pf_rnd(an * bn, ae + be, prec, emin, false, 127) $f$;
CREATE OR REPLACE FUNCTION litelift._pf_div(an numeric, ae int, bn numeric, be int, prec int,
                                            emin int)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT litelift._pf_rnd(pg_catalog.div(an * 73786976294838206464, bn), ae - be - 66, prec,
                          emin, pg_catalog.mod(an * 73786976294838206464, bn) <> 0, 66) $f$;
CREATE OR REPLACE FUNCTION litelift._pf_add(an numeric, ae int, bn numeric, be int)
RETURNS numeric LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
BEGIN
  IF an = 0 THEN RETURN bn * 100000 + be + 50000; END IF;
  IF bn = 0 THEN RETURN an * 100000 + ae + 50000; END IF;
  IF ae < be THEN RETURN litelift._pf_add(bn, be, an, ae); END IF;
  IF ae - be > 70 THEN RETURN an * 100000 + ae + 50000; END IF;  -- below half an ulp
  RETURN litelift._pf_rnd(an * litelift._pf_p2(ae - be) + bn, be, 64, NULL, false,
                          64 + ae - be);
END $f$;

-- sqlite3AtoF (util.c): the double a text's leading number reads as, packed. At most 19
-- significant digits count; the power of ten is a long double; the result is rounded to a
-- double from there (and divided or multiplied by 1e308 as a double beyond 10^307).
CREATE OR REPLACE FUNCTION litelift._pf_atof(z text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  xn CONSTANT numeric[] := '{11529215046068469760,14411518807585587200,11258999068426240000,
    13743895347200000000,10240000000000000000,11368683772161602974,14012984643248170709,
    10644899600020376799,12285516299433008780}';
  xe CONSTANT int[] := '{-60,-57,-50,-37,-10,43,149,362,787}';
  m text[];
  intd text;
  comb text;
  sig text;
  nc int;
  s bigint;
  e int;
  esign int;
  neg boolean;
  pk numeric;
  rn numeric;
  re int;
  sn numeric := 9223372036854775808;
  se int := -63;
  i int := 1;
  k int;
BEGIN
  m := pg_catalog.regexp_match(z,
    '^[ \t\n\v\f\r]*([-+]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([-+]?)([0-9]*))?');
  neg := m[1] = '-';
  intd := pg_catalog.ltrim(m[2], '0');
  comb := intd || coalesce(m[3], '');
  sig := pg_catalog.ltrim(comb, '0');
  IF sig = '' THEN RETURN 50000; END IF;
  -- digits are taken while the significand is below (2^63 - 10) / 10
  IF pg_catalog.length(sig) >= 18 AND pg_catalog.left(sig, 18)::bigint >= 922337203685477579
  THEN
    nc := 18;
  ELSE
    nc := least(pg_catalog.length(sig), 19);
  END IF;
  s := pg_catalog.left(sig, nc)::bigint;
  -- the exponent: as written (more than 5 digits: 10000), less the digits taken after the
  -- point, plus the digits left out before it
  m[5] := pg_catalog.ltrim(coalesce(m[5], ''), '0');
  IF pg_catalog.length(m[5]) > 5 THEN
    e := 10000;
  ELSE
    e := coalesce(nullif(m[5], '')::int, 0);
  END IF;
  IF m[4] = '-' THEN e := -e; END IF;
  e := e + pg_catalog.length(intd) - (pg_catalog.length(comb) - pg_catalog.length(sig) + nc);
  IF e < 0 THEN esign := -1; e := -e; ELSE esign := 1; END IF;
  WHILE e > 0 LOOP
    IF esign > 0 THEN
      EXIT WHEN s >= 922337203685477580;
      s := s * 10;
    ELSE
      EXIT WHEN s % 10 <> 0;
      s := s / 10;
    END IF;
    e := e - 1;
  END LOOP;
  IF e = 0 THEN
    pk := litelift._pf_rnd(s, 0, 53, -1074, false, NULL);
  ELSIF e >= 342 THEN
    IF esign < 0 THEN RETURN 50000; END IF;
    RETURN CASE WHEN neg THEN -1 ELSE 1 END;
  ELSE
    -- sqlite3Pow10(e), or of e - 308 beyond 10^307
    k := CASE WHEN e > 307 THEN e - 308 ELSE e END;
    WHILE k > 0 LOOP
      IF k % 2 = 1 THEN
        pk := litelift._pf_mul(sn, se, xn[i], xe[i], 64, NULL);
        sn := pg_catalog.div(pk, 100000);
        se := pg_catalog.mod(pk, 100000)::int - 50000;
      END IF;
      k := k / 2;
      i := i + 1;
    END LOOP;
    pk := litelift._pf_rnd(s, 0, 64, NULL, false, NULL);
    rn := pg_catalog.div(pk, 100000);
    re := pg_catalog.mod(pk, 100000)::int - 50000;
    IF esign < 0 THEN
      pk := litelift._pf_div(rn, re, sn, se, 64, NULL);
    ELSE
      pk := litelift._pf_mul(rn, re, sn, se, 64, NULL);
    END IF;
    rn := pg_catalog.div(pk, 100000);
    re := pg_catalog.mod(pk, 100000)::int - 50000;
    pk := litelift._pf_rnd(rn, re, 53, -1074, false, 64);  -- to a double
    rn := pg_catalog.div(pk, 100000);
    re := pg_catalog.mod(pk, 100000)::int - 50000;
    IF rn > 0 AND re + 63 >= 1024 THEN RETURN CASE WHEN neg THEN -1 ELSE 1 END; END IF;
    IF e > 307 THEN
      IF esign < 0 THEN
        pk := litelift._pf_div(rn, re, 10261342003245940736, 960, 53, -1074);
      ELSE
        pk := litelift._pf_mul(rn, re, 10261342003245940736, 960, 53, -1074);
      END IF;
      rn := pg_catalog.div(pk, 100000);
      re := pg_catalog.mod(pk, 100000)::int - 50000;
      IF rn > 0 AND re + 63 >= 1024 THEN RETURN CASE WHEN neg THEN -1 ELSE 1 END; END IF;
    END IF;
  END IF;
  RETURN CASE WHEN neg AND pk <> 50000 THEN -pk ELSE pk END;
END $f$;

-- One %f %e %E %g %G field of a packed double, as printf.c (3.40) makes it: the rounder
-- added, the value scaled to [1, 10) and its digits taken by et_getdigit, all in long double
-- arithmetic; zero padding applied, the width left to the caller. NULL: over SQLite's length
-- limit.
CREATE OR REPLACE FUNCTION litelift._pf_float(val numeric, conv text, prec int, width int,
    f_minus boolean, f_prefix text, f_alt boolean, f_alt2 boolean, f_zero boolean)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  t62 CONSTANT numeric := 4611686018427387904;
  t63 CONSTANT numeric := 9223372036854775808;
  t64 CONSTANT numeric := 18446744073709551616;
  t127 CONSTANT numeric := 170141183460469231731687303715884105728;
  vn numeric;
  ve int;
  prefix text;
  xt text;
  rtz boolean;
  idx int;
  rn numeric;
  re int;
  pk numeric;
  ex int := 0;
  exd int;
  sn numeric;
  se int;
  cn numeric;
  ce int;
  inc int;
  pe int;
  q numeric;
  r numeric;
  phase int;
  sh int;
  e2 int;
  nsd int;
  total int;
  dp boolean;
  f int;
  v numeric;
  pf numeric;
  d int;
  digits text := '';
  buf text;
BEGIN
  IF prec < 0 THEN prec := 6; ELSIF prec > 100000000 THEN prec := 100000000; END IF;
  prefix := CASE WHEN val < 0 THEN '-' ELSE f_prefix END;
  IF pg_catalog.abs(val) = 1 THEN RETURN prefix || 'Inf'; END IF;
  vn := pg_catalog.div(pg_catalog.abs(val), 100000);
  ve := pg_catalog.mod(pg_catalog.abs(val), 100000)::int - 50000;
  xt := CASE conv WHEN 'f' THEN 'f' WHEN 'e' THEN 'e' WHEN 'E' THEN 'e' ELSE 'g' END;
  IF xt = 'g' AND prec > 0 THEN prec := prec - 1; END IF;
  -- the rounder, a double: arRound[idx % 10] times 1e-10 per ten
  idx := prec & 4095;
  rn := ('{9223372036854775808,14757395258967642112,11805916207174113280,9444732965739290624,
    15111572745182865408,12089258196146292736,9671406556917032960,15474250491067252736,
    12379400392853803008,9903520314283042816}'::numeric[])[idx % 10 + 1];
  re := ('{-64,-68,-71,-74,-78,-81,-84,-88,-91,-94}'::int[])[idx % 10 + 1];
  WHILE idx >= 10 AND rn > 0 LOOP
    pk := litelift._pf_mul(rn, re, 15845632502852868096, -97, 53, -1074);
    rn := pg_catalog.div(pk, 100000);
    re := pg_catalog.mod(pk, 100000)::int - 50000;
    idx := idx - 10;
  END LOOP;
  IF xt = 'f' THEN
    -- rounder += value * 3e-16 when precision + (binary exponent) / 3 < 15
    IF vn = 0 OR ve < -1085 THEN exd := -1023; ELSE exd := ve + 63; END IF;
    IF prec + exd / 3 < 15 THEN
      pk := litelift._pf_mul(vn, ve, 12461512460483586048, -115, 64, NULL);
      pk := litelift._pf_add(rn, re, pg_catalog.div(pk, 100000),
                             pg_catalog.mod(pk, 100000)::int - 50000);
      pk := litelift._pf_rnd(pg_catalog.div(pk, 100000),
                             pg_catalog.mod(pk, 100000)::int - 50000, 53, -1074, false, 64);
      rn := pg_catalog.div(pk, 100000);
      re := pg_catalog.mod(pk, 100000)::int - 50000;
    END IF;
    pk := litelift._pf_add(vn, ve, rn, re);
    vn := pg_catalog.div(pk, 100000);
    ve := pg_catalog.mod(pk, 100000)::int - 50000;
  END IF;
  IF vn > 0 THEN
    -- scale: multiplied by 1e100, then 1e10, then 10 while the value reaches it
    sn := t63;
    se := -63;
    FOR i IN 1..3 LOOP
      IF i = 1 THEN
        cn := 10542197943230523392; ce := 269; inc := 100;
      ELSIF i = 2 THEN
        cn := 10737418240000000000; ce := -30; inc := 10;
      ELSE
        cn := 11529215046068469760; ce := -60; inc := 1;
      END IF;
      LOOP
        EXIT WHEN ex > 350;
        q := cn * sn;
        IF q >= t127 THEN
          r := pg_catalog.mod(q, t64);
          q := pg_catalog.div(q, t64);
          pe := se + ce + 64;
          IF r > t63 OR (r = t63 AND pg_catalog.mod(q, 2) = 1) THEN q := q + 1; END IF;
        ELSE
          r := pg_catalog.mod(q, t63);
          q := pg_catalog.div(q, t63);
          pe := se + ce + 63;
          IF r > t62 OR (r = t62 AND pg_catalog.mod(q, 2) = 1) THEN q := q + 1; END IF;
        END IF;
        IF q = t64 THEN q := t63; pe := pe + 1; END IF;
        EXIT WHEN ve < pe OR (ve = pe AND vn < q);
        sn := q;
        se := pe;
        ex := ex + inc;
      END LOOP;
    END LOOP;
    IF ex > 0 THEN
      pk := litelift._pf_div(vn, ve, sn, se, 64, NULL);
      vn := pg_catalog.div(pk, 100000);
      ve := pg_catalog.mod(pk, 100000)::int - 50000;
    END IF;
    -- then times 1e8 while below 1e-8, times 10 while below 1
    phase := 1;
    LOOP
      IF phase = 1 THEN
        IF ve < -90 OR (ve = -90 AND vn < 12379400392853803008) THEN
          cn := 13743895347200000000; ce := -37; ex := ex - 8;
        ELSE
          phase := 2;
          CONTINUE;
        END IF;
      ELSE
        EXIT WHEN ve >= -63;
        cn := 11529215046068469760; ce := -60; ex := ex - 1;
      END IF;
      q := cn * vn;
      IF q >= t127 THEN
        r := pg_catalog.mod(q, t64);
        q := pg_catalog.div(q, t64);
        ve := ve + ce + 64;
        IF r > t63 OR (r = t63 AND pg_catalog.mod(q, 2) = 1) THEN q := q + 1; END IF;
      ELSE
        r := pg_catalog.mod(q, t63);
        q := pg_catalog.div(q, t63);
        ve := ve + ce + 63;
        IF r > t62 OR (r = t62 AND pg_catalog.mod(q, 2) = 1) THEN q := q + 1; END IF;
      END IF;
      IF q = t64 THEN q := t63; ve := ve + 1; END IF;
      vn := q;
    END LOOP;
  END IF;
  IF xt <> 'f' THEN
    pk := litelift._pf_add(vn, ve, rn, re);
    vn := pg_catalog.div(pk, 100000);
    ve := pg_catalog.mod(pk, 100000)::int - 50000;
    IF vn > 0 AND (ve > -60 OR (ve = -60 AND vn >= 11529215046068469760)) THEN
      pk := litelift._pf_mul(vn, ve, 14757395258967642112, -67, 64, NULL);  -- times 0.1
      vn := pg_catalog.div(pk, 100000);
      ve := pg_catalog.mod(pk, 100000)::int - 50000;
      ex := ex + 1;
    END IF;
  END IF;
  IF xt = 'g' THEN
    rtz := NOT f_alt;
    IF ex < -4 OR ex > prec THEN
      xt := 'e';
    ELSE
      prec := prec - ex;
      xt := 'f';
    END IF;
  ELSE
    rtz := f_alt2;
  END IF;
  e2 := CASE WHEN xt = 'e' THEN 0 ELSE ex END;
  nsd := CASE WHEN f_alt2 THEN 26 ELSE 16 END;
  dp := prec > 0 OR f_alt OR f_alt2;
  IF greatest(e2, 0) + prec::bigint + width + 15 > 1000000000 THEN RETURN NULL; END IF;
  -- digits: the integer ones, then those after the leading zeros of the fraction
  total := CASE WHEN e2 >= 0 THEN e2 + 1 ELSE 0 END
           + greatest(prec - CASE WHEN e2 < -1 THEN -e2 - 1 ELSE 0 END, 0);
  IF vn > 0 THEN
    -- et_getdigit: the value is v / 2^f; each digit leaves the rest times 10, rounded to
    -- 64 bits; past nsd digits they are '0' (and a 10 is ':')
    f := greatest(66, -ve);
    v := vn * litelift._pf_p2(ve + f);
    pf := litelift._pf_p2(f);
    FOR i IN 1..least(nsd, total) LOOP
      q := pg_catalog.div(v, pf);
      d := q::int;
      v := (v - q * pf) * 10;
      IF v >= t64 THEN
        IF f = 66 THEN
          sh := CASE WHEN v >= 590295810358705651712 THEN 6
                     WHEN v >= 295147905179352825856 THEN 5
                     WHEN v >= 147573952589676412928 THEN 4
                     WHEN v >= 73786976294838206464 THEN 3
                     WHEN v >= 36893488147419103232 THEN 2 ELSE 1 END;
        ELSE
          sh := litelift._pf_bitlen(v) - 64;
        END IF;
        pk := litelift._pf_p2(sh);
        q := pg_catalog.div(v, pk);
        r := v - q * pk;
        pk := pg_catalog.div(pk, 2);
        IF r > pk OR (r = pk AND pg_catalog.mod(q, 2) = 1) THEN q := q + 1; END IF;
        v := q * pk * 2;
      END IF;
      digits := digits || pg_catalog.chr(48 + d);
    END LOOP;
  END IF;
  IF rtz AND dp THEN
    -- zeros after the last digit would be trimmed: leave them out
    total := least(total, greatest(pg_catalog.length(digits),
                                   CASE WHEN e2 >= 0 THEN e2 + 1 ELSE 0 END));
    prec := least(prec, total + CASE WHEN e2 < -1 THEN -e2 - 1 ELSE 0 END);
  END IF;
  IF pg_catalog.length(digits) < total THEN
    digits := digits || pg_catalog.repeat('0', total - pg_catalog.length(digits));
  END IF;
  IF e2 < 0 THEN
    buf := prefix || '0';
    f := 1;
  ELSE
    buf := prefix || pg_catalog.left(digits, e2 + 1);
    f := e2 + 2;
  END IF;
  IF dp THEN buf := buf || '.'; END IF;
  IF e2 < -1 THEN
    buf := buf || pg_catalog.repeat('0', -e2 - 1);
    prec := prec - (-e2 - 1);
  END IF;
  IF prec > 0 THEN buf := buf || pg_catalog.substr(digits, f, prec); END IF;
  IF rtz AND dp THEN
    buf := pg_catalog.rtrim(buf, '0');
    IF pg_catalog.right(buf, 1) = '.' THEN
      IF f_alt2 THEN buf := buf || '0'; ELSE buf := pg_catalog.left(buf, -1); END IF;
    END IF;
  END IF;
  IF xt = 'e' THEN
    buf := buf || CASE WHEN conv IN ('e', 'g') THEN 'e' ELSE 'E' END
           || CASE WHEN ex < 0 THEN '-' ELSE '+' END;
    ex := pg_catalog.abs(ex);
    IF ex >= 100 THEN
      buf := buf || (ex / 100)::text;
      ex := ex % 100;
    END IF;
    buf := buf || (ex / 10)::text || (ex % 10)::text;
  END IF;
  IF f_zero AND NOT f_minus AND pg_catalog.length(buf) < width THEN
    f := CASE WHEN prefix <> '' THEN 1 ELSE 0 END;
    buf := pg_catalog.left(buf, f) || pg_catalog.repeat('0', width - pg_catalog.length(buf))
           || pg_catalog.substr(buf, f + 1);
  END IF;
  RETURN buf;
END $f$;

-- A double's 16 hex digits (as litelift.pf writes them), packed.
CREATE OR REPLACE FUNCTION litelift._pf_bits(h text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  b bigint := ('x' || h)::bit(64)::bigint;
  ef int := ((b >> 52) & 2047)::int;
  m bigint := b & 4503599627370495;
  pk numeric;
BEGIN
  IF ef = 2047 THEN
    pk := 1;
  ELSIF ef = 0 THEN
    pk := litelift._pf_rnd(m, -1074, 64, NULL, false, NULL);
  ELSE
    pk := (m + 4503599627370496)::numeric * 204800000 + (ef - 1086 + 50000);
  END IF;
  RETURN CASE WHEN b < 0 AND pk <> 50000 THEN -pk ELSE pk END;
END $f$;

-- sqlite3_value_double of an encoded argument (NULL: a NULL or missing one), packed.
CREATE OR REPLACE FUNCTION litelift._pf_double(a text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  v bigint;
  pk numeric;
BEGIN
  IF a IS NULL THEN RETURN 50000; END IF;
  CASE pg_catalog.left(a, 1)
    WHEN 'r' THEN
      RETURN litelift._pf_bits(pg_catalog.substr(a, 2));
    WHEN 'i' THEN
      v := pg_catalog.substr(a, 2)::bigint;
      pk := litelift._pf_rnd(pg_catalog.abs(v::numeric), 0, 53, NULL, false, NULL);
      RETURN CASE WHEN v < 0 THEN -pk ELSE pk END;
    ELSE
      RETURN litelift._pf_atof(pg_catalog.substr(a, 2));
  END CASE;
END $f$;

-- sqlite3_value_int64: reals truncated and held to 64 bits (doubleToInt64), text by its
-- leading integer, held to 64 bits (sqlite3Atoi64).
CREATE OR REPLACE FUNCTION litelift._pf_int(a text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
DECLARE
  pk numeric;
  n numeric;
  e int;
  t numeric;
BEGIN
  IF a IS NULL THEN RETURN 0; END IF;
  CASE pg_catalog.left(a, 1)
    WHEN 'i' THEN
      RETURN pg_catalog.substr(a, 2)::bigint;
    WHEN 'r' THEN
      pk := litelift._pf_bits(pg_catalog.substr(a, 2));
      n := pg_catalog.div(pg_catalog.abs(pk), 100000);
      e := pg_catalog.mod(pg_catalog.abs(pk), 100000)::int - 50000;
      IF pg_catalog.abs(pk) = 1 OR (n > 0 AND e >= 0) THEN
        t := 9223372036854775808;
      ELSIF n = 0 OR e < -64 THEN
        t := 0;
      ELSE
        t := pg_catalog.div(n, litelift._pf_p2(-e));
      END IF;
      IF pk < 0 THEN RETURN greatest(-t, -9223372036854775808)::bigint; END IF;
      RETURN least(t, 9223372036854775807)::bigint;
    ELSE
      t := coalesce(pg_catalog.substring(pg_catalog.substr(a, 2),
                                         '^[ \t\n\v\f\r]*([-+]?[0-9]+)')::numeric, 0);
      RETURN greatest(least(t, 9223372036854775807), -9223372036854775808)::bigint;
  END CASE;
END $f$;

-- sqlite3_value_text: NULL stays NULL, reals are "%!.15g".
CREATE OR REPLACE FUNCTION litelift._pf_text(a text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
BEGIN
  IF a IS NULL OR pg_catalog.left(a, 1) <> 'r' THEN RETURN pg_catalog.substr(a, 2); END IF;
  RETURN litelift._pf_float(litelift._pf_bits(pg_catalog.substr(a, 2)), 'g', 15, 0, false, '',
                            false, true, false);
END $f$;

-- The first n bytes of s, less a character the limit cuts (SQLite keeps its first bytes,
-- which text cannot hold).
CREATE OR REPLACE FUNCTION litelift._pf_bytes(s text, n int) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  b bytea;
  i int;
  lead int;
BEGIN
  IF pg_catalog.octet_length(s) <= n THEN RETURN s; END IF;
  IF pg_catalog.octet_length(s) = pg_catalog.char_length(s) THEN
    RETURN pg_catalog.left(s, n);
  END IF;
  b := pg_catalog.substr(pg_catalog.convert_to(s, 'UTF8'), 1, n);
  i := n;
  WHILE i > 0 AND (pg_catalog.get_byte(b, i - 1) & 192) = 128 LOOP i := i - 1; END LOOP;
  IF i > 0 THEN
    lead := pg_catalog.get_byte(b, i - 1);
    IF i - 1 + (CASE WHEN lead < 128 THEN 1 WHEN lead >= 240 THEN 4 WHEN lead >= 224 THEN 3
                ELSE 2 END) > n THEN
      b := pg_catalog.substr(b, 1, i - 1);
    END IF;
  END IF;
  RETURN pg_catalog.convert_from(b, 'UTF8');
END $f$;

-- printf(FORMAT, ...), sqlite3_str_vappendf with SQLITE_PRINTF_SQLFUNC: the format split at
-- '%', each part a conversion specification and the literal text after it.
CREATE OR REPLACE FUNCTION litelift.printf(fmt text, VARIADIC args text[])
RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  parts text[];
  np int;
  k int := 2;
  p text;
  pos int;
  c text;
  ch int;
  rest text;
  res text;
  started boolean;  -- SQLite's result is NULL until something is appended
  lit_next boolean := false;
  nargs int := coalesce(pg_catalog.array_length(args, 1), 0);
  used int := 0;
  f_minus boolean;
  f_prefix text;
  f_alt boolean;
  f_alt2 boolean;
  f_zero boolean;
  f_comma boolean;
  width int;
  prec int;
  wx bigint;
  v bigint;
  sign text;
  body text;
  blen int;
  pad int;
  s text;
  n int;
  i int;
  q text;
BEGIN
  IF pg_catalog.strpos(fmt, '%') = 0 THEN RETURN nullif(fmt, ''); END IF;
  parts := pg_catalog.string_to_array(fmt, '%');
  np := pg_catalog.array_length(parts, 1);
  res := parts[1];
  started := res <> '';
  WHILE k <= np LOOP
    p := parts[k];
    k := k + 1;
    IF lit_next THEN
      -- the text after a conversion whose character was this part's '%'
      IF p <> '' THEN res := res || p; started := true; END IF;
      lit_next := false;
      CONTINUE;
    END IF;
    IF p = '' THEN
      -- '%%', or a '%' that ends the format
      res := res || '%';
      started := true;
      lit_next := true;
      CONTINUE;
    END IF;
    f_minus := false;
    f_prefix := '';
    f_alt := false;
    f_alt2 := false;
    f_zero := false;
    f_comma := false;
    width := 0;
    prec := -1;
    pos := 1;
    c := pg_catalog.substr(p, 1, 1);
    WHILE c IN ('-', '+', ' ', '#', '!', '0', ',') LOOP
      CASE c
        WHEN '-' THEN f_minus := true;
        WHEN '+' THEN f_prefix := '+';
        WHEN ' ' THEN f_prefix := ' ';
        WHEN '#' THEN f_alt := true;
        WHEN '!' THEN f_alt2 := true;
        WHEN '0' THEN f_zero := true;
        ELSE f_comma := true;
      END CASE;
      pos := pos + 1;
      c := pg_catalog.substr(p, pos, 1);
    END LOOP;
    -- width: digits (an unsigned 32-bit value, its top bit dropped) or '*' (an argument
    -- taken as a C int, negative: left-justified)
    ch := pg_catalog.ascii(c);
    IF ch BETWEEN 49 AND 57 THEN
      wx := 0;
      WHILE ch BETWEEN 48 AND 57 LOOP
        wx := (wx * 10 + ch - 48) & 4294967295;
        pos := pos + 1;
        c := pg_catalog.substr(p, pos, 1);
        ch := pg_catalog.ascii(c);
      END LOOP;
      width := (wx & 2147483647)::int;
    ELSIF c = '*' THEN
      v := 0;
      IF used < nargs THEN used := used + 1; v := litelift._pf_int(args[used]); END IF;
      v := v & 4294967295;
      IF v >= 2147483648 THEN v := v - 4294967296; END IF;
      IF v < 0 THEN
        f_minus := true;
        width := CASE WHEN v >= -2147483647 THEN -v ELSE 0 END;
      ELSE
        width := v;
      END IF;
      pos := pos + 1;
      c := pg_catalog.substr(p, pos, 1);
    END IF;
    IF c = '.' THEN
      pos := pos + 1;
      c := pg_catalog.substr(p, pos, 1);
      IF c = '*' THEN
        v := 0;
        IF used < nargs THEN used := used + 1; v := litelift._pf_int(args[used]); END IF;
        v := v & 4294967295;
        IF v >= 2147483648 THEN v := v - 4294967296; END IF;
        IF v < 0 THEN
          prec := CASE WHEN v >= -2147483647 THEN -v ELSE -1 END;
        ELSE
          prec := v;
        END IF;
        pos := pos + 1;
        c := pg_catalog.substr(p, pos, 1);
      ELSE
        wx := 0;
        ch := pg_catalog.ascii(c);
        WHILE ch BETWEEN 48 AND 57 LOOP
          wx := (wx * 10 + ch - 48) & 4294967295;
          pos := pos + 1;
          c := pg_catalog.substr(p, pos, 1);
          ch := pg_catalog.ascii(c);
        END LOOP;
        prec := (wx & 2147483647)::int;
      END IF;
    END IF;
    IF c = 'l' THEN
      pos := pos + 1;
      c := pg_catalog.substr(p, pos, 1);
      IF c = 'l' THEN
        pos := pos + 1;
        c := pg_catalog.substr(p, pos, 1);
      END IF;
    END IF;
    IF c = '' THEN
      -- the conversion character is the '%' after this part; none: the format ends
      IF k > np THEN RETURN CASE WHEN started THEN res END; END IF;
      c := '%';
      rest := '';
      lit_next := true;
    ELSE
      rest := pg_catalog.substr(p, pos + 1);
    END IF;
    CASE
      WHEN c IN ('d', 'i', 'u', 'x', 'X', 'o', 'p', 'r') THEN
        v := 0;
        IF used < nargs THEN used := used + 1; v := litelift._pf_int(args[used]); END IF;
        IF c IN ('d', 'i', 'r') THEN
          IF v < 0 THEN
            sign := '-';
            body := CASE WHEN v = -9223372036854775808 THEN '9223372036854775808'
                    ELSE (-v)::text END;
          ELSE
            sign := f_prefix;
            body := v::text;
          END IF;
        ELSE
          -- unsigned: the 64 bits of the integer
          sign := '';
          IF c = 'u' THEN
            body := CASE WHEN v < 0 THEN (v::numeric + 18446744073709551616)::text
                    ELSE v::text END;
          ELSIF c = 'o' THEN
            body := '';
            IF v < 0 THEN
              body := (v & 7)::text;
              v := (v >> 3) & 2305843009213693951;
            END IF;
            LOOP
              body := (v & 7)::text || body;
              v := v >> 3;
              EXIT WHEN v = 0;
            END LOOP;
          ELSIF c = 'x' THEN
            body := pg_catalog.to_hex(v);
          ELSE
            body := pg_catalog.upper(pg_catalog.to_hex(v));
          END IF;
          f_comma := f_comma AND c = 'u';
        END IF;
        IF body = '0' THEN f_alt := false; END IF;
        IF f_zero AND prec < width - (sign <> '')::int THEN
          prec := width - (sign <> '')::int;
        END IF;
        IF prec::bigint + 10 + (CASE WHEN f_comma THEN prec / 3 ELSE 0 END) > 1000000000 THEN
          RETURN NULL;  -- SQLite: "string or blob too big", a NULL result
        END IF;
        IF c = 'r' THEN
          f_comma := false;
          n := pg_catalog.right(body, 1)::int;
          IF n >= 4 OR pg_catalog.substr(body, pg_catalog.length(body) - 1, 1) = '1' THEN
            n := 0;
          END IF;
          body := body || (ARRAY['th', 'st', 'nd', 'rd'])[n + 1];
        END IF;
        n := pg_catalog.length(body);
        IF prec > n THEN
          body := pg_catalog.repeat('0', prec - n) || body;
          n := prec;
        END IF;
        IF f_comma AND n > 3 THEN
          i := (n - 1) % 3 + 1;
          s := pg_catalog.left(body, i);
          WHILE i < n LOOP
            s := s || ',' || pg_catalog.substr(body, i + 1, 3);
            i := i + 3;
          END LOOP;
          body := s;
        END IF;
        body := sign || body;
        IF f_alt THEN
          body := CASE c WHEN 'o' THEN '0' WHEN 'x' THEN '0x' WHEN 'X' THEN '0X'
                  WHEN 'p' THEN '0x' ELSE '' END || body;
        END IF;
        pad := width - pg_catalog.length(body);
      WHEN c IN ('f', 'e', 'E', 'g', 'G') THEN
        IF used < nargs THEN
          used := used + 1;
          body := litelift._pf_float(litelift._pf_double(args[used]), c, prec, width, f_minus,
                                     f_prefix, f_alt, f_alt2, f_zero);
        ELSE
          body := litelift._pf_float(50000, c, prec, width, f_minus, f_prefix, f_alt, f_alt2,
                                     f_zero);
        END IF;
        pad := width - pg_catalog.length(body);
      WHEN c IN ('s', 'z') THEN
        body := NULL;
        IF used < nargs THEN used := used + 1; body := litelift._pf_text(args[used]); END IF;
        body := coalesce(body, '');
        blen := NULL;
        IF prec >= 0 THEN
          -- a precision counts bytes, characters with '!'
          IF f_alt2 THEN
            body := pg_catalog.left(body, prec);
          ELSIF pg_catalog.octet_length(body) > prec THEN
            body := litelift._pf_bytes(body, prec);
            blen := prec;
          END IF;
        END IF;
        -- so does the width
        IF f_alt2 AND width > 0 THEN
          pad := width - pg_catalog.char_length(body);
        ELSE
          pad := width - coalesce(blen, pg_catalog.octet_length(body));
        END IF;
      WHEN c = 'c' THEN
        -- the first character, precision times; the NUL of a NULL or empty argument is
        -- left out; the width counts characters
        body := NULL;
        IF used < nargs THEN used := used + 1; body := litelift._pf_text(args[used]); END IF;
        body := coalesce(pg_catalog.left(body, 1), '');
        n := greatest(prec, 1);
        IF pg_catalog.octet_length(res) + n::bigint * greatest(pg_catalog.octet_length(body), 1)
           + greatest(width - n, 0) >= 1000000000 THEN
          RETURN NULL;
        END IF;
        body := pg_catalog.repeat(body, n);
        pad := width - n;
      WHEN c IN ('q', 'Q', 'w') THEN
        s := NULL;
        IF used < nargs THEN used := used + 1; s := litelift._pf_text(args[used]); END IF;
        body := coalesce(s, CASE WHEN c = 'Q' THEN 'NULL' ELSE '(NULL)' END);
        blen := 0;  -- bytes of a cut character
        IF prec >= 0 THEN
          IF f_alt2 THEN
            body := pg_catalog.left(body, prec);
          ELSIF pg_catalog.octet_length(body) > prec THEN
            body := litelift._pf_bytes(body, prec);
            blen := prec - pg_catalog.octet_length(body);
          END IF;
        END IF;
        q := CASE WHEN c = 'w' THEN '"' ELSE '''' END;
        body := pg_catalog.replace(body, q, q || q);
        IF s IS NOT NULL AND c = 'Q' THEN body := q || body || q; END IF;
        IF f_alt2 AND width > 0 THEN
          pad := width - pg_catalog.char_length(body);
        ELSE
          pad := width - pg_catalog.octet_length(body) - blen;
        END IF;
      WHEN c = '%' THEN
        body := '%';
        pad := width - 1;
      WHEN c = 'n' THEN
        body := '';
        pad := 0;
      ELSE
        -- an unknown conversion (or SQLite's internal %T, %S) ends the output
        RETURN CASE WHEN started THEN res END;
    END CASE;
    IF body IS NULL OR pg_catalog.octet_length(res) + greatest(pad, 0)::bigint
                       + pg_catalog.octet_length(body) >= 1000000000 THEN
      RETURN NULL;
    END IF;
    IF pad > 0 THEN
      IF f_minus THEN
        body := body || pg_catalog.repeat(' ', pad);
      ELSE
        body := pg_catalog.repeat(' ', pad) || body;
      END IF;
    END IF;
    res := res || body || rest;
    started := true;
  END LOOP;
  RETURN CASE WHEN started THEN res END;
END $f$;

CREATE OR REPLACE FUNCTION litelift.printf(fmt text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
  SELECT litelift.printf(fmt, VARIADIC '{}'::text[]) $f$;
)SQL";

}  // namespace

const char* PrintfFunctionsSql() { return kSql; }

}  // namespace litelift::compat::server
