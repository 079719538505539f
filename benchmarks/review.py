"""The reviewers' workflow timed (issue 14): twenty returns of the shipped code collected, then the compilation,
the negotiating text, the clean text and every proponent's view built to DOCX and HTML; the target is under 5 s
in all on the project's 2-core machine.  Beside it, what a Secretariat would otherwise start from: each return
read by pandoc with its tracked changes shown (``pandoc --track-changes=all``), as a ratio.

    python benchmarks/review.py [--runs 3] [--no-save]

The returns are made once, under benchmarks/work/review/ (git-ignored), as the tests make theirs
(tests/returns.py): the code built as DOCX by drafttools, then eight returns with tracked changes and comments
by two delegates each and six edited without tracking, all written by headless LibreOffice, and six plain-text
returns (the code as text, edited).  Each return edits three paragraphs; the twenty edit sixty different ones.
Writes benchmarks/results/<date>-review.md.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import run as bench  # noqa: E402

VERSION = "2009-09-SEARO-RC62"
PARTIES = ["BRA", "IND", "GBR", "KEN", "PHL", "CAN", "ZAF", "NGA", "MEX", "JPN", "DEU", "FRA", "GHA", "THA", "NOR",
           "European Union", "African Region", "Medicus Mundi International", "AUS", "CHL"]
TRACKED, UNTRACKED = 8, 6  # the rest are plain text
LIMIT = 5.0
OUTPUTS = [["review", "all"]]  # the four outputs in one run, as a Secretariat builds them after a round


def project(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in ("code_text", "versions", "annex_templates", "papers"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("*.png"))
    (folder / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\n', encoding="utf-8")
    return folder


def phrases(text: str) -> list[str]:
    """One two-word phrase per paragraph of the text as sent, found nowhere else in it (so an edit lands in one
    place), of plain words only."""
    found = []
    for block in text.split("\n\n"):
        words = block.split()
        for a, b in zip(words[3:], words[4:], strict=False):
            phrase = f"{a} {b}"
            if phrase.replace(" ", "").isalpha() and text.count(phrase) == 1:
                found.append(phrase)
                break
    return found


def make_returns(work: Path) -> list[tuple[Path, str]]:
    from drafttools.render.plain import render
    from drafttools.source.parse import load
    from tests.clients import libreoffice_convert
    from tests.returns import Review

    home = project(work / "sending")
    done = bench.run_once([bench.DRAFTTOOLS, "build", "papers/code.md", "--to", "docx"], home)
    assert done[2] == 0, done[3]
    sent = home / "build" / "code.docx"
    instrument = load(home / "versions" / VERSION).instrument
    assert instrument is not None
    plain = libreoffice_convert(sent, work / "txt", to="txt:Text (encoded):UTF8").read_text(encoding="utf-8-sig")
    spots = [p for p in phrases(render(instrument)) if p in plain]
    made: list[tuple[Path, str]] = []
    for k, party in enumerate(PARTIES):
        edits = [spots[(3 * k + j) % len(spots)] for j in range(3)]
        slug = party.split()[0].lower()
        if k < TRACKED + UNTRACKED:
            review = Review(sent, work / "made" / slug)
            for j, phrase in enumerate(edits):
                if k < TRACKED:
                    author = f"Delegate {k}.{j % 2}"
                    review.replace(author, f"2026-11-{10 + k}T09:0{j}:00", phrase, f"{phrase} where appropriate")
                    review.comment(author, f"2026-11-{10 + k}T10:0{j}:00", f"Comment {j} of {party}.", phrase)
                else:
                    for node in review.paragraph(phrase).iter():
                        if node.text and phrase in node.text:
                            node.text = node.text.replace(phrase, f"{phrase} where appropriate")
                            break
                        if node.tail and phrase in node.tail:
                            node.tail = node.tail.replace(phrase, f"{phrase} where appropriate")
                            break
            made.append((review.save(slug), party))
        else:
            text = plain
            for phrase in edits:
                text = text.replace(phrase, f"{phrase} where appropriate")
            path = work / "made" / f"{slug}.txt"
            path.write_text(text, encoding="utf-8")
            made.append((path, party))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description="drafttools reviewers' workflow benchmark (benchmarks/README.md)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    work = bench.WORK / "review"
    returns = make_returns(work)
    room = project(work / "room")
    collect = [bench.DRAFTTOOLS, "collect", *(str(f) for f, _ in returns)]
    for _, party in returns:
        collect += ["--from", party]
    collect += ["--answers", VERSION]

    def fresh() -> None:
        shutil.rmtree(room / "proposals", ignore_errors=True)

    rows: list[tuple[str, bench.Measure]] = [("collect 20 returns (one run)", bench.measure(collect, room, args.runs, 1,
                                                                                           fresh))]
    for argv in OUTPUTS:
        rows.append((" ".join(argv), bench.measure([bench.DRAFTTOOLS, *argv], room, args.runs, 1)))
    word = [p for p, _ in returns if p.suffix == ".docx"]
    pandoc = bench.measure(["sh", "-c", "; ".join(f"pandoc --track-changes=all -t html '{p}' >/dev/null" for p in word)],
                           room, args.runs, 1)
    ours = [m.seconds for _, m in rows]
    total = sum(ours) if all(s is not None for s in ours) else None
    lines = [
        f"# Reviewers' workflow, {datetime.date.today().isoformat()}",
        "",
        bench.environment(args.runs, 1, bench.loadavg()),
        "",
        "| step | time | peak memory |",
        "|---|---|---|",
        *(f"| `drafttools {name}` | {bench.fmt_s(m)} | {bench.fmt_mb(m)} |" for name, m in rows),
        f"| **all of it** | **{total:.2f} s** |  |" if total is not None else "| **all of it** | n/a |  |",
        f"| pandoc reading the {len(word)} Word returns with their changes shown | {bench.fmt_s(pandoc)} | "
        f"{bench.fmt_mb(pandoc)} |",
        "",
        f"Target: collecting 20 returns and building all four outputs under {LIMIT:.0f} s: "
        + (f"{'met' if total <= LIMIT else 'not met'} ({total:.2f} s)" if total is not None else "not measured")
        + (f"; {bench.ratio(total, pandoc.seconds)} the time pandoc takes only to read the Word returns"
           if total is not None else ""),
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_save:
        out = ROOT / "benchmarks" / "results" / f"{datetime.date.today().isoformat()}-review.md"
        out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
