#!/usr/bin/env python3
"""The quality ratchet: compare scorer output with the floors committed in floors.toml.

Usage: check_floors.py --floors floors.toml SECTION=RESULT.json [SECTION=RESULT.json ...]

Each [section] of floors.toml maps a dotted path into one scorer's --json output (for
example "timexes.value.f1") to its floor. Every figure must be at least its floor; a missing
figure is a failure too. Prints one line per figure and exits 1 if any is below its floor
(2 for bad arguments). Sections with no RESULT given are reported as skipped.
Standard library only (tomllib needs Python 3.11).
"""
import argparse
import json
import sys
import tomllib


def lookup(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj if isinstance(obj, (int, float)) and not isinstance(obj, bool) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--floors", required=True)
    ap.add_argument("results", nargs="+", metavar="SECTION=RESULT.json")
    a = ap.parse_args()
    with open(a.floors, "rb") as fh:
        floors = tomllib.load(fh)
    results = {}
    for item in a.results:
        section, sep, path = item.partition("=")
        if not sep:
            ap.error(f"expected SECTION=RESULT.json, got {item!r}")
        with open(path, encoding="utf-8") as fh:
            results[section] = json.load(fh)
    failed = 0
    for section, figures in floors.items():
        if section not in results:
            print(f"skip  [{section}] (no result given)")
            continue
        for key, floor in figures.items():
            got = lookup(results[section], key)
            ok = got is not None and got + 1e-9 >= floor
            failed += not ok
            shown = "missing" if got is None else f"{got:.4f}"
            print(f"{'ok  ' if ok else 'FAIL'}  [{section}] {key:<36} {shown:>8}  floor {floor:.4f}")
    for section in results:
        if section not in floors:
            print(f"warn  result for [{section}] has no floors", file=sys.stderr)
    if failed:
        print(f"{failed} figure(s) below their floor", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
