"""A three-way compare as one self-contained HTML page, in the diff pages' style and sandboxed template
environment: the three versions named, the counts, then a table base | ours | theirs for the conflicts and one
for the other changed rows, each side's cell word-diffed against the base.  The layout lives in
``render/templates/diff3.html.j2`` (strict, autoescaped: the text of the code is never markup)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jinja2 import PackageLoader

from drafttools.diff.engine import Segment, Side
from drafttools.diff.three_way import Row, ThreeWay
from drafttools.render import css, sandbox

SAYS = {
    "conflict": "conflict",
    "both": "changed by both alike",
    "ours": "changed by ours",
    "theirs": "changed by theirs",
    "unchanged": "unchanged",
}


@lru_cache(maxsize=1)
def _environment() -> sandbox.Sandbox:
    filters: dict[str, Callable[..., str]] = {"css": css.string, "number": _number, "anchor": _anchor}
    loader = PackageLoader("drafttools", "render/templates")
    return sandbox.environment(loader, filters, records=(Row, Side, Segment), trim_blocks=True, lstrip_blocks=True)


def _number(side: Side) -> str:
    """What prints before a cell's text: 'Article 8 –', '8.3', '(c)'."""
    return side.prefix.strip()


def _anchor(row: Row) -> str:
    side = row.side
    return f"r-{side.id or side.kind + '-' + side.label}-{side.position}"


def page(three: ThreeWay, base_name: str = "", ours_name: str = "", theirs_name: str = "") -> str:
    names = (base_name or three.base_meta.version, ours_name or three.ours_meta.version)
    theirs = theirs_name or three.theirs_meta.version
    context: dict[str, Any] = {
        "base": three.base_meta,
        "names": {"base": names[0], "ours": names[1], "theirs": theirs},
        "old_name": names[0],  # the shared style's running header
        "new_name": f"{names[1]} | {theirs}",
        "counts": three.counts(),
        "says": SAYS,
        "conflicts": list(three.conflicts),
        "changed": [r for r in three.rows if r.changed and r.state != "conflict"],
    }
    return _environment().get_template("diff3.html.j2").render(**context)
