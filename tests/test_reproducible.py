"""Reproducible outputs: the same sources give the same bytes, run after run, DOCX zips included (issue 17).

zipfile stamps each member with the time it is written; a DOCX made two seconds later would differ.  The packages
carry one fixed time instead (SOURCE_DATE_EPOCH when set, else 1980-01-01), so every output is compared byte for
byte across two whole runs made in different two-second windows (a zip's time resolution).
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from drafttools.render._oxml import fixed_zip_times, zip_stamp

DIFFS = (
    ("text", "diff.txt"),
    ("json", "diff.json"),
    ("html", "diff.html"),
    ("synoptic", "synoptic.html"),
    ("synoptic", "synoptic.docx"),
    ("docx", "redline.docx"),
)


def run_all(project: Path, out: Path, env: dict[str, str]) -> dict[str, bytes]:
    """Build every paper and write every diff of the two shipped versions into ``out``; the files' bytes."""

    def drafttools(*args: str) -> None:
        run = subprocess.run(
            [sys.executable, "-m", "drafttools", *args], cwd=project, env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr

    drafttools("build", "--no-cache", "-o", str(out / "build"))
    for kind, name in DIFFS:
        drafttools(
            "diff",
            "2009-09-SEARO-RC62",
            "2010-illustrative-revision",
            "--format",
            kind,
            "--date",
            "2010-05-21",
            "-o",
            str(out / name),
        )
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_runs_give_the_same_bytes(shipped_project: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    first = run_all(shipped_project, tmp_path / "first", env)
    time.sleep(2.1)
    second = run_all(shipped_project, tmp_path / "second", env)
    assert sum(name.endswith(".docx") for name in first) >= 5  # three papers' DOCX, the redline, the synoptic
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    with zipfile.ZipFile(io.BytesIO(first["redline.docx"])) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.testzip() is None


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [(None, (1980, 1, 1, 0, 0, 0)), ("1274400000", (2010, 5, 21, 0, 0, 0)), ("not a number", (1980, 1, 1, 0, 0, 0))],
)
def test_zip_times_follow_source_date_epoch(
    monkeypatch: pytest.MonkeyPatch, epoch: str | None, expected: tuple[int, ...]
) -> None:
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    made = io.BytesIO()
    with zipfile.ZipFile(made, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b"<a/>" * 100)
        archive.writestr(zipfile.ZipInfo("b/c.xml", (2026, 12, 4, 3, 0, 0)), b"<c/>", zipfile.ZIP_STORED)
        archive.comment = b"kept"
    fixed = fixed_zip_times(made.getvalue())
    assert len(fixed) == len(made.getvalue())
    with zipfile.ZipFile(io.BytesIO(fixed)) as archive:
        assert [info.date_time for info in archive.infolist()] == [expected, expected]
        assert archive.read("a.xml") == b"<a/>" * 100 and archive.read("b/c.xml") == b"<c/>"
        assert archive.comment == b"kept"
        assert archive.testzip() is None
        offsets = [info.header_offset for info in archive.infolist()]
    stamp = struct.pack("<HH", *zip_stamp())
    assert [fixed[o + 10 : o + 14] for o in offsets] == [stamp, stamp]  # the local headers too
    hour_minute, year_day = zip_stamp()
    assert (year_day >> 9) + 1980 == expected[0]
