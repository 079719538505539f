"""Anchor for `drafttools check`: parse Markdown files to docutils doctrees with myst-parser alone.

    python benchmarks/myst_doctrees.py FOLDER      # every article-*.md in FOLDER (the Sphinx project's sources)

One ``docutils.core.publish_doctree`` per file with ``myst_parser.parsers.docutils_.Parser``: no Sphinx, no
checks, nothing written.  Prints the number of files and doctree nodes, so the work cannot be skipped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docutils.core import publish_doctree
from myst_parser.parsers.docutils_ import Parser


def main() -> None:
    folder = Path(sys.argv[1])
    parser = Parser()
    settings = {"report_level": 5, "halt_level": 5, "warning_stream": False}
    files = sorted(folder.glob("article-*.md"))
    nodes = 0
    for path in files:
        tree = publish_doctree(path.read_text(encoding="utf-8"), source_path=str(path), parser=parser,
                               settings_overrides=settings)
        nodes += sum(1 for _ in tree.findall())
    print(f"{len(files)} files, {nodes} doctree nodes")


if __name__ == "__main__":
    main()
