"""Square brackets: text not yet agreed.  Unbalanced or nested brackets are errors; open ones are listed.

Negotiators bracket words, phrases or whole paragraphs until they are agreed; each bracket must close within
the paragraph or item that opens it.  Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafttools.diagnostics import Diagnostic, diag
from drafttools.model.references import blocks, describe
from drafttools.model.tree import Element, Instrument, Text, plain_text


@dataclass(frozen=True, slots=True)
class Bracket:
    node: Element
    article: str  # the label of the article (or annex) holding it, "10"; else its region: "preamble"
    text: str  # "[at a frequency to be decided by that body]"
    line: int
    path: str
    holder: str = ""  # how a reader names that article: "Article 10"; "" in the preamble
    where: str = ""  # how a reader names the element: "paragraph 10.2"


def scan(instrument: Instrument) -> tuple[list[Bracket], list[Diagnostic]]:
    """Every balanced bracket, and a diagnostic for every unbalanced or nested one."""
    found: list[Bracket] = []
    problems: list[Diagnostic] = []
    for node, inlines, first_line in blocks(instrument):
        # one run of text (the usual shape) is its own plain text
        text = (
            inlines[0].text
            if len(inlines) == 1 and isinstance(inlines[0], Text)
            else plain_text(inlines, instrument, node)
        )
        if "[" not in text and "]" not in text:
            continue  # most blocks hold none, and counting lines per character made this a tenth of a check
        article = instrument.article_of(node) or instrument.enclosing(node, "annex")
        where = article.label if article else instrument.region_of(node)
        holder = describe(article, instrument) if article else ""
        stack: list[int] = []
        for index, char in enumerate(text):
            if char not in "[]":
                continue
            line = first_line + text.count("\n", 0, index)
            if char == "[":
                if stack:
                    problems.append(
                        diag(
                            "bracket.nested",
                            node.loc.path,
                            line,
                            f"'[' inside the bracket opened at line {first_line + text.count(chr(10), 0, stack[-1])} "
                            f"in {describe(node, instrument)}",
                            "close the outer bracket first, or merge the two",
                        )
                    )
                stack.append(index)
            elif char == "]":
                if not stack:
                    problems.append(
                        diag(
                            "bracket.unbalanced",
                            node.loc.path,
                            line,
                            f"']' without '[' in {describe(node, instrument)}",
                            "add the '[' where the unagreed text starts, or delete the ']'",
                        )
                    )
                    continue
                start = stack.pop()
                if not stack:
                    found.append(
                        Bracket(
                            node,
                            where,
                            " ".join(text[start : index + 1].split()),
                            first_line + text.count("\n", 0, start),
                            node.loc.path,
                            holder,
                            describe(node, instrument),
                        )
                    )
        for start in stack:
            problems.append(
                diag(
                    "bracket.unbalanced",
                    node.loc.path,
                    first_line + text.count("\n", 0, start),
                    f"'[' never closed in {describe(node, instrument)}: "
                    f"{' '.join(text[start : start + 40].split())!r}...",
                    "add the ']' where the unagreed text ends",
                )
            )
    return found, problems


def report(found: list[Bracket]) -> list[Diagnostic]:
    """One info line per open bracket, so negotiators see what is still unagreed, article by article."""
    return [
        diag(
            "bracket.open", b.path, b.line, f"{b.holder}, {b.where}: {b.text}" if b.holder else f"{b.article}: {b.text}"
        )
        for b in found
    ]


def by_article(found: list[Bracket]) -> dict[str, list[dict[str, object]]]:
    summary: dict[str, list[dict[str, object]]] = {}
    for b in found:
        summary.setdefault(b.article, []).append(
            {"id": b.node.id, "label": b.node.label, "text": b.text, "line": b.line, "path": b.path}
        )
    return summary
