#!/usr/bin/env python3
"""The straightforward Python importer of the Activity Log diagnostic-archive shape.

This is the baseline that `scopedown import` is compared against (issue 4: at least 10x its
throughput on the same file, in the same run). It is deliberately the obvious program a
competent engineer writes in an afternoon, standard library only:

  walk the input folder (or read one file), json.loads per line, aggregate
  (caller, action, scope, day) -> count in a dict, then sqlite3 executemany into one table in
  one transaction.

caller = identity.claims objectidentifier, else the top-level caller; action =
identity.authorization.action; scope = identity.authorization.scope; day = time[:10].
Lines holding {"records": [...]} (Event Hubs delivery) are expanded too.

Usage: python_importer.py INPUT (file or folder) [--db OUT.db]
Prints: events, seconds, events/s, MB/s (one line each, `key: value`).
"""
import argparse
import json
import os
import sqlite3
import sys
import time

OID = "http://schemas.microsoft.com/identity/claims/objectidentifier"


def input_files(path):
    if os.path.isfile(path):
        yield path
        return
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".json") or name.endswith(".jsonl"):
                yield os.path.join(root, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="a PT1H.json file or a folder walked recursively")
    parser.add_argument("--db", default="python-usage.db", help="output SQLite file (replaced)")
    args = parser.parse_args()

    start = time.perf_counter()
    counts = {}
    events = 0
    total_bytes = 0
    for path in input_files(args.input):
        total_bytes += os.path.getsize(path)
        with open(path, "r", encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                records = obj.get("records") if isinstance(obj, dict) and "records" in obj else [obj]
                for rec in records:
                    if not isinstance(rec, dict):
                        continue
                    identity = rec.get("identity")
                    if not isinstance(identity, dict):
                        identity = {}
                    claims = identity.get("claims") or {}
                    authz = identity.get("authorization") or {}
                    caller = claims.get(OID) or rec.get("caller")
                    action = authz.get("action")
                    scope = authz.get("scope")
                    day = (rec.get("time") or "")[:10]
                    key = (caller, action, scope, day)
                    counts[key] = counts.get(key, 0) + 1
                    events += 1

    if os.path.exists(args.db):
        os.remove(args.db)
    conn = sqlite3.connect(args.db)
    conn.execute(
        "CREATE TABLE usage (caller TEXT, action TEXT, scope TEXT, day TEXT, count INTEGER)"
    )
    with conn:  # one transaction
        conn.executemany(
            "INSERT INTO usage (caller, action, scope, day, count) VALUES (?, ?, ?, ?, ?)",
            ((c, a, s, d, n) for (c, a, s, d), n in counts.items()),
        )
    conn.close()
    seconds = time.perf_counter() - start
    print(f"events: {events}")
    print(f"rows: {len(counts)}")
    print(f"bytes: {total_bytes}")
    print(f"seconds: {seconds:.3f}")
    print(f"events/s: {events / seconds if seconds > 0 else 0:.0f}")
    print(f"MB/s: {total_bytes / 1e6 / seconds if seconds > 0 else 0:.1f}")


if __name__ == "__main__":
    sys.exit(main())
