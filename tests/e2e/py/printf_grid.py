#!/usr/bin/env python3
"""SQLite's printf() against litelift's PostgreSQL one, call by call.

Generates formats (every conversion, flag, width and precision form, '*'
arguments, malformed and truncated specifications, literal text) and
arguments of every storage class (integer, real, text, blob, NULL, missing),
runs each call on Python's sqlite3 (the reference: SQLite 3.40) and, in one
psql run, on the database given with --db through the calling convention of
libsqlite3-compat/server/printf.h, and compares the results byte for byte
(NULL apart from empty text). Exits 1 on any mismatch. Standard library only.

Generated calls whose result is NULL or longer than MAX_RESULT bytes (huge
'*' widths and precisions only test memory) are left out; the edge cases keep
their NULLs. Two SQLite results PostgreSQL text cannot hold are checked
against their documented substitute instead: a NUL character (%c of NULL or of
empty text) is left out, and so are the bytes of a character cut by a byte
precision (%.1s of 'é').
"""

import argparse
import collections
import math
import random
import re
import sqlite3
import struct
import subprocess
import sys
import time

Call = collections.namedtuple("Call", "group fmt args form")

CONVERSIONS = "diufeEgGxXoszcqQwpr"
FLAG_SETS = ["", "-", "+", " ", "#", "!", "0", ",", "-0", "+0", "#0", "!-", " #", ",0", "-+!",
             "#-0,"]
SIZES = ["", "5", "12", ".0", ".1", ".3", ".10", "8.3", "1.1", "20.15", ".17", "06", "*", ".*",
         "*.*", "ll", ".2l"]
INTS = [0, 1, -1, 7, 42, -42, 100, 255, 256, 1000, 1234567, -1234567, 11, 12, 13, 111, 112, 21,
        22, 23, 101, 4096, 65535, 2147483647, -2147483648, 4294967296, 1 << 53, (1 << 53) + 1,
        9223372036854775807, -9223372036854775808, 9223372036854775806, -100000]
REALS = [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 2.675, 1.005, 0.1, 0.2, 0.3,
         1 / 3, 2 / 3, 9.995, 99.95, 999999.5, 123.456, -3.14159, 3.141592653589793, 1e15, 1e16,
         1e17, 1e22, 1e23, 123456789012345678.0, 9.999999999999999e22, 1e100, 1e300, -1e300,
         1e-5, 1.5e-5, 1e-4, 0.00012345, 1e-300, 5e-324, 1e-310, 2.2250738585072014e-308,
         1.7976931348623157e308, float("inf"), float("-inf"), 2.0, 100.0, 65.0, 0.999999,
         0.9999999999999999, 9.5, 0.05, 0.045, 1234.5678, -0.000001, 4.35, 1e-10, 12345678.9,
         9007199254740993.0, 0.30000000000000004, 299792458.0, 6.02214076e23, 1.6e-19]
TEXTS = ["", "abc", "x", "12abc", "  42", "-7.5e3xyz", "it's", "say \"hi\"", "héllo", "日本語",
         "😀x", "é", "0x1F", "1e5", ".5", "-", "+3", "9999999999999999999999",
         "3.14159265358979323846", "  -0012.50e+2 ", "NaN", "inf", "\t5", "\v7", "5 ", "1e400",
         "-1e400", "1e-400", "123456789012345678901234567890", "0.1", "1.7976931348623157e308",
         "2.2250738585072014e-308", "4.9e-324", "1e308", "1.5e-7", "00000000000000000001.5",
         "922337203685477579.5", "9223372036854775807", "9223372036854775808",
         "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "1e", "1e+",
         "1.e5", "-.5e-3", "'quoted'", "''", "a'b'c", "%d", "line\nbreak", "  ", "A", "Ω",
         "ab\u00e9cd\u00e9", "1,000", "0", "-0", "+0.0e0", "12.345e2abc", "e5", ".", "1E2",
         "0.0000000000000000000000000000001", "1" * 40, "123456789.987654321e-3"]
STARS = [0, 3, 7, -4, 12, 25, -1, 2 ** 32 + 5, "6", 2.9, -7.5, None, -2147483648, 2147483648,
         -2147483647, 2 ** 32 - 3]
BLOBS = [b"", b"abc", b"12", b"3.5", b"\xc3\xa9t\xc3\xa9", b"a\x00b", b"-42xyz"]
EDGE_FORMATS = ["", "plain text", "%", "abc%", "%%", "%%%", "100%% sure", "%5%", "%-5%|", "%.3%",
                "%y", "a%yb", "%-", "a%-", "%5", "ab%5", "%l", "%lld", "%.", "%*", "%.*", "%T",
                "%S", "%n", "%5n|", "%#%", "%!", "x%", "%%d", "%d%", "%d%%", "%ll", "%lll",
                "%5.2.3d", "%-5-d", "%*5d", "%.-5d", "%l5d", "%0-5d", "%--5d", "%++d", "% +d",
                "%+ d", "%00005d", "%05.0f", "%z", "%q", "%Q", "%w", "%c", "%s%s%s",
                "%d %d %d %d", "日本%s語", "é%dé", "%5s|%-5s|%.1s", "%r %r %r %r", "%p",
                "%#p", "%#o", "%#x", "%#X", "%,d", "%,u", "%,x", "%,f", "%,012d", "%-,8d|",
                "%1$d", "%hd", "%jd", "%Lf", "%a", "%b", "%C", "%D", "%F", "%I", "%\u00e9",
                "%2147483647.0s", "%.2147483647s", "%4294967301d|", "%.4294967298f",
                "%.0e", "%#.0e", "%#.0f", "%#.0g", "%!.0g", "%!.0f", "%!.0e", "%!#g"]


def rand_real(rng):
    r = rng.random()
    if r < 0.25:
        while True:
            x = struct.unpack(">d", struct.pack(">Q", rng.getrandbits(64)))[0]
            if not math.isnan(x):
                return x
    if r < 0.5:
        return float("%d.%de%d" % (rng.randint(0, 10 ** rng.randint(1, 8)),
                                   rng.randint(0, 10 ** rng.randint(0, 8)), rng.randint(-30, 30)))
    if r < 0.75:
        return rng.choice([1, -1]) * (rng.randint(0, 10 ** 6) + 0.5) / 10 ** rng.randint(0, 6)
    return rng.choice([1, -1]) * 10 ** rng.uniform(-320, 308)


def rand_value(rng):
    r = rng.random()
    if r < 0.25:
        return rng.choice(INTS) if rng.random() < 0.6 else rng.randint(-10 ** 12, 10 ** 12)
    if r < 0.55:
        return rng.choice(REALS) if rng.random() < 0.5 else rand_real(rng)
    if r < 0.85:
        return rng.choice(TEXTS)
    if r < 0.93:
        return rng.choice(BLOBS)
    return None


def c_int(v):
    """About what a '*' takes from v: its integer (a text's leading one) as a C int."""
    if isinstance(v, float):
        v = 0 if math.isinf(v) else int(v)
    elif isinstance(v, (str, bytes)):
        m = re.match(rb"\s*([-+]?[0-9]+)", v.encode() if isinstance(v, str) else v)
        v = int(m.group(1)) if m else 0
    elif v is None:
        v = 0
    return (v + 2 ** 31) % 2 ** 32 - 2 ** 31


def rand_spec(rng):
    flags = "".join(rng.choice("-+ #!0,") for _ in range(rng.choice([0, 0, 1, 1, 2, 3])))
    width = rng.choice(["", "", "", "1", "7", "15", "*", "40"])
    prec = rng.choice(["", "", "", ".", ".0", ".4", ".9", ".16", ".26", ".*", ".60"])
    size = rng.choice(["", "", "", "", "l", "ll"])
    conv = rng.choice(CONVERSIONS + "dsfg%n")
    return "%" + flags + width + prec + size + conv


MAX_RESULT = 20000


def make_calls(rng):
    calls = []
    forms = ["array", "direct"]
    ref = sqlite3.connect(":memory:")
    ref.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_RESULT)  # longer: NULL, fast

    def add(group, fmt, args, keep_null=False):
        if fmt and "*" in fmt and any(MAX_RESULT < abs(c_int(a)) < 2 ** 31 for a in args):
            return  # maybe a huge '*' precision: SQLite's %c loops on it even past its limit
        sql = "SELECT printf(%s) IS NOT NULL" % ", ".join(["?"] * (1 + len(args)))
        if keep_null or ref.execute(sql, [fmt] + list(args)).fetchone()[0]:
            calls.append(Call(group, fmt, list(args), forms[len(calls) % 2]))

    # Every conversion with every flag set, size and a value of each class.
    for conv in CONVERSIONS:
        for flags in FLAG_SETS:
            for size in SIZES:
                fmt = "%" + flags + size + conv
                star = size.count("*")
                pool = rng.choice([INTS, REALS, REALS, TEXTS, TEXTS, BLOBS])
                stars = [rng.choice(STARS) for _ in range(star)]
                add("conv %" + conv, fmt, stars + [rng.choice(pool)])
                if rng.random() < 0.08:
                    add("conv %" + conv, fmt, [None] * (star + 1))
                if rng.random() < 0.05:
                    add("conv %" + conv, fmt, [])
    # Each value of each class through the main conversions.
    for v in INTS + REALS + TEXTS + BLOBS + [None]:
        for fmt in ["%d", "%s", "%f", "%g", "%e", "%c", "%q", "%Q", "%w", "%x", "%!.20g", "%.3s",
                    "%!.3s", "%10.4f", "%-12.5e|", "%+.10g", "%u", "%.1c"]:
            add("values", fmt, [v])
    # Malformed, truncated and special formats.
    for fmt in EDGE_FORMATS:
        for args in ([], [42], [-3.75], ["text"], [None], [5, "ab", 2.5, None]):
            add("edge", fmt, args, keep_null=True)
    add("edge", None, [1], keep_null=True)
    add("edge", None, [], keep_null=True)
    # Floats: every float conversion, many precisions and flags.
    for _ in range(3000):
        fl = "".join(rng.choice("-+ #!0") for _ in range(rng.choice([0, 0, 1, 2])))
        width = rng.choice(["", "", "8", "25"])
        prec = rng.choice(["", ".0", ".1", ".2", ".3", ".6", ".10", ".14", ".15", ".16", ".17",
                           ".20", ".26", ".30", ".40", ".100", ".330", ".4095", ".4096"])
        conv = rng.choice("feEgG")
        add("float", "%" + fl + width + prec + conv, [rand_real(rng)])
    # SQLite's own rendering of reals (%s of a real is "%!.15g").
    for _ in range(1000):
        add("real as text", rng.choice(["%s", "%.5s", "%q", "%c", "%15s|"]), [rand_real(rng)])
    # Text read as numbers.
    for _ in range(1000):
        t = "%s%s%s%s" % (rng.choice(["", " ", "\t", "  "]), rng.choice(["", "-", "+"]),
                          rng.choice(["", "0", "12", "3", "987654321012345678901",
                                      "922337203685477580", "1"]),
                          rng.choice(["", ".", ".5", ".000123", ".99999999999999999999"]))
        t += rng.choice(["", "e5", "e-5", "E+300", "e-320", "e400", "x", " ", "e", "e99999999"])
        add("text as number", rng.choice(["%d", "%f", "%.3e", "%g", "%!.17g", "%i", "%x"]), [t])
    # Whole formats: several conversions, literal text, missing arguments.
    for _ in range(1200):
        parts = []
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.6:
                parts.append(rng.choice(["", "a", " = ", "[", "]", "é", "日本", "%%", "x y"]))
            parts.append(rand_spec(rng))
        fmt = "".join(parts)
        nargs = fmt.count("%") + rng.choice([-2, -1, 0, 0, 0, 1])
        add("formats", fmt, [rand_value(rng) for _ in range(max(nargs, 0))])
    return calls


# ---------------------------------------------------------------------------
# SQLite

def run_sqlite(calls):
    db = sqlite3.connect(":memory:")
    db.text_factory = bytes
    out = []
    for c in calls:
        sql = "SELECT printf(%s)" % ", ".join(["?"] * (1 + len(c.args)))
        out.append(db.execute(sql, [c.fmt] + c.args).fetchone()[0])
    return out


# ---------------------------------------------------------------------------
# PostgreSQL

def pg_lit(s):
    return "'" + s.replace("'", "''") + "'"


def pg_arg(v, rng):
    """One argument as the translator passes it: litelift.pf(expression)."""
    if v is None:
        return rng.choice(["litelift.pf(NULL)", "litelift.pf(NULL::text)",
                           "litelift.pf(NULL::bigint)"])
    if isinstance(v, int):
        if -2 ** 31 <= v < 2 ** 31 and rng.random() < 0.2:
            return "litelift.pf((%d)::integer)" % v
        if rng.random() < 0.15:
            return "litelift.pf((%d)::numeric)" % v
        return "litelift.pf((%d)::bigint)" % v
    if isinstance(v, float):
        if math.isinf(v):
            return "litelift.pf('%sInfinity'::float8)" % ("-" if v < 0 else "")
        if rng.random() < 0.1 and v != 0 and v != int(v):
            return "litelift.pf(%r::numeric)" % v
        return "litelift.pf(%s::float8)" % pg_lit(repr(v))
    if isinstance(v, bytes):
        return "litelift.pf('\\x%s'::bytea)" % v.hex()
    if rng.random() < 0.2:
        return "litelift.pf(%s)" % pg_lit(v)  # an unknown-typed literal
    return "litelift.pf(%s::text)" % pg_lit(v)


def pg_call(c, rng):
    fmt = "NULL" if c.fmt is None else pg_lit(c.fmt)
    if not c.args:
        return "litelift.printf(%s)" % fmt
    args = [pg_arg(v, rng) for v in c.args]
    if c.form == "array":
        return "litelift.printf(%s, VARIADIC ARRAY[%s]::text[])" % (fmt, ", ".join(args))
    return "litelift.printf(%s, %s)" % (fmt, ", ".join(args))


def run_pg(db, calls, psql, rng):
    tag = "$PrintfGridQ$"
    lines = [
        "CREATE FUNCTION pg_temp.t(q text) RETURNS text LANGUAGE plpgsql AS $f$",
        "DECLARE r text; BEGIN EXECUTE q INTO r;",
        "RETURN coalesce('v' || pg_catalog.encode(pg_catalog.convert_to(r, 'UTF8'), 'hex'), 'n');",
        "EXCEPTION WHEN OTHERS THEN RETURN 'e' || SQLERRM;",
        "END $f$;",
        "SELECT i, pg_temp.t(q) FROM (VALUES"]
    vals = []
    sqls = []
    for i, c in enumerate(calls):
        sql = "SELECT " + pg_call(c, rng)
        assert tag not in sql
        sqls.append(sql)
        vals.append("(%d, %s%s%s)" % (i, tag, sql, tag))
    lines.append(",\n".join(vals))
    lines.append(") AS v(i, q) ORDER BY i;")
    script = "\n".join(lines) + "\n"
    proc = subprocess.run([psql, "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                           "-d", db, "-f", "-"], input=script.encode(), capture_output=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        sys.exit("psql failed")
    out = [("missing", None)] * len(calls)
    for line in proc.stdout.decode().split("\n"):
        if not line:
            continue
        i, _, res = line.partition("\t")
        if res.startswith("v"):
            out[int(i)] = ("value", bytes.fromhex(res[1:]))
        elif res == "n":
            out[int(i)] = ("value", None)
        else:
            out[int(i)] = ("error", res[1:])
    return out, sqls


# ---------------------------------------------------------------------------

def substitute(expected):
    """What PostgreSQL gives for a SQLite result text cannot hold, and why."""
    if expected is None:
        return None, None
    why = []
    if b"\x00" in expected:
        expected = expected.replace(b"\x00", b"")
        why.append("NUL character")
    try:
        expected.decode("utf-8")
    except UnicodeDecodeError:
        expected = expected.decode("utf-8", errors="ignore").encode()
        why.append("character cut by a byte precision")
    return expected, " + ".join(why) or None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True, help="database with the litelift printf functions")
    ap.add_argument("--psql", default="psql")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--show", type=int, default=20, help="mismatches to print")
    args = ap.parse_args()
    if not sqlite3.sqlite_version.startswith("3.40."):
        sys.exit("the reference must be SQLite 3.40 (this Python has %s)" % sqlite3.sqlite_version)
    rng = random.Random(args.seed)
    calls = make_calls(rng)
    t0 = time.time()
    expected = run_sqlite(calls)
    t1 = time.time()
    actual, sqls = run_pg(args.db, calls, args.psql, rng)
    t2 = time.time()
    checked = collections.Counter()
    bad = collections.Counter()
    substituted = collections.Counter()
    shown = []
    for c, sql, e, a in zip(calls, sqls, expected, actual):
        checked[c.group] += 1
        want, why = substitute(e)
        if why:
            substituted[why] += 1
        if a != ("value", want):
            bad[c.group] += 1
            if len(shown) < args.show:
                shown.append((c, sql, e, a))
    total = sum(checked.values())
    print("printf grid: SQLite %s, %d calls checked (SQLite %.1fs, PostgreSQL %.1fs)"
          % (sqlite3.sqlite_version, total, t1 - t0, t2 - t1))
    for group in sorted(checked):
        print("  %-16s %5d calls %5d mismatches" % (group, checked[group], bad[group]))
    for why, n in sorted(substituted.items()):
        print("  %d SQLite results not representable in text (%s): checked against the "
              "documented substitute" % (n, why))
    for c, sql, e, a in shown:
        print("MISMATCH %s: printf(%r, %s)\n  sqlite:   %r\n  postgres: %r\n  pg sql:   %s"
              % (c.group, c.fmt, ", ".join(repr(v) for v in c.args), e,
                 a[1] if a[0] == "value" else a, sql[:300]))
    if bad:
        print("printf grid: FAILED, %d mismatches" % sum(bad.values()))
        return 1
    print("printf grid: all %d calls match" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
