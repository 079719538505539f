"""Assembling the body: divisions written as headings alone gather the articles that follow them.

A code text keeps one file per article.  A division may be written whole (``{part}`` holding its ``{chapter}`` and
``{article}`` elements, in one file) or, like a heading in Word, alone in its own file: then it gathers every
element after it in the manifest's order until a division of its rank or above ("PART II" closes "PART I" and its
chapters).  ``assemble`` folds such headings into the tree; what the profile does not allow inside a division is
reported.  Standard library only.
"""

from __future__ import annotations

from dataclasses import replace

from drafttools.diagnostics import Diagnostic, diag
from drafttools.model.profile import Profile
from drafttools.model.tree import Element


def _is_opener(element: Element, profile: Profile) -> bool:
    kind = profile.kind(element.kind)
    return kind is not None and kind.role == "division" and not element.children


def assemble(tops: tuple[Element, ...], profile: Profile) -> tuple[tuple[Element, ...], list[Diagnostic]]:
    """The body's top-level elements with each division heading holding what follows it."""
    if not any(_is_opener(e, profile) for e in tops):
        return tops, []
    problems: list[Diagnostic] = []
    out: list[Element] = []
    stack: list[tuple[Element, list[Element]]] = []

    def place(element: Element) -> None:
        if not stack:
            out.append(element)
            return
        holder, gathered = stack[-1]
        kind = profile.kind(holder.kind)
        if kind is not None and element.kind not in kind.children:
            can = " or ".join(f"{{{k}}}" for k in kind.children) or "nothing"
            problems.append(
                diag(
                    "structure.misplaced",
                    element.loc.path,
                    element.loc.line,
                    f"{{{element.kind}}} cannot stand inside {holder.kind} '{holder.id or holder.title}' (it follows "
                    f"its heading); only {can} can",
                    "move it, or close the division with a heading of the same rank",
                )
            )
        gathered.append(element)

    def close(rank: int) -> None:
        while stack and profile.rank(stack[-1][0].kind) >= rank:
            holder, gathered = stack.pop()
            if not gathered:
                problems.append(
                    diag(
                        "structure.empty",
                        holder.loc.path,
                        holder.loc.line,
                        f"{holder.kind} '{holder.id or holder.title}' has no contents: nothing follows its heading",
                        "list the files of its articles after it in manifest.toml, or remove it",
                    )
                )
            place(replace(holder, children=tuple(gathered)))

    for element in tops:
        kind = profile.kind(element.kind)
        if kind is not None and kind.role == "division":
            close(profile.rank(element.kind))
            if not element.children:
                stack.append((element, []))
                continue
        place(element)
    close(-1)
    return tuple(out), problems
