"""Hostile shapes cost near-linear time and bounded output (issue 18, item 6); benchmarks/hostile.py times them.

- a paragraph holding 200,000 references: a located ``xref.too-many`` before the parse (myst-parser's role rule
  copies the rest of the block at each role: minutes, before);
- a 10,000-member list "paragraphs 8.1, 8.2, …": each member's diagnostic quotes the phrase cut short, and the
  text output shows 100 of a code, then "… and N more" (it printed 502 MB);
- many paragraphs of the same words: each minted ID found in one step (``ids.mint``'s ``tried``), not by
  counting up from "-2" again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from drafttools.cli.main import SHOWN_PER_CODE
from drafttools.model import ids
from drafttools.source.doctree import ROLES_PER_BLOCK

from .builders import code_text


def drafttools(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drafttools", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DRAFTTOOLS_NO_CACHE": "1"},
    )


def one_article(paragraphs: str) -> str:
    return f":::::{{article}} art-one\n:title: One\n\n{paragraphs}:::::\n"


def test_a_paragraph_of_200000_references_is_refused_at_its_line(tmp_path: Path) -> None:
    refs = " ".join("see {xref}`target`;" for _ in range(200_000))
    root = code_text(
        tmp_path / "ct",
        {"a.md": one_article(f":::{{paragraph}} crowded\n{refs}\n:::\n\n:::{{paragraph}} target\nThe target.\n:::\n")},
    )
    run = drafttools("check", str(root))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"a.md:4: error: one block of text here holds more than {ROLES_PER_BLOCK:,}" in run.stderr
    assert "[xref.too-many]" in run.stderr


def test_a_paragraph_of_5000_references_is_checked(tmp_path: Path) -> None:
    refs = " ".join("see {xref}`target`;" for _ in range(ROLES_PER_BLOCK))
    root = code_text(
        tmp_path / "ct",
        {"a.md": one_article(f":::{{paragraph}} crowded\n{refs}\n:::\n\n:::{{paragraph}} target\nThe target.\n:::\n")},
    )
    run = drafttools("check", str(root), "--format", "json")
    assert run.returncode == 0, run.stderr[-500:]


def test_a_list_of_10000_unknown_members_prints_a_bounded_report(tmp_path: Path) -> None:
    members = ", ".join(f"8.{n}" for n in range(1, 10_001))
    root = code_text(
        tmp_path / "ct",
        {"a.md": one_article(f":::{{paragraph}} crowded\nAs set out in paragraphs {members} and 8.10001.\n:::\n")},
    )
    run = drafttools("check", str(root))
    assert run.returncode == 1
    assert len(run.stderr) < 200_000  # it was 502 MB
    every = drafttools("check", str(root), "--format", "json")
    found = [d for d in json.loads(every.stdout)["diagnostics"] if d["code"] == "xref.unresolved"]
    assert len(found) > 9_000  # JSON lists every one
    assert f"… and {len(found) - SHOWN_PER_CODE:,} more [xref.unresolved]" in run.stderr
    first = next(line for line in run.stderr.splitlines() if "[xref.unresolved]" in line)
    assert "paragraphs 8.1, 8.2" in first and " … " in first and len(first) < 400


def test_identical_paragraphs_get_distinct_ids_in_order(tmp_path: Path) -> None:
    paragraph = ":::{paragraph}\nEach Member State should designate a national authority.\n:::\n\n"
    root = code_text(tmp_path / "ct", {"a.md": one_article(paragraph * 3000)})
    run = drafttools("ids", str(root))
    assert run.returncode == 0, run.stderr[-500:]
    given = [
        line.split()[-1]
        for line in (root / "a.md").read_text(encoding="utf-8").splitlines()
        if line.startswith(":::{paragraph}")
    ]
    base = "designate-national-authority"
    assert given == [base, *(f"{base}-{n}" for n in range(2, 3001))]


def test_minting_with_memory_gives_what_minting_afresh_gives() -> None:
    taken: set[str] = {"designate-national-authority-3", "register-published"}
    tried: dict[str, int] = {}
    fresh, remembered = set(taken), set(taken)
    for text in ["Designate a national authority."] * 6 + ["Register published."] * 3:
        a = ids.mint("paragraph", text, fresh)
        b = ids.mint("paragraph", text, remembered, tried=tried)
        assert a == b
        fresh.add(a)
        remembered.add(b)
