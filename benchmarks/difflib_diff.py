"""Anchor for `drafttools diff`: a plain ID-aligned word diff with difflib, in a few lines.

    python benchmarks/difflib_diff.py OLD_CODE_TEXT NEW_CODE_TEXT      # JSON on stdout

Paragraphs and items are found with one regular expression (no MyST parse) and paired by their ID; each pair
whose words differ gets ``difflib.SequenceMatcher`` opcodes over words.  No moves, no renumbering, no references:
the least a diff of two versions can do.  ``engine()`` is the part timed in-process by benchmarks/engine.py.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

BLOCK = re.compile(r"^:{3,}\{(?:paragraph|item)\} (\S+)\n(?::unnumbered:\n)?(.*?)(?=^:{3,})", re.M | re.S)


def blocks(folder: Path) -> dict[str, list[str]]:
    return {m[1]: m[2].split() for f in sorted(folder.glob("*.md")) for m in BLOCK.finditer(f.read_text(encoding="utf-8"))}


def engine(old: dict[str, list[str]], new: dict[str, list[str]]) -> list[dict[str, object]]:
    changes: list[dict[str, object]] = []
    for key in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(key, []), new.get(key, [])
        if a != b:
            ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
            changes.append({"id": key, "ops": [[op, " ".join(a[i1:i2]), " ".join(b[j1:j2])] for op, i1, i2, j1, j2 in ops if op != "equal"]})
    return changes


if __name__ == "__main__":
    json.dump(engine(blocks(Path(sys.argv[1])), blocks(Path(sys.argv[2]))), sys.stdout, indent=1)
