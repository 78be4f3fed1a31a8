#!/usr/bin/env python3
"""litelift's date and time functions on PostgreSQL against the real SQLite.

Generates a grid of time values x modifiers x functions (date, time, datetime,
julianday, unixepoch, strftime), computes the expected results with Python's
sqlite3 module (the system libsqlite3, which must be 3.40: the reference) and
runs the same calls on PostgreSQL through one `psql -At` invocation, in the
time zones UTC and Europe/Berlin (TZ for SQLite, SET TimeZone for the server).
Prints the counts, the first mismatches, and exits non-zero on any mismatch.
The server is the one psql reaches through the PG* environment, with the
functions installed in schema `litelift` (tests/e2e/datetime_grid.sh does
both). NULL and empty text are told apart on both sides.

'now' is not compared exactly: its results are checked for shape, for being
within a minute of SQLite's, and for being one instant per statement.

SQLite 3.40 behaviour deliberately not reproduced:
- A number written in decimal (time value, modifier) becomes the nearest
  double. SQLite 3.40 converts through an x87 long double and, for about one
  decimal in 10^4 (none in this grid), lands on the neighbouring double; that
  shows only when it moves a rounding to the millisecond.
- A fraction of a second with more than 300 digits: SQLite's digit loop
  overflows (NaN past 308 digits); litelift reads the first 300.
- 'now' is the statement's start (statement_timestamp()), not the time of the
  sqlite3_step() that computes it.
- 'localtime' and 'utc' use PostgreSQL's time zone data for the session's
  TimeZone, SQLite the C library's for TZ (the same IANA data on Debian).
Everything else is compared, including what 3.40 lacks ('subsec' is NULL, as
is any strftime code but %d %f %H %j %J %m %M %s %S %w %W %Y %%), day-of-month
overflow, negative years, its date error and the 'localtime' and 'utc' that
clear it, 'localtime' for years outside 1970..2037, the four guesses of 'utc'
(in a 32-bit int), and printf's long double rounding in %f and %J.
"""
import os
import random
import re
import sqlite3
import subprocess
import sys
import time

NULL = "<null>"
# DATETIME_GRID_ZONES, _SEED and _RANDOM widen the grid for a longer search.
ZONES = os.environ.get("DATETIME_GRID_ZONES", "UTC,Europe/Berlin").split(",")
SEED = int(os.environ.get("DATETIME_GRID_SEED", "20240101"))
RANDOM_VALUES = int(os.environ.get("DATETIME_GRID_RANDOM", "60"))
FUNCS = ["date", "time", "datetime", "julianday", "unixepoch", "strftime"]
FULL_FORMAT = "%d %f %H %j %J %m %M %s %S %w %W %Y %% x"
FORMATS = ["%d", "%f", "%H", "%j", "%J", "%m", "%M", "%s", "%S", "%w", "%W", "%Y", "%%",
           "%Y-%m-%dT%H:%M:%S", "%e", "%", "x%", "abc%Q", "", "plain", "%%%", "%5", "é%Yé",
           "%F", "%T", "%u", "%V", "%G", "%k", "%I", "%p", "%a"]

# Time values given as text: every format SQLite reads, edge dates, numbers in text,
# and texts it rejects.
TEXT_VALUES = [
    "2020-01-01", "2020-02-29", "2021-02-29", "2021-02-31", "2021-04-31", "2020-12-31",
    "2020-12-31 23:59:59.999", "2020-12-31 23:59:59.9995", "2020-12-31 23:59:59.9999999",
    "2000-01-01 00:00", "2000-01-01 12:00:00.0005", "2000-01-01 12:00:00.00049",
    "2000-01-01 12:00:00.123456789012345678901234567890",
    "0000-01-01", "0000-02-29", "0000-12-31 23:59:59", "0001-01-01", "0099-03-01",
    "9999-12-31", "9999-12-31 23:59:59.999", "9999-12-31 23:59:59.9999",
    "-0001-12-31", "-0100-02-29", "-1000-06-15 06:00", "-4713-11-24 12:00:00",
    "-4713-11-24 11:59:59.999", "-4713-11-25", "-4713-01-01", "-4714-01-01",
    "1970-01-01", "1970-01-01T00:00:00", "1970-01-01T00:00:00Z", "1970-01-01 00:00:00z",
    "2020-06-15 12:34:56+02:00", "2020-06-15 12:34:56 -05:30", "2020-06-15 12:34:56+14:59",
    "2020-06-15 12:34:56+15:00", "2020-06-15 12:34:56+00:00", "2020-06-15 12:34:56-00:00",
    "2020-06-15 12:34:56.789+01:00 ", "2020-06-15 12:34 +1:00", "2020-06-15 12:34+0100",
    "2020-06-15T12:34", "2020-06-15 24:00", "2020-06-15 24:59:59", "2020-06-15 25:00",
    "2020-06-15 12:60", "2020-06-15 12:34:60", "2020-06-15 12:34:5", "2020-06-15 1:34",
    "2020-13-01", "2020-00-10", "2020-01-00", "2020-01-32", "2020-1-01", "20-01-01",
    "12020-01-01", "2020-01-01 ", " 2020-01-01", "2020-01-01T", "2020-01-01TT12:00",
    "2020-01-01 T 12:00", "2020-01-0112:00", "2020-01-01\t12:00", "2020-01-01t12:00",
    "2020-01-01 12:00:00.", "2020-01-01 12:00:00.5z", "2020-01-01 12:00:00.5 Z ",
    "2020-01-01 12:00:00 +01:00 x", "2020/01/01", "2020-01-01 12:00:00,5",
    "12:00", "12:00:00", "23:59:59.999", "24:00:00", "00:00:00.0005", "12:30:45.5+01:00",
    "12:30Z", "12:30 -14:00", "1:00", "12", "12:00:00 PM",
    "now", "NOW", "Now", "now ", " now", "", " ", "abc", "T",
    "2459000.5", "0", "0.0", "-0", "-1", "1e6", "1E6", "1700000000", " 123.5 ", "5373484.5",
    "5373484.49999999", "5373484.4999999999", "1e400", "-1e400", "-1e-310", "1e-310",
    "1e-400", "-1e-400", "0x10", "1.", ".5", "+5", "+.5", "-.5", "1e", "1e+", "123abc",
    "1 2", "1.5e3", "2459000.5e0", "24590005e-1", "0002459000.5", "1" + "0" * 30,
    "0." + "0" * 30 + "1", "2459000." + "1" * 40, "nan", "inf", "Infinity",
    "2020-03-29 00:59:59", "2020-03-29 01:00:00", "2020-03-29 01:30", "2020-03-29 02:30",
    "2020-10-25 00:30", "2020-10-25 01:30", "2020-10-25 02:30", "1970-06-01 12:00",
    "1971-01-01", "1971-06-01 12:00", "2037-07-01 12:00", "2037-12-31 23:30",
    "2038-01-19 03:14:07", "2038-06-01", "1960-07-01", "1901-12-13 20:45:52",
    "2400-02-29", "1900-02-29", "2100-02-29", "1582-10-10", "1752-09-08",
    "\uff12\uff10\uff12\uff10-01-01", "\u0661\u0662\u0663", "2020-01-01\u00a012:00",
    "n\u00f6w",
]

# Time values given as numbers (SQLite integer or real; on the server bigint, double
# precision or numeric).
NUM_VALUES = [
    0, 1, 2, 86400000, 2459000, 1700000000, -1, 5373484, 5373485, 253402300799,
    253402300800, -210866760000, -210866760001, 2 ** 53, 2 ** 53 + 1, 2 ** 63 - 1, -2 ** 63,
    10 ** 15,
    0.0, 0.5, 1.5, 2459000.5, 2459000.123456789, 2459000.9999999999, -0.5, -1e-300, 1e-300,
    5373484.5, 5373484.499999999, 5373484.4999999999, 1700000000.5, 1700000000.123456,
    -1700000000.75, 253402300799.999, 1e15, 1e300, -1e300, 1.7976931348623157e308,
    float("inf"), float("-inf"), 0.0001, 1721059.5, 1721425.5, 2440587.5, 1234567.890123,
]

# Modifiers: every kind, their limits, their spellings, and what SQLite rejects.
MODIFIERS = [
    "+1 day", "-1 day", "+1.5 days", "-0.5 days", "+36 hours", "-90 minutes",
    "+3600 seconds", "+1.25 seconds", "+0.0005 seconds", "-0.0005 seconds",
    "+0.00049 seconds", "+1 month", "-1 month", "+13 months", "-25 months", "+1.5 months",
    "-1.5 months", "-12 months", "+12 months", "-13 months", "+1 year", "-1 year",
    "+0.5 years", "-0.25 years", "+100 years", "-4000 years", "+10000 years",
    "+5373484 days", "-5373484 days", "+5373485 days", "+176545 months", "+176546 months",
    "+14712 years", "+14713 years", "+464269992787967 seconds", "+1e20 seconds",
    "+7737900007423 minutes", "+128969998335 hours",
    "1 day", "2.5 hours", "+1 DAYS", "+1 Days ", "+1days", "+1 d", "+1 weeks",
    "+1 dayss", "+ 1 day", "+1e1 days", "+.5 days", "+5. days", "-0 days", "+1 day\t",
    "+1\tday", "+1  day", "+1 secs", "+1 s", "+1 second", "+1 mins", "+0x1 days",
    "+01:30", "-01:30", "+12:00:00", "-00:00:01.5", "+24:00", "+25:00", "01:30", "1:30",
    "+1:30", "+01:30:00.123456", "+01:30Z", "+01:30 +02:00", "-10:00-05:00", "+00:00:59.9999",
    "+01:60", "+01:30:", "-23:59:59.999",
    "start of day", "start of month", "start of year", "START OF MONTH", "Start Of Year",
    "start of week", "start  of day", "start of day ", "start of",
    "weekday 0", "weekday 1", "weekday 2", "weekday 3", "weekday 4", "weekday 5", "weekday 6",
    "weekday 7", "weekday -1", "weekday 1.5", "weekday 3.0", "weekday  2", "WEEKDAY 1",
    "weekday", "weekday 1e0", "weekday x",
    "unixepoch", "UnixEpoch", "julianday", "JULIANDAY", "auto", "AUTO", "localtime",
    "LocalTime", "utc", "UTC", "subsec", "subsecond", "", "garbage", "now", " localtime",
    "localtime ", "+1 d\u0430y", "wee\u212aday 1", "localtim\u00e9", "+\uff11 day", None,
]

# The values every modifier is tried on.
CORE_VALUES = [
    "2020-01-31", "2020-02-29 13:14:15.678", "2021-02-31 23:59:59.999", "2000-01-01 00:00",
    "0000-01-01", "9999-12-31 23:59:59.999", "-4713-11-24 12:00:00", "-0001-03-01",
    "1970-01-01T00:00:00Z", "2020-06-15 12:34:56+02:00", "2020-03-29 01:30",
    "2020-10-25 02:30", "2037-12-31 23:30", "1960-07-01", "12:30:45.5+01:00", "24:00:00",
    "2020-06-15 24:00", "2459000.5", "now", 0, 2459000.5, 1700000000, -1, 1700000000.5,
    253402300799, 5373484.499999999, -0.5,
]

# Modifiers that pair well (a second modifier after these is common in programs).
PAIR_FIRST = ["unixepoch", "auto", "julianday", "localtime", "utc", "start of month",
              "start of year", "+1 month", "-1 month", "+1 year", "weekday 1", "+1 day",
              "start of day", "+01:30", "-1.5 months"]


def random_modifier(rng):
    """A modifier with random numbers in it, or one from MODIFIERS."""
    kind = rng.randrange(4)
    if kind == 0:
        unit = rng.choice(["second", "minute", "hour", "day", "month", "year"])
        scale = {"second": 1e9, "minute": 1e7, "hour": 1e5, "day": 1e4, "month": 300,
                 "year": 30}[unit]
        return "%+.*f %ss" % (rng.randrange(0, 7), rng.uniform(-scale, scale), unit)
    if kind == 1:
        return "%s%02d:%02d:%02d.%d" % (rng.choice("+-"), rng.randrange(0, 25),
                                        rng.randrange(0, 60), rng.randrange(0, 60),
                                        rng.randrange(0, 10 ** rng.randrange(1, 7)))
    if kind == 2:
        return rng.choice(["weekday %d" % rng.randrange(7), "localtime", "utc",
                           "start of " + rng.choice(["day", "month", "year"])])
    return rng.choice(MODIFIERS)


def sql_literal(v):
    """The server-side literal for a time value or modifier."""
    if v is None:
        return "NULL::text"
    if isinstance(v, bool):
        raise TypeError(v)
    if isinstance(v, int):
        return "'%d'::bigint" % v
    if isinstance(v, float):
        if v != v:
            return "'NaN'::float8"
        if v in (float("inf"), float("-inf")):
            return "'%sInfinity'::float8" % ("-" if v < 0 else "")
        return "'%r'::float8" % v
    if isinstance(v, Numeric):
        return "%s::numeric" % v.text
    return "'" + v.replace("'", "''") + "'"


class Numeric:
    """A number the server sees as numeric and SQLite as a real."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return "Numeric(%s)" % self.text


def is_now(value, mods):
    return value is NOW or (isinstance(value, str) and value.lower() == "now")


NOW = object()  # f() with no time value at all


def build_calls(rng):
    values = list(TEXT_VALUES) + list(NUM_VALUES)
    values += [Numeric(t) for t in ["2459000.5", "1700000000", "-1", "0.5", "1e400", "-1e-400",
                                    "5373484.4999999999999999", "12345678901234567890.5"]]
    # Random dates and times over the whole range, Julian days and unix times.
    for _ in range(RANDOM_VALUES):
        y = rng.choice([rng.randrange(0, 10000), rng.randrange(1965, 2045)])
        v = "%04d-%02d-%02d %02d:%02d:%02d.%03d" % (
            y, rng.randrange(1, 13), rng.randrange(1, 32), rng.randrange(0, 24),
            rng.randrange(0, 60), rng.randrange(0, 60), rng.randrange(0, 1000))
        values.append(v)
    for _ in range(RANDOM_VALUES // 3):
        values.append(rng.randrange(0, 464269060799999) / 86400000.0)
        values.append(rng.randrange(-210866760000, 253402300799))
        values.append("%d.%d" % (rng.randrange(0, 5373484), rng.randrange(0, 10 ** 9)))
    for _ in range(RANDOM_VALUES // 6):
        values.append(84375 * rng.randrange(1, 5502000000, 2) / 86400000.0)  # %J ties

    calls = []  # (func, fmt, value, mods)

    def add(value, mods):
        for f in FUNCS:
            calls.append((f, FULL_FORMAT if f == "strftime" else None, value, mods))

    # Every value alone and with a few modifiers; the common ones with every modifier
    # and every modifier worth pairing.
    for v in [NOW] + values:
        add(v, ())
    for v in values:
        for m in rng.sample(MODIFIERS, 6):
            add(v, (m,))
        for _ in range(3):
            add(v, (rng.choice(MODIFIERS), rng.choice(MODIFIERS)))
        for _ in range(3):
            add(v, tuple(random_modifier(rng) for _ in range(rng.randrange(1, 4))))
    for v in CORE_VALUES:
        for m in MODIFIERS:
            add(v, (m,))
        for first in PAIR_FIRST:
            add(v, (first, rng.choice(MODIFIERS)))
        for pair in [("localtime", "utc"), ("utc", "localtime"), ("utc", "utc"),
                     ("localtime", "localtime"), ("start of day", "utc"),
                     ("weekday 0", "localtime"), ("+1 month", "utc")]:
            add(v, pair)
    for v in values[::3]:
        for fmt in FORMATS:
            calls.append(("strftime", fmt, v, ()))
        calls.append(("strftime", None, v, ()))
    # strftime with its format only, and three modifiers.
    calls.append(("strftime", "%Y", NOW, ()))
    for v in values[::7]:
        add(v, ("+1 month", "start of month", "-1 day"))
        add(v, ("unixepoch", "localtime", "start of day"))
    return calls


# Calls only the server spells this way (VARIADIC arrays, other numeric types), each with
# the SQLite call that must give the same result.
EXTRA = [
    ("litelift.date('2020-01-31', VARIADIC ARRAY[]::text[])", "date('2020-01-31')"),
    ("litelift.date('2020-01-31', VARIADIC ARRAY['+1 month', 'start of month'])",
     "date('2020-01-31', '+1 month', 'start of month')"),
    ("litelift.strftime('%s', 1700000000, VARIADIC ARRAY['unixepoch'])",
     "strftime('%s', 1700000000, 'unixepoch')"),
    ("litelift.date(2459000)", "date(2459000)"),
    ("litelift.time(12::smallint, '+1 hour')", "time(12, '+1 hour')"),
    ("litelift.datetime(1700000000::integer, 'unixepoch')",
     "datetime(1700000000, 'unixepoch')"),
    ("litelift.julianday(2459000.5::numeric, '+1 day')", "julianday(2459000.5, '+1 day')"),
    ("litelift.julianday(1e400::numeric)", "julianday(1e999)"),
    ("litelift.unixepoch('1e999'::numeric, 'unixepoch')", "unixepoch(1e999, 'unixepoch')"),
    ("litelift.date(NULL)", "date(NULL)"),
    ("litelift.date(NULL::bigint)", "date(NULL)"),
    ("litelift.date('2020-01-01', NULL)", "date('2020-01-01', NULL)"),
    ("litelift.strftime(NULL, '2020-01-01')", "strftime(NULL, '2020-01-01')"),
    ("litelift.strftime('%Y', NULL::numeric)", "strftime('%Y', NULL)"),
]


def sqlite_call(con, call):
    func, fmt, value, mods = call
    args = ([fmt] if func == "strftime" else []) + ([] if value is NOW else [value]) + list(mods)
    args = [float(a.text) if isinstance(a, Numeric) else a for a in args]
    sql = "SELECT %s(%s)" % (func, ", ".join("?" * len(args)))
    return con.execute(sql, args).fetchone()[0]


def pg_expr(call):
    func, fmt, value, mods = call
    args = ([sql_literal(fmt)] if func == "strftime" else []) + \
        ([] if value is NOW else [sql_literal(value)]) + [sql_literal(m) for m in mods]
    return "litelift.%s(%s)" % (func, ", ".join(args))


def as_text(v):
    if v is None:
        return NULL
    if isinstance(v, float):
        return repr(v)
    return str(v)


def same(expected, got):
    if isinstance(expected, float) and got != NULL:
        try:
            return float(got) == expected
        except ValueError:
            return False
    return as_text(expected) == got


def now_ok(func, fmt, expected, got):
    """Shape and closeness of a 'now' result (computed up to a minute apart)."""
    if expected is None or got == NULL:
        return expected is None and got == NULL
    if func in ("julianday",):
        return abs(float(got) - expected) < 60 / 86400
    if func == "unixepoch":
        return abs(int(got) - expected) < 60
    if func == "datetime":
        if re.fullmatch(r"-?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", got) is None:
            return False
        if expected.startswith("-") or expected.startswith("0000") or got.startswith("-"):
            return expected[:5] == got[:5]
        return abs(time.mktime(time.strptime(got, "%Y-%m-%d %H:%M:%S")) -
                   time.mktime(time.strptime(expected, "%Y-%m-%d %H:%M:%S"))) < 60
    if func == "date":
        return re.fullmatch(r"-?\d{4}-\d\d-\d\d", got) is not None
    if func == "time":
        return re.fullmatch(r"\d\d:\d\d:\d\d", got) is not None
    if fmt == FULL_FORMAT:  # compare the %s field
        return abs(int(got.split()[7]) - int(expected.split()[7])) < 60
    return True


def batch(rows):
    return "SELECT id || '|' || r FROM (VALUES %s) AS v(id, r);" % ",\n".join(rows)


def main():
    if not sqlite3.sqlite_version.startswith("3.40."):
        print("FAIL: the reference must be SQLite 3.40, this Python has %s" %
              sqlite3.sqlite_version)
        return 1
    start = time.time()
    calls = build_calls(random.Random(SEED))
    script = ["\\set ON_ERROR_STOP 1", "SET client_encoding = 'UTF8';",
              "SET extra_float_digits = 1;"]
    expected = {}
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA encoding = 'UTF-8'")
    ids = {}
    n = 0
    chunk = 1000
    for zone in ZONES:
        os.environ["TZ"] = zone
        time.tzset()
        script.append("SET TimeZone = '%s';" % zone)
        rows = []
        for pg, lite in EXTRA:
            n += 1
            ids[n] = (zone, ("extra", None, pg, ()))
            expected[n] = con.execute("SELECT " + lite).fetchone()[0]
            rows.append("(%d, coalesce((%s)::text, '%s'))" % (n, pg, NULL))
        for call in calls:
            n += 1
            ids[n] = (zone, call)
            expected[n] = sqlite_call(con, call)
            rows.append("(%d, coalesce((%s)::text, '%s'))" % (n, pg_expr(call), NULL))
            if len(rows) == chunk:
                script.append(batch(rows))
                rows = []
        if rows:
            script.append(batch(rows))
        # 'now' is one instant for every call in a statement.
        script.append("SELECT 'same-now|' || count(DISTINCT litelift.strftime('%f', 'now')) || ',' "
                      "|| count(DISTINCT litelift.julianday()) FROM generate_series(1, 2000);")
    sqlite_seconds = time.time() - start
    t0 = time.time()
    proc = subprocess.run(["psql", "-X", "-At", "-q", "-f", "-"], input="\n".join(script),
                          capture_output=True, text=True, encoding="utf-8")
    pg_seconds = time.time() - t0
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
        print("FAIL: psql exited with %d" % proc.returncode)
        return 1
    got = {}
    same_now = []
    for line in proc.stdout.split("\n"):
        if not line:
            continue
        key, _, value = line.partition("|")
        if key == "same-now":
            same_now.append(value)
        else:
            got[int(key)] = value
    checked = 0
    now_checked = 0
    mismatches = []
    by_func = {}
    for i, (zone, call) in ids.items():
        func, fmt, value, mods = call
        exp = expected[i]
        res = got.get(i, "<missing>")
        if is_now(value, mods):
            now_checked += 1
            ok = now_ok(func, fmt, exp, res)
        else:
            checked += 1
            ok = same(exp, res)
        if not ok:
            by_func[func] = by_func.get(func, 0) + 1
            mismatches.append((zone, call, exp, res))
    print("datetime grid: %d calls compared exactly, %d 'now' calls checked for shape "
          "(SQLite %s, zones %s)" % (checked, now_checked, sqlite3.sqlite_version,
                                     ", ".join(ZONES)))
    print("time: SQLite side %.1fs, PostgreSQL side %.1fs" % (sqlite_seconds, pg_seconds))
    for func in FUNCS + ["extra"]:
        print("  %-9s mismatches: %d" % (func, by_func.get(func, 0)))
    for zone, call, exp, res in mismatches[:20]:
        expr = call[2] if call[0] == "extra" else pg_expr(call)
        print("MISMATCH [%s] %s: SQLite %r, litelift %r" % (zone, expr, as_text(exp), res))
    bad_now = [s for s in same_now if s != "1,1"]
    if bad_now:
        print("MISMATCH 'now' differs within one statement: %s" % bad_now)
    if mismatches or bad_now or len(same_now) != len(ZONES):
        print("FAIL: %d mismatches" % (len(mismatches) + len(bad_now)))
        return 1
    print("ok - %d calls match SQLite %s" % (checked + now_checked, sqlite3.sqlite_version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
