"""The check cache: an unchanged text is served from it, and no change can ever be served a stale result."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafttools.api import check as api


def fresh_and_cached(root: Path, cache: Path) -> tuple[api.CheckResult, api.CheckResult]:
    return api.check(root), api.check(root, cache_dir=cache)


def test_a_second_check_comes_from_the_cache_and_equals_a_fresh_one(code_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = api.check(code_copy, cache_dir=cache)
    second = api.check(code_copy, cache_dir=cache)
    assert not first.cached and second.cached
    assert second.diagnostics == first.diagnostics
    assert second.open_brackets == first.open_brackets and second.summary == first.summary


@pytest.mark.parametrize("change", ["edit", "touch-other-byte", "add-file", "remove-ledger", "manifest"])
def test_any_change_invalidates(code_copy: Path, tmp_path: Path, change: str) -> None:
    cache = tmp_path / "cache"
    api.check(code_copy, cache_dir=cache)
    article = code_copy / "article-08.md"
    if change == "edit":
        article.write_text(article.read_text(encoding="utf-8").replace("above shall", "below shall"), encoding="utf-8")
    elif change == "touch-other-byte":
        article.write_bytes(article.read_bytes() + b"\n")
    elif change == "add-file":
        (code_copy / "stray.md").write_text("stray\n", encoding="utf-8")
    elif change == "remove-ledger":
        (code_copy / "id-ledger.tsv").unlink()
    else:
        manifest = code_copy / "manifest.toml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace('"article-11.md",\n', ""), encoding="utf-8")
    fresh, cached = fresh_and_cached(code_copy, cache)
    assert not cached.cached
    assert cached.diagnostics == fresh.diagnostics


def test_fix_never_uses_the_cache(code_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    api.check(code_copy, cache_dir=cache)
    assert not api.check(code_copy, fix=True, cache_dir=cache).cached


def test_a_corrupt_cache_entry_is_ignored(code_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    api.check(code_copy, cache_dir=cache)
    for entry in (cache / "check").iterdir():
        entry.write_text("{not json", encoding="utf-8")
    result = api.check(code_copy, cache_dir=cache)
    assert not result.cached and result.exit_code() == 0


def test_paths_follow_the_working_folder(code_copy: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    article = code_copy / "article-08.md"
    article.write_text(article.read_text(encoding="utf-8").replace("above shall", "below shall"), encoding="utf-8")
    monkeypatch.chdir(code_copy.parent)
    first = api.check(Path("code_text"), cache_dir=cache)
    monkeypatch.chdir(code_copy)
    second = api.check(Path("."), cache_dir=cache)
    assert not second.cached
    assert first.diagnostics[0].path == "code_text/article-08.md" and second.diagnostics[0].path == "article-08.md"
