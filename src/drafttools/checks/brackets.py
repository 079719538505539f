"""Square brackets: text not yet agreed.  Unbalanced or nested brackets are errors; open ones are listed.

Negotiators bracket words, phrases or whole paragraphs until they are agreed; each bracket must close within
the paragraph or item that opens it.  A bracket may be an alternative naming its proponents ("[Alt 1 (BRA, IND):
words]"), and an element may carry a negotiating status (``:status: agreed``, inherited by what it holds); the
vocabulary is ``model.negotiation``'s.  An agreed element holding brackets and an unknown status are errors; an
alternative with no proponent, or with one nobody knows, a warning.  Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafttools.diagnostics import Diagnostic, diag
from drafttools.model import negotiation
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
    alternative: negotiation.Alternative | None = None  # "[Alt 1 (BRA, IND): ...": its label and proponents


def scan(instrument: Instrument) -> tuple[list[Bracket], list[Diagnostic]]:
    """Every balanced bracket, and a diagnostic for every unbalanced or nested one, every alternative without a
    known proponent, every bracket in an agreed element and every status not known."""
    found: list[Bracket] = []
    problems: list[Diagnostic] = _statuses(instrument)
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
        problems += _agreed(node, text, first_line, instrument)
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
                    bracket = Bracket(
                        node,
                        where,
                        " ".join(text[start : index + 1].split()),
                        first_line + text.count("\n", 0, start),
                        node.loc.path,
                        holder,
                        describe(node, instrument),
                        negotiation.alternative(text[start : index + 1]),
                    )
                    found.append(bracket)
                    problems += _proponents(bracket)
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


def _statuses(instrument: Instrument) -> list[Diagnostic]:
    """A diagnostic for every ``:status:`` that is not a known one."""
    known = ", ".join(negotiation.STATUSES)
    return [
        diag(
            "bracket.status",
            e.loc.path,
            e.loc.line,
            f"{describe(e, instrument)} has ':status: {e.status}', which is not a status",
            f"write ':status: ' and one of {known}",
        )
        for e in instrument.walk()
        if e.status and e.status not in negotiation.STATUSES
    ]


def status_of(node: Element, instrument: Instrument) -> tuple[str, Element | None]:
    """The negotiating status an element stands under (its own, else its nearest ancestor's), and who set it."""
    for holder in (node, *instrument.ancestors(node)):
        if holder.status:
            return holder.status, holder
    return "", None


def _agreed(node: Element, text: str, first_line: int, instrument: Instrument) -> list[Diagnostic]:
    """An error at the first bracket of an element that stands under an agreed status."""
    status, holder = status_of(node, instrument)
    if status not in negotiation.AGREED or holder is None:
        return []
    first = min(i for i in (text.find("["), text.find("]")) if i >= 0)
    marked = "" if holder is node else f" by {describe(holder, instrument)} at {holder.loc}"
    return [
        diag(
            "bracket.agreed",
            node.loc.path,
            first_line + text.count("\n", 0, first),
            f"{describe(node, instrument)} is marked '{status}'{marked} but still holds square brackets: "
            f"{' '.join(text[first : first + 40].split())!r}",
            "resolve the brackets (keep the agreed words, drop the rest), or mark it ':status: open'",
        )
    ]


def _proponents(bracket: Bracket) -> list[Diagnostic]:
    """A warning for an alternative that names no proponent, and for each proponent no list knows."""
    alt = bracket.alternative
    if alt is None:
        return []
    if not alt.proponents:
        return [
            diag(
                "bracket.no-proponent",
                bracket.path,
                bracket.line,
                f"{alt.label} in {bracket.where} names no proponent",
                f"write who proposed it after the label: '[{alt.label} (BRA, IND): ...]'",
            )
        ]
    return [
        diag(
            "bracket.proponent",
            bracket.path,
            bracket.line,
            f"{alt.label} in {bracket.where} names {code!r}, which is no ISO 3166 alpha-3 code, group or organization "
            "drafttools knows",
            "write the delegation's ISO 3166 alpha-3 code in capitals (BRA) or a known group (EU, G77, AFR) or "
            "organization (WHO, ILO, IOM); to add a group or organization, add it to GROUPS or ORGANIZATIONS in "
            "drafttools/model/negotiation.py",
        )
        for code in negotiation.unknown(alt.proponents)
    ]


def report(found: list[Bracket]) -> list[Diagnostic]:
    """One info line per open bracket, so negotiators see what is still unagreed, article by article, and which
    alternative each is and who proposed it."""
    return [diag("bracket.open", b.path, b.line, _listing(b)) for b in found]


def _listing(b: Bracket) -> str:
    said = f"{b.holder}, {b.where}: {b.text}" if b.holder else f"{b.article}: {b.text}"
    if b.alternative is None:
        return said
    by = ", ".join(b.alternative.proponents)
    return f"{said} ({b.alternative.label}, {'proposed by ' + by if by else 'no proponent'})"


def by_article(found: list[Bracket]) -> dict[str, list[dict[str, object]]]:
    summary: dict[str, list[dict[str, object]]] = {}
    for b in found:
        entry: dict[str, object] = {
            "id": b.node.id,
            "label": b.node.label,
            "text": b.text,
            "line": b.line,
            "path": b.path,
        }
        if b.alternative is not None:  # only alternatives carry these: the plain brackets' entries stay as they were
            entry["alternative"] = b.alternative.label
            entry["proponents"] = list(b.alternative.proponents)
        summary.setdefault(b.article, []).append(entry)
    return summary
