#!/usr/bin/env python3
"""Compares a performance run with the baseline kept in the repository.

Reads the JSON the benchmarks print, saved in one folder:
  curtois.jsonl          `rota bench curtois --json` (one object per instance)
  queue-<backend>.json   `rota bench queue --backend <backend> --json`
  loadtest-<name>.json   `rota loadtest ... --json`
and fails (exit 1) when a figure is more than the tolerance worse than its baseline, when the
load test's mean response exceeds the absolute limit, or when it saw errors. A figure without
a baseline is reported and not gated; `--update` writes the run's figures as the new baseline.
"""

import argparse
import json
import pathlib
import sys

# Which direction is better for each figure the gate reads; everything else is ignored.
LOWER, HIGHER = "lower", "higher"
CURTOIS = {"objective": LOWER, "seconds": LOWER}
QUEUE = {"e2e_per_s": HIGHER, "enqueue_per_s": HIGHER, "pickup_p99_ms": LOWER}
LOADTEST = {"mean_ms": LOWER, "p99_ms": LOWER, "requests_per_s": HIGHER}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", type=pathlib.Path, help="folder with the run's JSON files")
    parser.add_argument(
        "--baseline", type=pathlib.Path, default=pathlib.Path("perf/baseline.json"),
        help="baseline file [default: perf/baseline.json]")
    parser.add_argument(
        "--tolerance", type=float, default=None,
        help="allowed regression as a fraction [default: the baseline's, else 0.2]")
    parser.add_argument(
        "--max-mean-ms", type=float, default=1000.0,
        help="absolute limit of every load test's mean response [default: 1000]")
    parser.add_argument(
        "--update", action="store_true",
        help="write this run's figures into the baseline instead of gating")
    return parser.parse_args()


def read_json(path):
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        sys.exit(f"error: cannot read {path}: {err}")


def figures(results):
    """{metric name: (value, better)} of every gated figure in the results folder."""
    found = {}

    def take(prefix, record, wanted):
        for key, better in wanted.items():
            value = record.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                found[f"{prefix}.{key}"] = (float(value), better)

    curtois = results / "curtois.jsonl"
    if curtois.exists():
        for number, line in enumerate(curtois.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                sys.exit(f"error: {curtois} line {number}: {err}")
            take(f"curtois.{row.get('instance', number)}", row, CURTOIS)
    for path in sorted(results.glob("queue-*.json")):
        take(f"queue.{path.stem.removeprefix('queue-')}", read_json(path), QUEUE)
    for path in sorted(results.glob("loadtest-*.json")):
        take(f"loadtest.{path.stem.removeprefix('loadtest-')}", read_json(path), LOADTEST)
    return found


def absolute_failures(results, max_mean_ms):
    failures = []
    for path in sorted(results.glob("loadtest-*.json")):
        run = read_json(path)
        if run.get("errors", 0):
            failures.append(f"{path.name}: {run['errors']} requests failed")
        mean = run.get("mean_ms")
        if isinstance(mean, (int, float)) and mean > max_mean_ms:
            failures.append(f"{path.name}: mean {mean:.1f} ms over the {max_mean_ms:.0f} ms limit")
    return failures


def regressed(value, base, better, tolerance):
    """True when `value` is more than `tolerance` worse than `base`."""
    if better == LOWER:
        return value > base * (1 + tolerance)
    return value < base * (1 - tolerance)


def main():
    args = parse_args()
    if not args.results.is_dir():
        sys.exit(f"error: {args.results} is not a folder")
    run = figures(args.results)
    if not run:
        sys.exit(f"error: no benchmark results in {args.results}")
    baseline = read_json(args.baseline) if args.baseline.exists() else {"metrics": {}}
    metrics = baseline.setdefault("metrics", {})

    if args.update:
        for name, (value, better) in run.items():
            metrics[name] = {"value": value, "better": better}
        args.baseline.parent.mkdir(parents=True, exist_ok=True)
        args.baseline.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n")
        print(f"baseline {args.baseline}: {len(run)} figures written")
        return 0

    tolerance = args.tolerance if args.tolerance is not None else baseline.get("tolerance", 0.2)
    failures = absolute_failures(args.results, args.max_mean_ms)
    print(f"{'figure':<40} {'baseline':>12} {'now':>12} {'change':>8}  verdict")
    for name, (value, better) in sorted(run.items()):
        base = metrics.get(name, {}).get("value")
        if base is None:
            print(f"{name:<40} {'-':>12} {value:>12.2f} {'':>8}  no baseline")
            continue
        change = (value - base) / base * 100 if base else 0.0
        bad = regressed(value, base, better, tolerance)
        print(f"{name:<40} {base:>12.2f} {value:>12.2f} {change:>+7.1f}%  "
              f"{'REGRESSED' if bad else 'ok'} ({better} is better)")
        if bad:
            failures.append(f"{name} regressed {change:+.1f}% (limit {tolerance:.0%})")
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
