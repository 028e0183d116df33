#!/usr/bin/env python3
"""Compares the Parquet contents of two moelab warehouses, table by table and run by run.

usage: compare_warehouses.py BEFORE AFTER --run RUN [--run RUN ...] [--same-path OLD=NEW ...] [--ignore COLUMN ...]

Rows are compared as sorted multisets of all columns except the ignored ones; the `runs` table
is compared without its timestamps, Spark application id and git commit, which differ between two
runs of the same job by nature, and every table without `tokens_per_second` (a timing). `--same-path OLD=NEW` treats a path in the BEFORE tables (the
warehouse root, an output folder, inside `runs.config` too) as the NEW one, so two warehouses
written to different folders compare equal when nothing else differs. Prints one line per
table and exits 1 if any table differs. Needs pyarrow (pip install pyarrow).
"""
import argparse
import pathlib
import sys

import pyarrow.dataset as ds

RUNS_VOLATILE = {"started_at", "finished_at", "spark_application_id", "git_commit"}
# Measured speed, not a result.
TIMINGS = {"tokens_per_second"}


def read(root, table, run_id):
    folder = pathlib.Path(root) / table / f"run_id={run_id}"
    if not folder.exists():
        return None
    frame = ds.dataset(str(folder), format="parquet").to_table().to_pandas()
    return frame


def canonical(frame, ignore, same_paths=()):
    cols = sorted(c for c in frame.columns if c not in ignore)
    frame = frame[cols].copy()
    for c in cols:
        frame[c] = frame[c].map(lambda value: rewrite(value, same_paths)).map(repr)
    return frame.sort_values(cols).reset_index(drop=True)


def rewrite(value, same_paths):
    if isinstance(value, str):
        for old, new in same_paths:
            value = value.replace(old, new)
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--run", action="append", default=[], help="run id present in both (repeatable)")
    parser.add_argument("--ignore", action="append", default=[])
    parser.add_argument("--same-path", action="append", default=[], help="OLD=NEW (repeatable)")
    args = parser.parse_args()
    same_paths = [tuple(pair.split("=", 1)) for pair in args.same_path]
    differing = 0
    tables = sorted(p.name for p in pathlib.Path(args.before).iterdir() if p.is_dir())
    for table in tables:
        for run in args.run:
            before = read(args.before, table, run)
            after = read(args.after, table, run)
            if before is None and after is None:
                continue
            if before is None or after is None:
                print(f"{table} run {run}: only in {'after' if before is None else 'before'}")
                differing += 1
                continue
            ignore = set(args.ignore) | TIMINGS | (RUNS_VOLATILE if table == "runs" else set())
            a, b = canonical(before, ignore, same_paths), canonical(after, ignore)
            same = list(a.columns) == list(b.columns) and a.equals(b)
            print(f"{table} run {run}: {len(a)} rows, {'identical' if same else 'DIFFERENT'}")
            differing += 0 if same else 1
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
