"""Small code texts written on the fly, one per test, so each diagnostic has its own fixture."""

from __future__ import annotations

from pathlib import Path

MANIFEST = """[instrument]
title = "Test code"
version = "test-1"
date = "2009-09-07"
status = "draft"
articles = [{articles}]
"""

ARTICLE = """:::::{{article}} {aid}
:title: {title}

:::{{paragraph}} {pid}
{text}
:::
:::::
"""


def article(aid: str = "art-one", title: str = "One", pid: str = "first-paragraph", text: str = "Some text.") -> str:
    return ARTICLE.format(aid=aid, title=title, pid=pid, text=text)


def code_text(
    root: Path, files: dict[str, str | bytes], listed: list[str] | None = None, manifest: str | None = None
) -> Path:
    """Write a code text: ``files`` by name, and a manifest listing ``listed`` (default: the .md files)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        target = root / name
        if isinstance(body, bytes):
            target.write_bytes(body)
        else:
            target.write_text(body, encoding="utf-8")
    names = listed if listed is not None else [n for n in files if n.endswith(".md")]
    if manifest is None:
        manifest = MANIFEST.format(articles=", ".join(f'"{n}"' for n in names))
    (root / "manifest.toml").write_text(manifest, encoding="utf-8")
    return root
