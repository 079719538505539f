"""The diff engines alone, in one process: `drafttools.diff.diff` on two parsed models against the ID-aligned
difflib word diff of benchmarks/difflib_diff.py on two sets of extracted blocks.  Parsing and reading are done
first and not timed; each engine runs ``--repeat`` times and the median is printed as JSON (seconds).

A third figure, ``drafttools_word_diffs``, is the share of our engine that does the script's whole job: the word
diff (`drafttools.diff.word_diff`, word and punctuation tokens) of each pair of paragraphs or items with the same
ID whose text changed (as written: a renumbered reference is no change, as for the script), the texts made and
paired before the clock starts, as the script's are.  It shows
how much of the engine's time is that job and how much the rest (alignment without IDs, moves, splits and merges,
renumbering, reference labels, the change tree and the redline's blocks).

    python benchmarks/engine.py OLD_CODE_TEXT NEW_CODE_TEXT [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

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
    result: dict[str, float | None] = {"drafttools": None, "difflib": None, "drafttools_word_diffs": None}
    old_blocks, new_blocks = difflib_diff.blocks(args.old), difflib_diff.blocks(args.new)
    result["difflib"] = median_time(lambda: difflib_diff.engine(old_blocks, new_blocks), args.repeat)
    try:
        import drafttools  # noqa: F401
    except ImportError:  # not installed: the row says "not available"; a broken import below fails loudly
        print(json.dumps(result))
        return
    from drafttools.diff.engine import diff, word_diff
    from drafttools.model.tree import Text, plain_text
    from drafttools.source.parse import load

    old, new = load(args.old).instrument, load(args.new).instrument
    result["drafttools"] = median_time(lambda: diff(old, new), args.repeat)

    def texts(instrument: Any) -> dict[str, tuple[str, str]]:
        """ID → (the text as written, references as their target IDs; the text as printed)."""
        return {n.id: ("".join(p.text if isinstance(p, Text) else f"\0{p.target}\0" for p in n.inlines), plain_text(n.inlines, instrument, n))
                for n in instrument.walk() if n.inlines and n.id}

    before, after = texts(old), texts(new)
    changed = [(text[1], after[key][1]) for key, text in before.items() if key in after and after[key][0] != text[0]]
    result["drafttools_word_diffs"] = median_time(lambda: [word_diff(a, b) for a, b in changed], args.repeat)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
