#!/usr/bin/env python3
"""Line coverage per workspace crate from an LCOV file, with a gate on some of them.

Prints one row per crate (lines hit, lines found, percent) and, for each gated crate, its
least covered files; exits 1 when a gated crate is below the minimum or has no lines at all.
"""

import argparse
import collections
import pathlib
import sys

# The root package `rota` lives in src/; every other crate in a folder of its own name.
ROOT_CRATE = "rota"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lcov", type=pathlib.Path, help="the LCOV file (lcov.info)")
    parser.add_argument(
        "--workspace", type=pathlib.Path, default=pathlib.Path.cwd(),
        help="workspace root the LCOV paths are under [default: the current folder]")
    parser.add_argument(
        "--min", type=float, default=80.0, help="minimum line coverage in percent [default: 80]")
    parser.add_argument(
        "--gate", default="solver,forecast,worker",
        help="comma-separated crate folders held to the minimum [default: solver,forecast,worker]")
    parser.add_argument(
        "--worst", type=int, default=5,
        help="least covered files to list per gated crate [default: 5]")
    return parser.parse_args()


def crate_of(path, workspace):
    """(crate folder, path inside the workspace), or None for code outside it."""
    try:
        relative = pathlib.Path(path).resolve().relative_to(workspace.resolve())
    except ValueError:
        return None
    parts = relative.parts
    if not parts or "tests" in parts or "benches" in parts or "examples" in parts:
        return None
    crate = ROOT_CRATE if parts[0] == "src" else parts[0]
    return crate, relative


def read_lcov(path, workspace):
    """{crate: {file: (hit, found)}} counted from the DA records, one per instrumented line."""
    files = collections.defaultdict(dict)
    current, lines = None, {}

    def close():
        if current is not None:
            crate, relative = current
            files[crate][relative] = (sum(1 for hits in lines.values() if hits > 0), len(lines))

    try:
        text = path.read_text()
    except OSError as err:
        sys.exit(f"error: cannot read {path}: {err}")
    for raw in text.splitlines():
        if raw.startswith("SF:"):
            current, lines = crate_of(raw[3:], workspace), {}
        elif raw.startswith("DA:") and current is not None:
            number, hits = raw[3:].split(",")[:2]
            # A line reported twice (generics, several test binaries) counts once, hit if any hit it.
            lines[int(number)] = max(lines.get(int(number), 0), int(float(hits)))
        elif raw == "end_of_record":
            close()
            current, lines = None, {}
    return files


def percent(hit, found):
    return 100.0 * hit / found if found else 0.0


def main():
    args = parse_args()
    gated = [name for name in args.gate.split(",") if name]
    files = read_lcov(args.lcov, args.workspace)
    failures = []
    print(f"{'crate':<12} {'lines hit':>10} {'lines':>8} {'coverage':>9}  gate")
    for crate in sorted(set(files) | set(gated)):
        hit = sum(h for h, _ in files.get(crate, {}).values())
        found = sum(f for _, f in files.get(crate, {}).values())
        share = percent(hit, found)
        gate = ""
        if crate in gated:
            ok = found > 0 and share >= args.min
            gate = f"{'ok' if ok else 'FAIL'} (>= {args.min:g} %)"
            if not ok:
                failures.append(f"{crate} {share:.1f} %")
        print(f"{crate:<12} {hit:>10} {found:>8} {share:>8.1f}%  {gate}")
    for crate in gated:
        worst = sorted(files.get(crate, {}).items(), key=lambda item: percent(*item[1]))
        listed = [(name, counts) for name, counts in worst if counts[0] < counts[1]][: args.worst]
        if listed:
            print(f"\n{crate}: least covered files")
            for name, (hit, found) in listed:
                print(f"  {percent(hit, found):5.1f}%  {found - hit:>4} lines missed  {name}")
    if failures:
        print(f"\nerror: line coverage below {args.min:g} %: {', '.join(failures)}", file=sys.stderr)
        return 1
    print(f"\ncoverage gate passed: {', '.join(gated)} at >= {args.min:g} % lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
