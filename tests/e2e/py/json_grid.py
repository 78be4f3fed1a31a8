#!/usr/bin/env python3
"""SQLite's JSON1 functions against litelift's PostgreSQL ones, call by call.

Generates JSON documents (nested objects and arrays, duplicate keys, escapes
and unicode, numbers of every spelling, whitespace variants, malformed
texts), paths (found, missing, malformed) and values, runs every call on
Python's sqlite3 (the reference: SQLite 3.40) and, in one psql run, on the
database given with --db, and compares value, storage class and error text.
Exits 1 on any mismatch. Standard library only.
"""

import argparse
import collections
import json
import random
import sqlite3
import subprocess
import sys
import time

Call = collections.namedtuple("Call", "fn shape sql params pg")

# ---------------------------------------------------------------------------
# Documents, built as trees so paths can be derived, rendered as text so the
# spelling (escapes, number forms, duplicates, whitespace) is controlled.
# Node: ("obj", [(raw_key, node), ...]) | ("arr", [node, ...]) | ("raw", text)

KEYS = ["a", "b", "c", "x1", "A", "key", "k_2", "a b", "a.b", "a[0]", "", "é", "日本",
        "0", "1", "#", "$", 'a\\"b', "a\\\\b", "\\u0061", "tab\\t", "it's", "-1", "z9Z",
        "\\ud83d\\ude00", "😀", "a/b", "\\/"]
STRINGS = ["", "hello", "with space", "é", "\\u00e9", "\\n", '\\t\\"quoted\\"', "\\\\", "\\/",
           "\\ud83d\\ude00", "😀", "a\\u0000b", "it's", "$.a", "[1,2]", '{\\"x\\":1}',
           "\\b\\f\\r", "\\u001f", "\\uABCD", "日本語", "a" * 40, " lead", "trail ", "null",
           "true", "123", "1.5", "\\ud800", "x\\udc00y", "\\ud83d\\u0041"]
NUMBERS = ["0", "-0", "1", "-1", "42", "1.0", "1.5", "-2.25", "1e5", "1E5", "1e+5", "1e-5",
           "1.5e300", "1e999", "-1e999", "1e-400", "0.1", "3.141592653589793",
           "3.14159265358979323846", "9223372036854775807", "9223372036854775808",
           "-9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
           "0.000001", "100000000000000", "1000000000000000", "2.5e-7", "0.30000000000000004",
           "1.7976931348623157e308", "5e-324", "12345.6789e-3", "0.0", "-0.0", "1E-0",
           "99999999999999999999e-5"]
LITERALS = ["true", "false", "null"]


def gen_node(rng, depth):
    r = rng.random()
    if depth > 0 and r < 0.35:
        members = []
        for _ in range(rng.randint(0, 5)):
            if members and rng.random() < 0.15:
                key = rng.choice(members)[0]  # duplicate key
            else:
                key = rng.choice(KEYS)
            members.append((key, gen_node(rng, depth - 1)))
        return ("obj", members)
    if depth > 0 and r < 0.6:
        return ("arr", [gen_node(rng, depth - 1) for _ in range(rng.randint(0, 5))])
    r = rng.random()
    if r < 0.4:
        return ("raw", '"' + rng.choice(STRINGS) + '"')
    if r < 0.8:
        return ("raw", rng.choice(NUMBERS))
    return ("raw", rng.choice(LITERALS))


def render(node, style, rng, indent=0):
    """style: 0 compact, 1 spaced, 2 pretty, 3 random whitespace."""
    def ws():
        if style == 3:
            return "".join(rng.choice(" \t\n\r") for _ in range(rng.randint(0, 2)))
        return ""
    kind = node[0]
    if kind == "raw":
        return node[1]
    nl = "\n" + "  " * (indent + 1) if style == 2 else ""
    end = "\n" + "  " * indent if style == 2 else ""
    if kind == "arr":
        if not node[1]:
            return "[" + ws() + "]"
        sep = ", " if style == 1 else ","
        items = [ws() + nl + render(c, style, rng, indent + 1) + ws() for c in node[1]]
        return "[" + sep.join(items) + end + "]"
    if not node[1]:
        return "{" + ws() + "}"
    sep = ", " if style == 1 else ","
    colon = ": " if style in (1, 2) else ":"
    items = [ws() + nl + '"' + k + '"' + ws() + colon + ws() + render(v, style, rng, indent + 1)
             + ws() for k, v in node[1]]
    return "{" + sep.join(items) + end + "}"


def key_segments(raw_key):
    """Path segments that name raw_key the way SQLite compares labels (raw)."""
    segs = []
    if raw_key and "." not in raw_key and "[" not in raw_key and not raw_key.startswith('"'):
        segs.append("." + raw_key)
    if '"' not in raw_key:
        segs.append('."' + raw_key + '"')
    return segs


def tree_paths(node, prefix="$", out=None, depth=0):
    if out is None:
        out = []
    out.append(prefix)
    if depth > 4:
        return out
    if node[0] == "obj":
        for k, v in node[1]:
            for seg in key_segments(k):
                tree_paths(v, prefix + seg, out, depth + 1)
    elif node[0] == "arr":
        n = len(node[1])
        for i, v in enumerate(node[1]):
            tree_paths(v, prefix + "[%d]" % i, out, depth + 1)
        if n:
            out.append(prefix + "[#-1]")
            out.append(prefix + "[#-%d]" % n)
        out.append(prefix + "[#]")
        out.append(prefix + "[%d]" % (n + 3))
    return out


BAD_PATHS = ["", "a", "$a", "$.", "$..a", "$[", "$[x]", "$[#-]", "$[#x]", '$."unterminated',
             "$[0", "$.a[", "x'y", "$[-1]", "$.a.", "$[1.5]", "$ ", "$[0]x", "$[#-1", '$."a"x',
             "$.a[#-x]", "[0]", ".a", "$[4294967296]", "$[4294967297]", "$[#-4294967296]"]
MISSING_PATHS = ["$.nope", "$.a.b.c", "$[99]", "$.a[0]", "$[0].a", "$.\"nope\"", "$[#-99]"]

MALFORMED = ["", " ", "{", "}", "[", "]", "[1,]", "{\"a\":1,}", "{\"a\"}", "{\"a\":}", "{a:1}",
             "{'a':1}", "'a'", "nul", "nullx", "truex", "True", "NaN", "Infinity", "-Infinity",
             "01", "-01", "1.", ".5", "-", "--1", "+1", "1e", "1e+", "1.5.3", "0x10", "1 2",
             "[1 2]", "{\"a\":1 \"b\":2}", "\"abc", "\"a\\x\"", "\"a\\u12\"", "\"a\\u12g4\"",
             "\"\t\"", "\"\n\"", "\"\x01\"", "\f1", "\v1", "\u00a01", "1\f", "[1]]", "[[1]",
             "{\"a\":1}}", "{}{}", "[]x", "\"a\" \"b\"", "[,1]", "[1,,2]", "{,}", "{\"a\"::1}",
             "{1:2}", "[\"\\\"]", "\"\\", "\"\\u\"", "[true false]", "\x7f", "/*c*/1",
             "[" * 2001 + "]" * 2001, "{\"a\":" * 2001 + "1" + "}" * 2001]
WHITESPACE_OK = [" 1", "1 ", "\t[\n1\r]\n", " { \"a\" : 1 } ", "\r\n\"x\"\t", "[ ]", "{ }",
                 " [ { } , [ ] ] ", "[" * 2000 + "]" * 2000]

# Values for json_set/json_insert/json_replace/json_array/...: (kind, python)
VALUES = [("int", 0), ("int", 7), ("int", -9223372036854775808), ("int", 9223372036854775807),
          ("real", 1.0), ("real", 2.5), ("real", -0.1), ("real", 1e300), ("real", 1e-7),
          ("real", 123456789012345.0), ("real", 1234567890123456.0), ("real", 0.1 + 0.2),
          ("real", 3.0e-5), ("real", 1.0 / 3), ("text", ""), ("text", "abc"),
          ("text", 'q"uo\\te'), ("text", "line\nbreak\ttab\x01\x1f\x7f"), ("text", "é日本😀"),
          ("text", "[1,2]"), ("null", None), ("json", "[1, 2]"), ("json", '{"x": {"y": null}}'),
          ("json", '"s"'), ("json", "3.50"), ("json", "null"), ("json", " true ")]


def sq_value(v):
    """SQLite argument expression and params for a value spec."""
    kind, x = v
    if kind == "json":
        return "json(?)", [x]
    if kind == "blob":
        return "?", [bytes(x)]
    return "?", [x]


def pg_lit(s):
    if s is None:
        return "NULL::text"
    return "'" + s.replace("'", "''") + "'"


def pg_value(v):
    kind, x = v
    if kind == "json":
        return "litelift.json(%s)" % pg_lit(x)
    if kind == "int":
        return "litelift.json_quote('%d'::bigint)" % x
    if kind == "real":
        return "litelift.json_quote(%s::double precision)" % pg_lit(repr(x))
    if kind == "text":
        return "litelift.json_quote(%s::text)" % pg_lit(x)
    if kind == "blob":
        return "litelift.json_quote('\\x%s'::bytea)" % bytes(x).hex()
    return "NULL::json"  # SQL NULL (json_quote(NULL) would be the JSON null)


# ---------------------------------------------------------------------------
# Calls. Shapes: "sv" SQL value with its class from json_extract_type,
# "text"/"int" a value of that class or NULL, "real" json_extract_real,
# "rows" json_each/json_tree.

def sqlite_scalar(expr):
    return "SELECT typeof(e), CAST(e AS TEXT) FROM (SELECT %s AS e)" % expr


def pg_scalar(cls, expr):
    return ("SELECT pg_catalog.json_build_array(pg_catalog.json_build_array("
            "CASE WHEN v IS NULL THEN 'null' ELSE '%s' END, v))::text "
            "FROM (SELECT (%s)::text AS v) s" % (cls, expr))


def pg_sv(type_expr, value_expr):
    return ("SELECT pg_catalog.json_build_array(pg_catalog.json_build_array(%s, %s))::text"
            % (type_expr, value_expr))


def each_calls(fn, doc, root):
    args_sq = "?" if root is False else "?, ?"
    params = [doc] if root is False else [doc, root]
    cols = ["key", "value", "type", "atom", "id", "parent", "fullkey", "path"]
    sq = "SELECT %s FROM %s(%s)" % (
        ", ".join("typeof(%s), CAST(%s AS TEXT)" % (c, c) for c in cols), fn, args_sq)
    pg_args = pg_lit(doc) if root is False else "%s, %s" % (pg_lit(doc), pg_lit(root))
    vcls = ("CASE WHEN {c} IS NULL THEN 'null' WHEN type IN ('true', 'false') THEN 'integer' "
            "WHEN type = 'integer' THEN CASE WHEN pg_catalog.strpos({c}, '.') > 0 THEN 'real' "
            "ELSE 'integer' END WHEN type = 'real' THEN 'real' ELSE 'text' END")
    cells = [
        "CASE WHEN key IS NULL THEN 'null' WHEN pg_catalog.right(fullkey, 1) = ']' "
        "THEN 'integer' ELSE 'text' END, key",
        vcls.format(c="value") + ", value", "'text', type", vcls.format(c="atom") + ", atom",
        "CASE WHEN id IS NULL THEN 'null' ELSE 'integer' END, id::text",
        "CASE WHEN parent IS NULL THEN 'null' ELSE 'integer' END, parent::text",
        "'text', fullkey", "'text', path"]
    pg = ("SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_array(%s) ORDER BY o), "
          "'[]')::text FROM litelift.%s(%s) WITH ORDINALITY AS t(key, value, type, atom, id, "
          "parent, fullkey, path, o)" % (
              ", ".join("pg_catalog.json_build_array(%s)" % c for c in cells), fn, pg_args))
    return Call(fn if root is False else fn + "(x,p)", "rows", sq, params, pg)


def extract_call(doc, paths):
    q = ", ".join("?" for _ in paths)
    sq = sqlite_scalar("json_extract(?, %s)" % q)
    pa = ", ".join([pg_lit(doc)] + [pg_lit(p) for p in paths])
    pg = pg_sv("litelift.json_extract_type(%s)" % pa, "litelift.json_extract(%s)" % pa)
    return Call("json_extract" if len(paths) == 1 else "json_extract(multi)", "sv", sq,
                [doc] + list(paths), pg)


def real_call(doc, path):
    sq = "SELECT typeof(e), e FROM (SELECT json_extract(?, ?) AS e)"
    pg = pg_scalar("real", "litelift.json_extract_real(%s, %s)" % (pg_lit(doc), pg_lit(path)))
    return Call("json_extract_real", "real", sq, [doc, path], pg)


def arrow_calls(doc, path, as_int=False):
    pp = path if not as_int else int(path)
    sql_p = "?"
    pg_p = pg_lit(path) if not as_int else "%d::bigint" % int(path)
    c1 = Call("->", "text", sqlite_scalar("? -> %s" % sql_p), [doc, pp],
              pg_scalar("text", "litelift.json_arrow(%s, %s)" % (pg_lit(doc), pg_p)))
    c2 = Call("->>", "sv", sqlite_scalar("? ->> %s" % sql_p), [doc, pp],
              pg_sv("litelift.json_extract_type(%s, litelift.json_arrow_path(%s))"
                    % (pg_lit(doc), pg_p),
                    "litelift.json_arrow2(%s, %s)" % (pg_lit(doc), pg_p)))
    return [c1, c2]


def simple_call(fn, sq_expr, params, cls, pg_expr):
    return Call(fn, "text", sqlite_scalar(sq_expr), params, pg_scalar(cls, pg_expr))


def edit_call(fn, doc, pairs):
    """pairs: [(path, value spec)]"""
    sq_args, params = ["?"], [doc]
    for p, v in pairs:
        e, ps = sq_value(v)
        sq_args += ["?", e]
        params += [p] + ps
    pg = "litelift.%s(%s, ARRAY[%s]::text[], ARRAY[%s]::json[])" % (
        fn, pg_lit(doc), ", ".join(pg_lit(p) for p, _ in pairs),
        ", ".join(pg_value(v) for _, v in pairs))
    sq = "%s(%s)" % (fn, ", ".join(sq_args))
    roots = [v for p, v in pairs if p == "$"]
    if fn != "json_insert" and roots and roots[-1][0] in ("int", "real", "text"):
        # Documented: a new whole document that is a plain SQL value comes
        # back as JSON (json_quote of it), where SQLite returns the value.
        return simple_call(fn + "($ := value)", "json_quote(%s)" % sq, params, "text", pg)
    return simple_call(fn, sq, params, "text", pg)


def remove_call(doc, paths):
    sq = "json_remove(%s)" % ", ".join(["?"] * (1 + len(paths)))
    pg = "litelift.json_remove(%s)" % ", ".join([pg_lit(doc)] + [pg_lit(p) for p in paths])
    return simple_call("json_remove", sq, [doc] + list(paths), "text", pg)


def make_patch(rng, node, depth=0):
    """A merge patch for node: changes, null deletions, new and duplicate keys."""
    members = []
    if node[0] == "obj" and node[1]:
        for k, v in node[1]:
            r = rng.random()
            if r < 0.25:
                members.append((k, ("raw", "null")))
            elif r < 0.45 and depth < 3:
                members.append((k, make_patch(rng, v, depth + 1)))
            elif r < 0.6:
                members.append((k, gen_node(rng, 1)))
    for _ in range(rng.randint(0, 2)):
        members.append((rng.choice(KEYS), gen_node(rng, 2)))
    if members and rng.random() < 0.2:
        members.append(rng.choice(members))
    if rng.random() < 0.1:
        return gen_node(rng, 2)
    return ("obj", members)


def fn_call(fn, doc, *args, cls="text", name=None):
    """fn(doc, args...) on both sides; args are text or None."""
    sq = "%s(%s)" % (fn, ", ".join(["?"] * (1 + len(args))))
    pg = "litelift.%s(%s)" % (fn, ", ".join(pg_lit(a) for a in (doc,) + args))
    name = name or (fn if not args else fn + "(x,p)")
    return simple_call(name, sq, [doc] + list(args), cls, pg)


def patch_call(doc, patch):
    return fn_call("json_patch", doc, patch, name="json_patch")


# Quirks of SQLite's edit machinery, spelled out: (document, [(path, value)]).
EDIT_CASES = [
    ("[1]", [("$[#]", ("int", 2)), ("$[0]", ("int", 9))]),
    ("[1,2]", [("$[#]", ("int", 3)), ("$[#]", ("int", 4)), ("$[1]", ("int", 9))]),
    ('{"a":{"b":1}}', [("$.a", ("int", 5)), ("$.a.c", ("int", 6))]),
    ("{}", [("$.a.b", ("int", 1)), ("$.a.c", ("int", 2))]),
    ("{}", [('$."a"x', ("int", 1))]),
    ("{}", [("$.a[1]", ("int", 1))]),
    ("{}", [("$.a[0].b", ("int", 1)), ("$.a[0].c", ("int", 2)), ("$.a[#]", ("int", 3))]),
    ('{"a":1}', [("$.a[#]", ("int", 2))]),
    ("{}", [("$.a\\b", ("int", 1)), ("$.a\\b", ("int", 2))]),
    ('{"a\\b":0}', [("$.a\\b", ("int", 1)), ('$."a\\b"', ("int", 2))]),
    ('{"x":[]}', [("$.x[0]", ("json", "[]")), ("$.x[0][0]", ("int", 1))]),
    ("[]", [("$[0]", ("int", 1)), ("$[1]", ("int", 2)), ("$[3]", ("int", 4))]),
    ('{"a":1,"a":2}', [("$.a", ("int", 3)), ("$.b", ("text", "x")), ("$.b", ("text", "y"))]),
    ('{"a":[1,2,3]}', [("$.a[#-1]", ("int", 0)), ("$.a[#-3]", ("int", 0)),
                       ("$.a[#-4]", ("int", 0))]),
    ("{}", [("$.q\"k", ("text", "v")), ("$.ctl\n", ("int", 1)), ('$.""', ("int", 2))]),
]
REMOVE_CASES = [
    ("[1,2,3]", ["$[0]", "$[0]"]),
    ('{"a":1,"a":2}', ["$.a", "$.a"]),
    ('{"a":{"b":1,"c":2}}', ["$.a", "$.a.b"]),
    ("[[1,2],[3]]", ["$[0][#-1]", "$[#-1]"]),
    ("[1]", ["$"]),
    ("[1,2]", ["$[#]", "$[#-2]"]),
]
PATCH_CASES = [
    ('{"a":1,"a":2}', '{"a":null,"a":3}'),
    ("{}", '{"a":{"b":null,"c":[null]},"a":{"d":1}}'),
    ('{"a":{"x":1},"a":{"y":2}}', '{"a":{"z":3},"a":{"w":null}}'),
    ('{"a":1}', '{"b":{"c":null,"d":{"e":null}}}'),
    ("[1]", '{"a":null,"b":{"c":null}}'),
    ('{"a":[1]}', '[{"a":null}]'),
    ('{"a":{"b":1}}', '{"a":{"b":null},"a":{"b":2}}'),
    ('{"\\u0061":1}', '{"a":2}'),
    ('{"a":1}', '{"a":{"b":null}}'),
    ("null", "null"),
]
EACH_ROOTS = [
    ('{"a":[1,[2,3]],"b":{"c":[4]}}', "$.a[1]"),
    ('{"a":[1,[2,3]],"b":{"c":[4]}}', "$.b.c"),
    ('[5,{"x":1}]', "$[1].x"),
    ('{"a":5}', "$.a"),
    ("[[[]]]", "$[0][0]"),
    ('{"\\u0061":{"b c":[{"d":1}]}}', '$."\\u0061"'),
]
EDIT_FNS = ("json_set", "json_insert", "json_replace")


def doc_calls(rng, tree, doc):
    """Every function over one generated document and paths derived from it."""
    calls = []
    paths = tree_paths(tree)
    rng.shuffle(paths)
    found = paths[:7]
    missing = rng.sample(MISSING_PATHS, 2)
    bad = rng.sample(BAD_PATHS, 3)
    calls.append(fn_call("json_valid", doc, cls="integer"))
    calls.append(fn_call("json", doc))
    calls.append(fn_call("json_type", doc))
    calls.append(fn_call("json_array_length", doc, cls="integer"))
    calls.append(each_calls("json_each", doc, False))
    calls.append(each_calls("json_tree", doc, False))
    calls.append(remove_call(doc, []))
    for p in found + missing + bad:
        calls.append(extract_call(doc, [p]))
        calls.append(fn_call("json_type", doc, p))
        calls.append(fn_call("json_array_length", doc, p, cls="integer"))
        calls += arrow_calls(doc, p)
        calls.append(remove_call(doc, [p]))
        calls.append(edit_call(rng.choice(EDIT_FNS), doc, [(p, rng.choice(VALUES))]))
    for p in found[:3] + bad[:1]:
        calls.append(each_calls("json_each", doc, p))
        calls.append(each_calls("json_tree", doc, p))
        calls.append(real_call(doc, p))
    calls.append(extract_call(doc, found[:3] + missing[:1]))
    calls.append(extract_call(doc, [found[0], None]))
    calls.append(remove_call(doc, found[:3]))
    calls.append(remove_call(doc, [found[0], None, bad[0]]))
    for fn in EDIT_FNS:
        pairs = [(rng.choice(found + missing + ["$[#]", "$.new", "$.new.deep", "$.new[0]",
                                                "$[#].x", "$.a[#]"]),
                  rng.choice(VALUES)) for _ in range(rng.randint(2, 4))]
        calls.append(edit_call(fn, doc, pairs))
    # abbreviated -> and ->> paths: labels and indexes, as text and integer
    for p in ["a", "b", "0", "1", "[0]", "a.b", "nope", "#", "-1", "", "é"]:
        calls += arrow_calls(doc, p)
    for p in ["0", "2", "-1"]:
        calls += arrow_calls(doc, p, as_int=True)
    calls.append(patch_call(doc, render(make_patch(rng, tree), rng.randint(0, 3), rng)))
    return calls


def malformed_calls(doc):
    """Malformed and odd documents through every function that parses."""
    return [fn_call("json_valid", doc, cls="integer"), fn_call("json", doc),
            extract_call(doc, ["$"]), extract_call(doc, [None]), extract_call(doc, ["$", "$[0]"]),
            fn_call("json_type", doc), fn_call("json_array_length", doc, cls="integer"),
            remove_call(doc, ["$[0]"]), edit_call("json_set", doc, [("$.a", ("int", 1))]),
            patch_call(doc, "{}"), patch_call("{}", doc), each_calls("json_each", doc, False),
            each_calls("json_tree", doc, "$")] + arrow_calls(doc, "$")


def number_calls(rng):
    """SQLite's reading of every number spelling and its 15-digit printing."""
    calls = []
    for _ in range(300):
        mant = str(rng.randint(0, 10 ** rng.randint(1, 20)))
        if rng.random() < 0.6:
            mant += "." + str(rng.randint(0, 10 ** rng.randint(1, 18))).zfill(rng.randint(1, 3))
        if rng.random() < 0.5:
            mant += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 330))
        doc = rng.choice(["[%s]", '{"n":%s}', " %s "]) % (rng.choice(["", "-"]) + mant)
        path = "$" if doc.startswith(" ") else ("$[0]" if doc.startswith("[") else "$.n")
        calls.append(extract_call(doc, [path]))
        calls.append(real_call(doc, path))
        calls.append(each_calls("json_each", doc, False))
        # 15 digits and a 5: halfway cases, where SQLite's printf is not
        # correctly rounded.
        tie = "%d.%d5%s" % (rng.randint(1, 9), rng.randint(10 ** 13, 10 ** 14 - 1),
                            rng.choice(["", "0", "00001", "9"]))
        f = rng.choice([rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30), rng.random(),
                        float(rng.randint(1, 10 ** 17)), rng.randint(1, 999) / 1000.0,
                        float(tie + "e%d" % rng.randint(-320, 300)),
                        float(tie) * 10 ** rng.randint(-6, 16)])
        calls.append(simple_call("json_quote(real)", "json_quote(?)", [f], "text",
                                 pg_value(("real", f))))
    return calls


def case_calls():
    """The tables of quirks above."""
    calls = []
    for doc, pairs in EDIT_CASES:
        calls += [edit_call(fn, doc, pairs) for fn in EDIT_FNS]
    calls += [remove_call(doc, paths) for doc, paths in REMOVE_CASES]
    calls += [patch_call(doc, patch) for doc, patch in PATCH_CASES]
    for doc, root in EACH_ROOTS:
        calls += [each_calls("json_each", doc, root), each_calls("json_tree", doc, root)]
    return calls


def null_calls():
    """SQL NULL as document, path and value."""
    calls = []
    for doc in (None, '{"a":[1,2]}'):
        calls += [fn_call("json_valid", doc, cls="integer"), fn_call("json", doc),
                  each_calls("json_each", doc, False), patch_call(doc, None),
                  patch_call(None, doc)]
        for p in (None, "$.a", "$x"):
            calls += [extract_call(doc, [p]), extract_call(doc, [p, "$.a[0]"]),
                      fn_call("json_type", doc, p),
                      fn_call("json_array_length", doc, p, cls="integer"),
                      remove_call(doc, [p]), remove_call(doc, ["$.a[0]", p]),
                      each_calls("json_each", doc, p), each_calls("json_tree", doc, p),
                      real_call(doc, p)] + arrow_calls(doc, p)
            calls += [edit_call(fn, doc, [(p, ("int", 1)), ("$.b", ("null", None))])
                      for fn in EDIT_FNS]
    return calls


def large_calls(rng):
    calls = []
    for n in (300, 2000):
        tree = ("arr", [("obj", [("k", ("raw", str(i))), ("s", ("raw", '"v\\%d"' % i)),
                                  ("k", ("raw", "null"))]) for i in range(n)])
        doc = render(tree, 1, rng)
        calls += [extract_call(doc, [p]) for p in ("$[%d].k" % (n - 1), "$[#-1].s", "$[7]")]
        calls.append(edit_call("json_set", doc, [("$[%d].k" % (n // 2), ("int", 1)),
                                                 ("$[#]", ("int", 2))]))
        calls.append(remove_call(doc, ["$[0]", "$[#-1].s"]))
        calls.append(fn_call("json", doc))
        calls.append(each_calls("json_tree", doc, "$[%d]" % (n - 2)))
    return calls


def value_calls(rng):
    """SQL values into JSON: json_quote, json_array, json_object, the aggregates."""
    calls = []
    for v in VALUES + [("blob", b"\x00\x01"), ("real", float("inf")), ("real", float("-inf"))]:
        e, ps = sq_value(v)
        if v[0] == "real" and abs(v[1]) == float("inf"):
            # Documented: 9.0e+999 (SQLite 3.42's spelling) for 3.40's Inf, no JSON.
            calls.append(simple_call("json_quote(Inf)", "replace(json_quote(%s), 'Inf', '9.0e+999')"
                                     % e, ps, "text", pg_value(v)))
        elif v[0] == "null":
            calls.append(simple_call("json_quote", "json_quote(NULL)", [], "text",
                                     "litelift.json_quote(NULL::text)"))
        else:
            calls.append(simple_call("json_quote", "json_quote(%s)" % e, ps, "text", pg_value(v)))
    for _ in range(60):
        vs = [rng.choice(VALUES) for _ in range(rng.randint(0, 5))]
        es = [sq_value(v) for v in vs]
        pg_vals = ", ".join(pg_value(v) for v in vs)
        calls.append(simple_call(
            "json_array", "json_array(%s)" % ", ".join(e for e, _ in es),
            [p for _, ps in es for p in ps], "text", "litelift.json_array(%s)" % pg_vals))
        keys = [rng.choice(["a", "b", "", "é", 'q"', "a\\b", "\n"]) for _ in vs]
        calls.append(simple_call(
            "json_object", "json_object(%s)" % ", ".join("?, %s" % e for e, _ in es),
            [x for k, (_, ps) in zip(keys, es) for x in [k] + ps], "text",
            "litelift.json_object(ARRAY[%s]::text[], ARRAY[%s]::json[])"
            % (", ".join(pg_lit(k) for k in keys), pg_vals)))
        # A subquery drops SQLite's JSON subtype: rows carry a flag, json() is
        # applied inside the aggregate's argument.
        sq_rows = " UNION ALL ".join(
            "SELECT %d AS o, ? AS v, ? AS k, %d AS j" % (i, v[0] == "json")
            for i, v in enumerate(vs)) or "SELECT 0 AS o, NULL AS v, NULL AS k, 0 AS j WHERE 0"
        sq_params = [x for k, v in zip(keys, vs) for x in [v[1], k]]
        pg_rows = ", ".join("(%d, %s, %s)" % (i, pg_value(v), pg_lit(k))
                            for i, (v, k) in enumerate(zip(vs, keys)))
        pg_from = ("(VALUES %s) AS t(o, v, k)" % pg_rows) if vs else \
            "(SELECT 0 AS o, NULL::json AS v, NULL::text AS k WHERE false) AS t"
        for name, sq_agg, pg_agg in [
                ("json_group_array", "json_group_array(iif(j, json(v), v))",
                 "json_group_array(v ORDER BY o)"),
                ("json_group_object", "json_group_object(k, iif(j, json(v), v))",
                 "json_group_object(k, v ORDER BY o)")]:
            calls.append(simple_call(name, "(SELECT %s FROM (%s ORDER BY o))" % (sq_agg, sq_rows),
                                     sq_params, "text",
                                     "SELECT litelift.%s FROM %s" % (pg_agg, pg_from)))
    return calls


def nested_calls(rng, docs):
    """json function results passed on keep their JSON-ness (SQLite's subtype)."""
    calls = []
    for tree, doc in docs[:40]:
        p = rng.choice(tree_paths(tree))
        calls.append(simple_call(
            "json_array(json_extract)", "json_array(json_extract(?, ?), json(?))",
            [doc, p, doc], "text",
            "litelift.json_array(litelift.json_extract_json(%s, %s), litelift.json(%s))"
            % (pg_lit(doc), pg_lit(p), pg_lit(doc))))
        calls.append(simple_call(
            "json_set(->)", "json_set('{}', '$.v', ? -> ?)", [doc, p], "text",
            "litelift.json_set('{}', '$.v', litelift.json_arrow(%s, %s))"
            % (pg_lit(doc), pg_lit(p))))
    return calls


def make_calls(rng):
    docs = []
    for i in range(170):
        tree = gen_node(rng, rng.randint(0, 4))
        docs.append((tree, render(tree, i % 4, rng)))
    calls = []
    for tree, doc in docs:
        calls += doc_calls(rng, tree, doc)
    for doc in MALFORMED + WHITESPACE_OK:
        calls += malformed_calls(doc)
    calls += number_calls(rng) + case_calls() + null_calls() + large_calls(rng)
    calls += value_calls(rng) + nested_calls(rng, docs)
    return calls


# ---------------------------------------------------------------------------

def run_sqlite(calls):
    con = sqlite3.connect(":memory:")
    con.text_factory = bytes
    out = []
    for c in calls:
        try:
            rows = con.execute(c.sql, c.params).fetchall()
        except sqlite3.Error as e:
            out.append(("error", str(e)))
            continue
        try:
            if c.shape == "real":
                cls, v = rows[0]
                cls = cls.decode()
                out.append(("real", None if cls not in ("integer", "real") else float(v)))
                continue
            res = []
            lone = False
            for row in rows:
                cells = []
                for i in range(0, len(row), 2):
                    v = row[i + 1]
                    if isinstance(v, bytes):
                        try:
                            v = v.decode("utf-8")
                        except UnicodeDecodeError:
                            # Documented: a lone surrogate escape, which SQLite
                            # writes as invalid UTF-8, decodes to U+FFFD.
                            v = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch
                                        for ch in v.decode("utf-8", "surrogatepass"))
                            lone = True
                    cells.append([row[i].decode(), None if v is None else str(v)])
                res.append(cells)
            out.append(("rows", res, "lone") if lone else ("rows", res))
        except UnicodeDecodeError:
            out.append(("unrepresentable", None))
    return out


def run_pg(db, calls, psql):
    tag = "$JsonGridQ$"
    lines = [
        "SET search_path TO litelift, pg_catalog, public;",
        "SET statement_timeout = '300s';",
        "CREATE FUNCTION pg_temp.t(q text) RETURNS text LANGUAGE plpgsql AS $f$",
        "DECLARE r text; BEGIN EXECUTE q INTO r; RETURN r;",
        "EXCEPTION WHEN OTHERS THEN RETURN pg_catalog.json_build_object('error', SQLERRM)::text;",
        "END $f$;",
        "SELECT i, pg_temp.t(q) FROM (VALUES"]
    vals = []
    for i, c in enumerate(calls):
        assert tag not in c.pg
        vals.append("(%d, %s%s%s)" % (i, tag, c.pg, tag))
    lines.append(",\n".join(vals))
    lines.append(") AS v(i, q) ORDER BY i;")
    script = "\n".join(lines) + "\n"
    proc = subprocess.run([psql, "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                           "-d", db, "-f", "-"], input=script.encode(), capture_output=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        sys.exit("psql failed")
    out = [None] * len(calls)
    for line in proc.stdout.decode().split("\n"):
        if not line:
            continue
        i, _, res = line.partition("\t")
        c = calls[int(i)]
        r = json.loads(res) if res else None
        if isinstance(r, dict) and "error" in r:
            out[int(i)] = ("error", r["error"])
        elif c.shape == "real":
            cls, v = r[0]
            out[int(i)] = ("real", None if v is None else float(v))
        elif c.shape == "rows":
            out[int(i)] = ("rows", r)
        else:
            out[int(i)] = ("rows", [r])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True, help="database with the litelift JSON functions")
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
    actual = run_pg(args.db, calls, args.psql)
    t2 = time.time()
    checked = collections.Counter()
    bad = collections.Counter()
    unrepresentable = collections.Counter()
    shown = []
    for c, e, a in zip(calls, expected, actual):
        if e[0] == "unrepresentable":
            unrepresentable[c.fn] += 1
            continue
        if len(e) == 3:
            unrepresentable[c.fn] += 1
            e = e[:2]
        checked[c.fn] += 1
        if e != a:
            bad[c.fn] += 1
            if len(shown) < args.show:
                shown.append((c, e, a))
    total = sum(checked.values())
    print("json grid: SQLite %s, %d calls checked (%d on SQLite in %.1fs, PostgreSQL in %.1fs)"
          % (sqlite3.sqlite_version, total, len(calls), t1 - t0, t2 - t1))
    for fn in sorted(checked):
        print("  %-26s %5d calls %5d mismatches" % (fn, checked[fn], bad[fn]))
    if unrepresentable:
        print("  of these, SQLite returns invalid UTF-8 for a lone surrogate escape, "
              "compared as U+FFFD: %s" % dict(unrepresentable))
    for c, e, a in shown:
        print("MISMATCH %s\n  sqlite: %s %r\n  params: %r\n  postgres: %r\n  pg sql: %s"
              % (c.fn, c.sql, e, c.params, a, c.pg[:400]))
    if bad:
        print("json grid: FAILED, %d mismatches" % sum(bad.values()))
        return 1
    print("json grid: all %d calls match" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
