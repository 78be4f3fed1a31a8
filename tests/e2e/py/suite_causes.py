#!/usr/bin/env python3
"""Groups the failures of a verbose `python -m test test_sqlite3 -v` log by
cause, for the report on CPython's suite over the postgres route.

    suite_causes.py LOG
"""
import re
import sys

# (cause, pattern on the failure's text), first match wins.
CAUSES = [
    ("blob API (sqlite3_blob_open) not supported", r"sqlite3_blob_open"),
    ("backup API not supported", r"sqlite3_backup_init|backup"),
    ("serialize/deserialize not supported", r"serializ"),
    ("user-defined SQL functions run only on SQLite", r"no such function: (?!zeroblob)|user-defined|method (raised|not defined)"),
    ("untyped/NUMERIC columns keep text, not the stored class", r"'-?\d+(\.\d+)?' != -?\d|datatype mismatch|\('\d+',\)"),
    ("TEXT columns with NUL bytes (PostgreSQL text cannot hold NUL; refused by name)", r"\\x00|\\0|zero byte|ZeroBytes|NUL byte"),
    ("test deletes the database file to reset it (data is on the server)", r"already exists"),
    ("test expects a local file", r"os\.path\.exists|file is not a database"),
    ("INSERT OR REPLACE/ROLLBACK with several unique keys", r"on_conflict|UNIQUE constraint failed"),
    ("implicit rowid on tables without INTEGER PRIMARY KEY", r"rowid|lastrowid"),
    ("dump (iterdump) needs more SQL functions", r"test_dump"),
    ("window functions / aggregates of the program", r"Window|Aggregate"),
]


def main():
    text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    blocks = re.split(r"\n(?==+\n(?:ERROR|FAIL): )", text)
    counts = {}
    examples = {}
    for block in blocks:
        m = re.search(r"^(ERROR|FAIL): (\S+) \(([^)]+)\)", block, re.M)
        if not m:
            continue
        cause = "other"
        for name, pattern in CAUSES:
            if re.search(pattern, block):
                cause = name
                break
        counts[cause] = counts.get(cause, 0) + 1
        examples.setdefault(cause, m.group(3).split(".")[-2] + "." + m.group(2))
    for cause, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"{n:4d}  {cause}  (e.g. {examples[cause]})")


if __name__ == "__main__":
    main()
