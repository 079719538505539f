"""Bounded nesting (issue 18, item 4): directives or block quotes nested past the profile's depth (plus room for
divisions and notes) are a located ``structure.too-deep`` error found before the parse descends, in well under a
second and in bounded memory, where they used to end in an internal RecursionError (3,000 levels: 89 s, 6.4 GB)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafttools.source.doctree import NESTING_ALLOWANCE, too_deep

from .builders import code_text


def nested(kind: str, depth: int) -> str:
    """An article whose paragraph holds ``depth`` nested ``kind`` directives."""
    width = depth + 8
    opening = "".join(
        f"{':' * (3 + depth - i)}{{{kind}}}{' i' + str(i) if kind == 'item' else ''}\nText {i}\n\n"
        for i in range(depth)
    )
    closing = "".join(f"{':' * (3 + i + 1)}\n" for i in range(depth))
    return (
        f"{':' * width}{{article}} art-one\n:title: One\n\n{':' * (width - 2)}{{paragraph}} first\nLead:\n\n"
        f"{opening}{closing}{':' * (width - 2)}\n{':' * width}\n"
    )


@pytest.mark.parametrize(("kind", "depth"), [("note", 300), ("item", 200), ("note", 3000), ("warning", 3000)])
def test_deep_nesting_is_a_located_error_in_milliseconds(tmp_path: Path, kind: str, depth: int) -> None:
    root = code_text(tmp_path / "ct", {"a.md": nested(kind, depth)})
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "drafttools", "check", str(root)], capture_output=True, text=True)
    assert time.monotonic() - started < 10  # a whole process; the scan itself takes milliseconds
    assert run.returncode == 1 and "Traceback" not in run.stderr and "internal error" not in run.stderr
    assert "[structure.too-deep]" in run.stderr
    limit = 12 + NESTING_ALLOWANCE
    line = 7 + 3 * (limit - 2)  # the fence opening level limit + 1: article (line 1), paragraph (4), notes from 7
    assert f"a.md:{line}:" in run.stderr.replace(str(root) + "/", "")


def test_the_scan_counts_what_nests() -> None:
    assert too_deep(nested("note", 10), 12) is None
    assert too_deep(nested("note", 11), 12) == 7 + 3 * 10
    siblings = "".join(":::{note}\ntext\n:::\n\n" for _ in range(500))  # many, side by side: depth 1
    assert too_deep(siblings, 3) is None
    code = "```text\n" + ":::{note}\n" * 50 + "```\n"  # fences inside a code block are text
    assert too_deep(code, 3) is None
    assert too_deep("> " * 40 + "deep quote\n", 30) == 1
    backticks = "".join(f"{'`' * (3 + 30 - i)}{{note}}\n" for i in range(30))
    assert too_deep(backticks, 20) == 21


def test_real_texts_are_far_from_the_limit() -> None:
    root = Path(__file__).resolve().parents[1]
    for path in [*(root / "code_text").glob("*.md"), *(root / "versions").rglob("*.md")]:
        assert too_deep(path.read_text(encoding="utf-8"), 12) is None, path
