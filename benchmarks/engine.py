"""The diff engines alone, in one process: `drafttools.diff.diff` on two parsed models against the ID-aligned
difflib word diff of benchmarks/difflib_diff.py on two sets of extracted blocks.  Parsing and reading are done
first and not timed; each engine runs ``--repeat`` times and the median is printed as JSON (seconds).

    python benchmarks/engine.py OLD_CODE_TEXT NEW_CODE_TEXT [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import difflib_diff  # noqa: E402


def median_time(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    result: dict[str, float | None] = {"drafttools": None, "difflib": None}
    old_blocks, new_blocks = difflib_diff.blocks(args.old), difflib_diff.blocks(args.new)
    result["difflib"] = median_time(lambda: difflib_diff.engine(old_blocks, new_blocks), args.repeat)
    try:
        from drafttools.diff import diff
        from drafttools.parse import load
    except ImportError:
        print(json.dumps(result))
        return
    old, new = load(args.old).instrument, load(args.new).instrument
    result["drafttools"] = median_time(lambda: diff(old, new), args.repeat)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
