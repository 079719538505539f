"""Sphinx configuration for the site of the code text: ``sphinx-build -b html . build/site``.

The code text's folder comes from ``[tool.drafttools] source`` in pyproject.toml (drafttools.config), the one
settings object the CLI also reads; the front page (index.md) is filled in from the code text's manifest by
drafttools.sphinx_ext, which also names the site after the instrument.
"""

from pathlib import Path

from drafttools.config import settings

_here = Path(__file__).resolve().parent
drafttools_source = settings(_here).source.resolve().relative_to(_here).as_posix()

extensions = ["myst_parser", "drafttools.sphinx_ext"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".md": "markdown"}
root_doc = "index"
# Only the front page and the code text are documents.  Every other top-level folder is excluded too, so that
# Sphinx does not walk .venv, build/ or generated benchmarks looking for sources.
include_patterns = [root_doc + ".md", f"{drafttools_source}/*.md"]
exclude_patterns = sorted(p.name for p in _here.iterdir() if p.is_dir() and p.name != drafttools_source.split("/")[0])
exclude_patterns.append(f"{drafttools_source}/README.md")  # a note beside the code, not part of it
html_theme = "alabaster"
html_show_sourcelink = False
# The footer's line, as WHO prints it on its texts (alabaster writes "©" + this + "."); without it Sphinx 9
# leaves "©. |".  The year is the shipped text's; change both with the instrument.
copyright = "2009, World Health Organization"
