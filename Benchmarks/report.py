#!/usr/bin/env python3
"""Renders Benchmarks/results/*.tsv (written by run.sh) as the Markdown tables of docs/performance.md.

Usage: Benchmarks/report.py [results/tiny.tsv results/small.tsv ...]   (default: every TSV, by size)
Prints one table per measure group, rows in size order, with the columns
size / input / wall time / throughput / peak RSS / command. Standard library only.
"""
import csv
import glob
import os
import sys

ORDER = {"tiny": 0, "small": 1, "medium": 2, "large": 3}


def load(paths):
    rows = []
    for path in paths:
        with open(path, newline="") as f:
            lines = [l for l in f if not l.startswith("#")]
        for r in csv.DictReader(lines, delimiter="\t"):
            rows.append(r)
    rows.sort(key=lambda r: ORDER.get(r["size"], 9))
    return rows


def mb(b):
    try:
        b = float(b)
    except ValueError:
        return ""
    return f"{b / 1e9:.2f} GB" if b >= 1e9 else (f"{b / 1e6:.1f} MB" if b >= 1e6 else f"{b / 1e3:.0f} KB")


def wall(r):
    if not r["status"].startswith("ok"):
        return r["status"]
    cpu = r.get("cpu_s") or "-"
    return f"{r['wall_s']} s" + (f" ({cpu} s CPU)" if cpu not in ("-", "") else "")


def throughput(r):
    parts = []
    if r["MB_per_s"] not in ("-", ""):
        parts.append(f"{r['MB_per_s']} MB/s")
    if r["items_per_s"] not in ("-", ""):
        parts.append(f"{int(float(r['items_per_s'])):,} events/s")
    return ", ".join(parts)


def shorten(command, size):
    """Readable commands: `scopedown`, `T/` for the generated tenant, `DB` for the database."""
    return (command.replace(".build/release/scopedown", "scopedown")
            .replace(f"bench-out/{size}/tenant/", "T/").replace(f"bench-out/{size}/tenant", "T")
            .replace(f"bench-out/{size}/scopedown.db", "DB").replace(f"bench-out/{size}/python-usage.db", "PY.db")
            .replace("../shared/azure/", "").replace("Benchmarks/", "").replace("sh -c ", ""))


def table(title, rows):
    print(f"### {title}\n")
    print("| size | input | wall time | throughput | peak RSS | command |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        inp = (r["measure"] if r["input"] in ("-", "") else r["input"]) if r["bytes"] in ("-", "") else f"{r['input']} ({mb(r['bytes'])}" + (
            f", {int(r['items']):,} records)" if r["items"] not in ("-", "") else ")")
        rss = f"{r['peak_rss_MiB']} MiB" if r["peak_rss_MiB"] not in ("-", "") else ""
        cmd = shorten(r["command"], r["size"]).replace("|", "\\|")
        print(f"| {r['size']} | {inp} | {wall(r)} | {throughput(r)} | {rss} | `{cmd}` |")
    print()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(here, "results", "*.tsv")))
    rows = load(paths)
    groups = [
        ("Synthetic tenant generation", lambda m: m == "synth generation"),
        ("I/O floor", lambda m: m.startswith("I/O floor")),
        ("Activity Log import against the Python baseline", lambda m: m.startswith("import: activity") or m.startswith("python")),
        ("Inventory import, per kind", lambda m: m.startswith("import:") and "activity" not in m),
        ("Evaluator queries", lambda m: m.split(" (")[0] in ("effective", "who-can", "explain", "blast-radius")),
        ("Usage attribution", lambda m: m.startswith("usage")),
    ]
    for title, pick in groups:
        table(title, [r for r in rows if pick(r["measure"])])
    ratios = [r for r in rows if r["measure"].startswith("ratio")]
    if ratios:
        print("### Ratios (same run)\n")
        print("| size | ratio | value |")
        print("|---|---|---|")
        for r in ratios:
            print(f"| {r['size']} | {r['measure'][len('ratio: '):]} | {r['items_per_s'] if r['status'] == 'ok' else r['status']} |")
        print()


if __name__ == "__main__":
    main()
