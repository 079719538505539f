"""Identity under slips and concurrent runs (issue 17): one writer at a time, no ID burnt by accident.

- ``ids`` refuses a text with ID errors, writing nothing, so an undo restores a clean text;
- an ID deleted from the working text is *gone*: put back, it is active again; it is *retired* only when a version
  without it is frozen, and ``ids --restore`` brings a retired ID back only onto the element it labelled;
- writers hold the project lock: two ``ids`` at once leave every minted ID recorded once and in use, two imports
  to one name give exactly one version, and a writer kept waiting names the holder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from drafttools.source import lock

from .builders import code_text
from .conftest import ROOT

PYPROJECT = '[tool.drafttools]\nsource = "code_text"\nversions = "versions"\nbuild = "build"\n'

TEXT = """:::::{{article}}
:title: Information exchange {n}

::::{{paragraph}}
Each Member State {n} should designate a national authority:

:::{{item}}
keep a register of recruiters {n};
:::

:::{{item}}
publish it every year {n}.
:::
::::

:::{{paragraph}}
A register {n} shall be published in every official language.
:::
:::::
"""


def project(tmp_path: Path, articles: int = 2) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    code_text(root / "code_text", {f"article-{n:02d}.md": TEXT.format(n=n) for n in range(1, articles + 1)})
    return root


def drafttools(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drafttools", *args], cwd=root, capture_output=True, text=True, env={**os.environ, **env}
    )


def state(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "code_text").iterdir()) if p.is_file()}


def ledger(root: Path, folder: str = "code_text") -> dict[str, str]:
    lines = (root / folder / "id-ledger.tsv").read_text(encoding="utf-8").splitlines()
    return {f[0]: f[2] for f in (line.split("\t") for line in lines if line and not line.startswith("#"))}


def ids_in(root: Path) -> list[str]:
    found: list[str] = []
    for path in sorted((root / "code_text").glob("article-*.md")):
        found += re.findall(r"^:+\{\w+\} (\S+)$", path.read_text(encoding="utf-8"), re.M)
    return found


def test_an_overwritten_id_is_refused_and_the_undo_is_clean(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert drafttools(root, "ids").returncode == 0
    article = root / "code_text" / "article-01.md"
    original = article.read_text(encoding="utf-8")
    first, second = "designate-national-authority", "register-published-every-official"  # article 1's paragraphs
    article.write_text(original.replace(f"}} {second}\n", f"}} {first}\n"), encoding="utf-8")  # a copy-paste slip
    before = state(root)
    refused = drafttools(root, "ids")
    assert refused.returncode == 1
    assert (
        "[id.duplicate]" in refused.stderr and "[id.errors]" in refused.stderr and "nothing written" in refused.stderr
    )
    assert state(root) == before  # the ledger still holds the overwritten ID as active
    assert ledger(root)[second] == "active"
    article.write_text(original, encoding="utf-8")  # the editor's undo
    checked = drafttools(root, "check")
    assert checked.returncode == 0, checked.stderr
    assert "[id.reused]" not in checked.stderr


def test_a_deleted_id_is_gone_until_a_version_without_it_is_frozen(tmp_path: Path) -> None:
    root = project(tmp_path)
    drafttools(root, "ids")
    article = root / "code_text" / "article-02.md"
    original = article.read_text(encoding="utf-8")
    register = "register-published-every-official-2"  # article 2's second paragraph
    start = original.index(f"{{paragraph}} {register}") - 3
    shortened = original[:start] + original[original.index(":::\n", start + 10) + 4 :]
    article.write_text(shortened, encoding="utf-8")
    gone = drafttools(root, "ids")
    assert gone.returncode == 0 and f"gone: {register}" in gone.stderr
    assert ledger(root)[register] == "gone"
    article.write_text(original, encoding="utf-8")  # put back before any freeze: simply active again
    assert drafttools(root, "check").returncode == 0
    assert drafttools(root, "ids").returncode == 0 and ledger(root)[register] == "active"
    # deleted again and frozen: retired, in the working ledger and the frozen version's
    article.write_text(shortened, encoding="utf-8")
    drafttools(root, "ids")
    frozen = drafttools(root, "snapshot", "v2")
    assert frozen.returncode == 0, frozen.stderr
    assert ledger(root)[register] == "retired" and ledger(root, "versions/v2")[register] == "retired"
    article.write_text(original, encoding="utf-8")
    reused = drafttools(root, "check")
    assert reused.returncode == 1 and "[id.reused]" in reused.stderr
    # the retirement was a mistake: the paragraph stands again, as it read, so its ID may come back
    restored = drafttools(root, "ids", "--restore", register)
    assert restored.returncode == 0, restored.stderr
    assert f"restored: {register}" in restored.stderr and ledger(root)[register] == "active"
    assert drafttools(root, "check").returncode == 0


def test_a_retired_id_is_not_restored_onto_another_text(tmp_path: Path) -> None:
    root = project(tmp_path)
    drafttools(root, "ids")
    assert drafttools(root, "snapshot", "v1").returncode == 0
    article = root / "code_text" / "article-02.md"
    original = article.read_text(encoding="utf-8")
    register = "register-published-every-official-2"
    start = original.index(f"{{paragraph}} {register}") - 3
    end = original.index(":::\n", start + 10) + 4
    article.write_text(original[:start] + original[end:], encoding="utf-8")
    drafttools(root, "ids")
    assert drafttools(root, "snapshot", "v2").returncode == 0
    assert ledger(root)[register] == "retired"
    other = f":::{{paragraph}} {register}\nFinancial incentives for return migration are reviewed each year.\n:::\n"
    article.write_text(original[:start] + other + original[end:], encoding="utf-8")
    refused = drafttools(root, "ids", "--restore", register)
    assert refused.returncode == 1 and "[id.restore]" in refused.stderr and "version v1" in refused.stderr
    assert ledger(root)[register] == "retired"
    unknown = drafttools(root, "ids", "--restore", "no-such-id")
    assert unknown.returncode == 1 and "not in the ledger" in unknown.stderr


@pytest.mark.parametrize("attempt", range(5))
def test_two_ids_at_once_record_every_minted_id_once_as_in_use(tmp_path: Path, attempt: int) -> None:
    root = project(tmp_path, articles=4)  # 20 elements without IDs
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "drafttools", "ids"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(run.wait(timeout=60), run.stderr.read() if run.stderr else "") for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    minted = ids_in(root)
    assert len(minted) == 20 and len(set(minted)) == 20
    assert ledger(root) == {i: "active" for i in minted}
    checked = drafttools(root, "check")
    assert checked.returncode == 0, checked.stderr


def test_a_waiting_writer_names_the_holder_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    before = state(root)
    monkeypatch.chdir(root)
    with lock.writing("import"):
        refused = drafttools(root, "ids", DRAFTTOOLS_LOCK_TIMEOUT="0.3")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"`drafttools import` (PID {os.getpid()})" in refused.stderr and "waited 0.3 s" in refused.stderr
    assert state(root) == before
    assert drafttools(root, "ids").returncode == 0  # the lock is free again


def test_a_writer_waits_for_the_holder_to_finish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    monkeypatch.chdir(root)
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with lock.writing("snapshot"):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    waiting = subprocess.Popen([sys.executable, "-m", "drafttools", "ids"], cwd=root, stderr=subprocess.PIPE, text=True)
    threading.Timer(0.5, release.set).start()
    assert waiting.wait(timeout=30) == 0
    holder.join()
    assert len(ids_in(root)) == 10


def test_two_imports_to_one_name_give_exactly_one_version(tmp_path: Path) -> None:
    root = project(tmp_path)
    drafttools(root, "ids")
    source = tmp_path / "return.txt"
    source.write_text(
        (ROOT / "tests" / "data" / "instruments" / "who-code" / "v1.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "drafttools", "import", str(source), "--as", "2010-return"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = sorted((run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs)
    assert [code for code, _ in results] == [0, 1], results
    assert "already exists" in results[1][1] or "frozen" in results[1][1]
    assert [p.name for p in (root / "versions").iterdir() if not p.name.startswith(".")] == ["2010-return"]


def test_a_snapshot_whose_ledger_cannot_be_written_freezes_nothing(
    shipped_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version and the working ledger's retirements go in together: when the ledger write fails, the version
    folder is taken back, so no frozen version retires IDs the working ledger still counts as active or gone."""
    from drafttools.diagnostics import DraftError
    from drafttools.fsutil import is_staging
    from drafttools.source import versions

    ledger_before = (shipped_project / "code_text" / "id-ledger.tsv").read_bytes()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise DraftError("cannot write id-ledger.tsv: No space left on device", "id-ledger.tsv")

    monkeypatch.setattr(versions, "write_atomic", full_disk)
    monkeypatch.chdir(shipped_project)
    from drafttools.config import settings

    settings.cache_clear()
    try:
        from drafttools.api import diff as api

        with pytest.raises(DraftError, match="No space left"):
            api.snapshot("2011-x")
    finally:
        settings.cache_clear()
    assert not (shipped_project / "versions" / "2011-x").exists()
    assert not [p.name for p in (shipped_project / "versions").iterdir() if is_staging(p.name)]
    assert (shipped_project / "code_text" / "id-ledger.tsv").read_bytes() == ledger_before


def test_a_writer_that_cannot_take_the_commit_lock_moves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drafttools.diagnostics import DraftError
    from drafttools.source import lock

    monkeypatch.setattr(lock, "folder", lambda: tmp_path)
    monkeypatch.setattr(lock, "_acquire", lambda fd, mode, wait: False)  # a reader that never lets go
    moved = []
    with pytest.raises(DraftError, match="nothing was moved"):
        with lock.committing():
            moved.append(True)
    assert moved == []
