"""A small negotiating project for the review outputs' tests (and scripts/negotiating_pictures.py): the shipped
code text with a few statuses written in it, and proposals on it as the Secretariat would hold them after a round
of returns (written with ``review.proposals.dump``): accepted, rejected, open, merged-alike, a deletion, an
insertion and a facilitator's note."""

from __future__ import annotations

import re
from pathlib import Path

from drafttools.review import proposals as store

SENT = "2009-09-SEARO-RC62"
C = "provide data collected pursuant to paragraphs (a) and (b) above to the WHO Secretariat on a biennial basis."
A83 = (
    "For purposes of international communication, each Member State should designate a national authority "
    "responsible for the exchange of information regarding health personnel migration and the code."
)
R102 = (
    "The Director-General shall keep under review the implementation of this code, on the basis of periodic reports "
    "received from designated national authorities, pursuant to Article 8.3, and other competent sources and report "
    "periodically to the Health Assembly [at a frequency to be decided by that body] on the effectiveness of the "
    "code in achieving its stated objectives and suggestions for its improvement."
)


def proposals(text_83: str, text_31: str) -> list[store.Proposal]:
    """The proposals; ``text_83`` and ``text_31`` are 8.3's and 3.1's words as the text has them (the amends
    answer them exactly)."""

    def p(pid: str, target: str, kind: str, status: str, who: tuple[str, ...], **fields: str) -> store.Proposal:
        return store.Proposal(pid, target, kind, status, who, answers=SENT, date="2026-11-30T10:00:00Z", **fields)

    return [
        # accepted: 8.2(c) every three years; 8.3 "should designate" → "shall designate" (its references kept)
        p(
            "bra-1",
            "data-to-secretariat",
            "amend",
            "accepted",
            ("BRA",),
            before=C,
            after=C.replace("on a biennial basis", "every three years"),
        ),
        p(
            "ind-1",
            "designated-national-authority",
            "amend",
            "accepted",
            ("IND",),
            before=text_83,
            after=text_83.replace("should designate", "shall designate"),
        ),
        # rejected: never seen again
        p(
            "usa-2",
            "register-of-authorities",
            "amend",
            "rejected",
            ("USA",),
            before="A register of designated national authorities pursuant to paragraph 8.3 above shall be "
            "established, maintained and published by WHO.",
            after="A register of designated national authorities shall be kept by WHO.",
        ),
        # open: the same words from two proponents (one written as a full name), an alternative to one clause
        p(
            "european-union-1",
            "review-by-director-general",
            "amend",
            "open",
            ("European Union",),
            before=R102,
            after=R102.replace("and report periodically", "and report every two years"),
        ),
        p(
            "gbr-1",
            "review-by-director-general",
            "amend",
            "open",
            ("GBR",),
            before=R102,
            after=R102.replace("and report periodically", "and report every two years"),
        ),
        p(
            "zaf-1",
            "review-by-director-general",
            "amend",
            "open",
            ("ZAF",),
            before=R102,
            after=R102.replace("and report periodically", "and report annually"),
        ),
        # open: a deletion, an insertion, a change to a paragraph elsewhere; a facilitator's note
        p(
            "usa-1",
            "extent-possible-monitor-regulate",
            "delete",
            "open",
            ("USA",),
            before="Member States should, to the extent possible, monitor and regulate public and private recruiters "
            "and employers to promote adherence with this code.",
        ),
        p(
            "bra-2",
            "information-exchange-promotion",
            "insert-after",
            "open",
            ("BRA",),
            inserts="paragraph",
            after="Member States should publish the data they exchange, in an open format.",
        ),
        p(
            "ken-1",
            "addressing-present-expected-shortages",
            "amend",
            "open",
            ("KEN",),
            before=text_31,
            after=text_31.replace("is crucial to", "is essential for"),
        ),
        p(
            "chair-1",
            "designated-national-authority",
            "note",
            "open",
            ("Facilitator",),
            note="The Secretariat to advise on the designation of authorities in federal States.",
        ),
    ]


def make(root: Path) -> None:
    """Statuses into ``root``'s code text (Article 2 agreed, 4.1 agreed ad referendum) and the proposals."""
    from drafttools.importer.match import node_text
    from drafttools.source.parse import load

    code = root / "code_text"
    two = code / "article-02.md"
    two.write_text(
        two.read_text(encoding="utf-8").replace(
            ":title: Nature and scope\n", ":title: Nature and scope\n:status: agreed\n", 1
        ),
        encoding="utf-8",
    )
    four = code / "article-04.md"
    four.write_text(
        re.sub(
            r"(\{paragraph\} other-stakeholders-recognize-ethical\n)",
            r"\1:status: agreed-ad-ref\n",
            four.read_text(encoding="utf-8"),
            count=1,
        ),
        encoding="utf-8",
    )
    instrument = load(code).instrument
    assert instrument is not None
    eight, three = (
        instrument.get("designated-national-authority"),
        instrument.get("addressing-present-expected-shortages"),
    )
    assert eight is not None and three is not None
    folder = root / "proposals"
    folder.mkdir(exist_ok=True)
    for proposal in proposals(node_text(eight, instrument), node_text(three, instrument)):
        (folder / f"{proposal.id}.toml").write_text(store.dump(proposal), encoding="utf-8")
