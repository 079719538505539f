"""Hostile shapes (issue 18, item 6): inputs no drafter writes but a tool must survive, each timed as a whole
process beside the issue's limits (5 s and 500 MB on a 2-core machine) and beside the same command on the
standard 10,000-paragraph instrument (a user's worst real case), as ratios.

    python benchmarks/hostile.py [--no-save]

Writes benchmarks/results/<date>-hostile.md.  The shapes, generated under benchmarks/work/hostile/:

- ``refs-200000``: one paragraph holding 200,000 linked references (refused at its line: ``xref.too-many``);
- ``refs-5000``: one paragraph holding 5,000, the most a block may hold (checked);
- ``list-10000``: "paragraphs 8.1, 8.2, … 8.10001", none of which exists (10,000 diagnostics, 100 printed);
- ``same-25000``: 25,000 paragraphs of the same words without IDs, given IDs by ``drafttools ids``;
- ``nested-3000``: 3,000 nested notes (refused before the parse: ``structure.too-deep``);
- ``bomb``: a 0.6 MB .docx whose document.xml unpacks to 190 MB, imported (refused before it is unpacked).
"""

from __future__ import annotations

import argparse
import datetime
import io
import shutil
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402

LIMIT_SECONDS, LIMIT_MB = 5.0, 500.0
MANIFEST = '[instrument]\ntitle = "Hostile"\nversion = "h"\ndate = "2009-01-01"\nstatus = "draft"\narticles = ["a.md"]\n'


def article(body: str) -> str:
    return f":::::{{article}} art-one\n:title: One\n\n{body}:::::\n"


def code_text(folder: Path, body: str) -> None:
    folder.mkdir(parents=True)
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (folder / "a.md").write_text(article(body), encoding="utf-8")


def refs(n: int) -> str:
    links = " ".join("see {xref}`target`;" for _ in range(n))
    return f":::{{paragraph}} crowded\n{links}\n:::\n\n:::{{paragraph}} target\nThe target.\n:::\n"


def nested(depth: int) -> str:
    opening = "".join(f"{':' * (3 + depth - i)}{{note}}\nText {i}\n\n" for i in range(depth))
    closing = "".join(f"{':' * (4 + i)}\n" for i in range(depth))
    return f"{':' * (depth + 6)}{{paragraph}} first\nLead:\n\n{opening}{closing}{':' * (depth + 6)}\n"


def bomb(path: Path) -> None:
    from docx import Document

    made = io.BytesIO()
    document = Document()
    document.add_paragraph("Article 1 Objectives")
    document.add_paragraph("1.1 To help.")
    document.save(made)
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * 190_000_000)
            out.writestr(info.filename, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    work = bench.WORK / "hostile"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    code_text(work / "refs-200000", refs(200_000))
    code_text(work / "refs-5000", refs(5_000))
    code_text(work / "list-10000", ":::{paragraph} crowded\nAs set out in paragraphs "
              + ", ".join(f"8.{n}" for n in range(1, 10_001)) + " and 8.10001.\n:::\n")
    code_text(work / "same-25000", ":::{paragraph}\nEach Member State should designate a national authority.\n:::\n\n"
              * 25_000)
    code_text(work / "nested-3000", nested(3000))
    bomb(work / "bomb.docx")
    (work / "pyproject.toml").write_text('[tool.drafttools]\nsource = "refs-5000"\nversions = "versions"\n')
    standard = bench.WORK / "10000"
    if not (standard / "v1" / "code_text").is_dir():
        bench.generate.generate(10000, standard)
    tool = bench.DRAFTTOOLS
    cases = [
        ("check: a paragraph of 200,000 references", [tool, "check", "-q", "refs-200000"], (1,), "check"),
        ("check: a paragraph of 5,000 references", [tool, "check", "-q", "refs-5000"], (0,), "check"),
        ("check: a list of 10,000 missing members", [tool, "check", "list-10000"], (1,), "check"),
        ("ids: 25,000 paragraphs of the same words", [tool, "ids", "same-25000"], (0,), "ids"),
        ("check: 3,000 nested notes", [tool, "check", "-q", "nested-3000"], (1,), "check"),
        ("import: a 0.6 MB zip bomb", [tool, "import", "bomb.docx", "--as", "bomb", "--dry-run"], (1,), "import"),
    ]
    reference = {
        "check": bench.measure([tool, "check", "-q", "--no-cache", "v1/code_text"], standard, 1, 0, ok_codes=(0, 1)),
    }
    rows = ["| hostile shape | s | peak MB | within 5 s and 500 MB | check of 10,000 real paragraphs, s | ratio |",
            "|---|--:|--:|---|--:|--:|"]
    for label, cmd, codes, kind in cases:
        if kind == "ids":
            shutil.rmtree(work / "same-25000.ids", ignore_errors=True)
            shutil.copytree(work / "same-25000", work / "same-25000.ids")
            cmd = [*cmd[:-1], "same-25000.ids"]
        print(f"  {label} ...", file=sys.stderr)
        result = bench.measure(cmd, work, 1, 0, ok_codes=codes)
        if not result.ok:
            rows.append(f"| {label} | {result.error} | – | – | – | – |")
            continue
        within = "yes" if result.seconds <= LIMIT_SECONDS and (result.peak_mb or 0) <= LIMIT_MB else "no"
        anchor = reference["check"]
        ratio = f"{result.seconds / anchor.seconds:.2f}×" if anchor.ok else "–"
        rows.append(f"| {label} | {result.seconds:.3f} | {result.peak_mb or 0:.0f} | {within} | "
                    f"{anchor.seconds if anchor.ok else float('nan'):.3f} | {ratio} |")
    now = datetime.datetime.now(datetime.timezone.utc)
    text = "\n".join([f"# drafttools benchmarks, hostile shapes ({now:%Y-%m-%d %H:%M} UTC)", "", *rows, "",
                      "- whole processes, one run each; the anchor is a cold `check --no-cache` of the standard "
                      "10,000-paragraph instrument (1,181 files, in parallel) on the same machine", ""])
    print(text)
    if not args.no_save:
        bench.RESULTS.mkdir(exist_ok=True)
        (bench.RESULTS / f"{now:%Y-%m-%d}-hostile.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
