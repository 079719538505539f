"""Deterministic generator of deep benchmark instruments: an EU-style regulation in the ``eu`` profile.

For a given number of paragraphs it writes two versions, each in the forms the runner reads::

    OUT/v1/act.txt      the act as text (what a drafter would import)
    OUT/v1/code_text/   the same act imported by ``drafttools import`` (MyST; passes `drafttools check`)
    OUT/v1/plain.md     the same words as one Markdown file (headings as Markdown headings)
    OUT/v1/sphinx/      a Sphinx project using myst-parser alone: one file per article and an index
    OUT/v2/...          the second version, imported with the IDs of the first
    OUT/stats.json      the shape of each version

Shape: PART ONE ... with TITLEs, CHAPTERs and some Sections; articles (about one per 3.5 paragraphs) with
paragraphs "1.", "2." restarting in each article; about two points per paragraph, (a) holding (i) holding dash
indents (four levels below the article); one definitions article "(1)" ... per 100 articles; closing words after
some lists; a table in about one article in 40; footnotes; references typed as the act would ("Article 12(2)",
"point (a) of Article 40(1)", "Articles 7 to 9", "paragraph 2").  Version 2: word edits in about 10% of
paragraphs, 2% deleted and 2% inserted (paragraph numbers of their article renumbered), one article moved to
another chapter, one removed ("Article N (deleted)"), a definition inserted (the later ones renumbered).

Standard library only for the text; the MyST is made by drafttools itself.

    python benchmarks/generate_deep.py --paragraphs 1000 --out benchmarks/work/deep-1000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20250520
WORDS = """access accountability action administration agencies assessment authorities capacity competent compliance
conditions cooperation coordination criteria data decisions deployment development education effective employment
equitable evaluation evidence exchange framework functions governance guidance information institutions investment
labour legislation management measures mechanisms migration mobility monitoring national obligations planning
policies practices procedures professional programmes protection qualifications recognition records registration
reporting requirements research resources retention rights safeguards services standards supervision systems
training transparency workforce""".split()
ONES = ("ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN FOURTEEN FIFTEEN SIXTEEN SEVENTEEN "
        "EIGHTEEN NINETEEN TWENTY").split()
ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(value: int) -> str:
    out = ""
    for number, letters in ROMAN * 10:
        while value >= number:
            out, value = out + letters, value - number
    return out


def sentence(rng: random.Random, low: int = 8, high: int = 20) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize()


@dataclass
class Point:
    text: str
    children: list[Point] = field(default_factory=list)


@dataclass
class Paragraph:
    text: str
    points: list[Point] = field(default_factory=list)
    closing: str = ""


@dataclass
class Article:
    number: int
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    lead_in: str = ""
    definitions: list[Point] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    deleted: bool = False
    suffix: str = ""


@dataclass
class Division:
    word: str  # PART, TITLE, CHAPTER, Section
    token: str
    title: str
    articles: list[Article] = field(default_factory=list)
    children: list[Division] = field(default_factory=list)


def points(rng: random.Random, depth: int) -> list[Point]:
    count = rng.randint(2, 3)
    found = []
    for _ in range(count):
        point = Point(sentence(rng, 5, 12).lower() + ";")
        if depth < 2 and rng.random() < (0.2 if depth == 0 else 0.25):
            point.text = point.text.rstrip(";") + ":"
            point.children = points(rng, depth + 1)
        found.append(point)
    return found


def build(paragraph_count: int, rng: random.Random) -> tuple[list[Division], list[Article]]:
    articles: list[Article] = []
    made = 0
    number = 0
    while made < paragraph_count:
        number += 1
        article = Article(number, sentence(rng, 2, 5))
        if number % 100 == 3:
            article.lead_in = "For the purposes of this Regulation, the following definitions apply:"
            article.definitions = [Point(f"'{rng.choice(WORDS)} {rng.choice(WORDS)}' means {sentence(rng, 6, 14).lower()};")
                                   for _ in range(rng.randint(8, 20))]
            made += 1
        else:
            for _ in range(min(rng.randint(1, 6), paragraph_count - made)):
                paragraph = Paragraph(sentence(rng) + ".")
                if rng.random() < 0.45:
                    paragraph.text = paragraph.text.rstrip(".") + ":"
                    paragraph.points = points(rng, 0)
                    if rng.random() < 0.15:
                        paragraph.closing = sentence(rng) + "."
                article.paragraphs.append(paragraph)
                made += 1
            if number % 40 == 7:
                article.table = [["Category", "Threshold", "Year"]] + [
                    [rng.choice(WORDS).capitalize(), f"{rng.randint(1, 99)}%", str(2026 + k)] for k in range(rng.randint(2, 5))]
        articles.append(article)
    # divisions: parts of 4 titles or more (at most twenty parts: "PART ONE" to "PART TWENTY"), titles of ~3
    # chapters, chapters of ~8 articles, some chapters with sections
    parts: list[Division] = []
    index = 0
    titles_per_part = max(4, -(-len(articles) // (8 * 3 * len(ONES))))
    while index < len(articles):
        part = Division("PART", ONES[len(parts)], sentence(rng, 2, 4).upper())
        for t in range(titles_per_part):
            title = Division("TITLE", roman(t + 1), sentence(rng, 2, 4).upper())
            for c in range(3):
                chapter = Division("CHAPTER", str(c + 1), sentence(rng, 2, 4))
                take = articles[index:index + 8]
                index += len(take)
                if take and c == 1 and len(take) > 3:
                    half = len(take) // 2
                    chapter.children = [Division("Section", "1", sentence(rng, 2, 4), take[:half]),
                                        Division("Section", "2", sentence(rng, 2, 4), take[half:])]
                else:
                    chapter.articles = take
                if take:
                    title.children.append(chapter)
            if title.children:
                part.children.append(title)
        parts.append(part)
    return parts, articles


def add_references(articles: list[Article], rng: random.Random) -> None:
    numbered = [a for a in articles if a.paragraphs]
    for article in articles:
        for number, paragraph in enumerate(article.paragraphs, start=1):
            if rng.random() > 0.18:
                continue
            other = rng.choice(numbered)
            kind = rng.random()
            if kind < 0.4:
                phrase = f"Article {other.number}({rng.randint(1, len(other.paragraphs))})"
            elif kind < 0.6 and any(p.points for p in other.paragraphs):
                at = next(k for k, p in enumerate(other.paragraphs, start=1) if p.points)
                phrase = f"point (a) of Article {other.number}({at})"
            elif kind < 0.8 and other.number + 2 <= articles[-1].number:
                phrase = f"Articles {other.number} to {other.number + 2}"
            elif len(article.paragraphs) > 1:
                target = rng.choice([k for k in range(1, len(article.paragraphs) + 1) if k != number])
                phrase = f"paragraph {target}"
            else:
                phrase = f"Article {other.number}"
            paragraph.text = paragraph.text.rstrip(".:") + f", in accordance with {phrase}" + paragraph.text[-1]


def text_of(parts: list[Division], title: str) -> str:
    out = [title, "", "THE EUROPEAN PARLIAMENT AND THE COUNCIL OF THE EUROPEAN UNION,", "",
           "Having regard to the Treaty on the Functioning of the European Union, and in particular Article 168(5) thereof,",
           "", "Whereas:", ""]
    out += [f"({k}) The Union should support Member States in the {WORDS[k]} of health professionals.\n" for k in range(1, 6)]
    out += ["HAVE ADOPTED THIS REGULATION:", ""]
    notes: list[str] = []

    def points_text(found: list[Point], depth: int) -> None:
        for k, point in enumerate(found):
            label = f"({chr(97 + k)})" if depth == 0 else f"({roman(k + 1).lower()})" if depth == 1 else "\u2014"
            out.extend([f"{label} {point.text}", ""])
            points_text(point.children, depth + 1)

    def article_text(article: Article) -> None:
        out.extend([f"Article {article.number}{article.suffix}", "(deleted)" if article.deleted else article.title, ""])
        if article.deleted:
            return
        if article.lead_in:
            out.extend([article.lead_in, ""])
            for k, definition in enumerate(article.definitions, start=1):
                out.extend([f"({k}) {definition.text}", ""])
        for k, paragraph in enumerate(article.paragraphs, start=1):
            text = paragraph.text
            if k == 1 and article.number % 25 == 4:
                notes.append(f"OJ L {article.number}, 1.1.2026, p. {k}.")
                text += f"[^{len(notes)}]"
            out.extend([f"{k}. {text}", ""])
            points_text(paragraph.points, 0)
            if paragraph.closing:
                out.extend([paragraph.closing, ""])
        if article.table:
            out.append(f"Table {article.number} \u2013 Thresholds")
            out.extend("\t".join(row) for row in article.table)
            out.append("")

    def division_text(division: Division) -> None:
        out.extend([f"{division.word} {division.token}", division.title, ""])
        for article in division.articles:
            article_text(article)
        for child in division.children:
            division_text(child)

    for part in parts:
        division_text(part)
    out += ["This Regulation shall be binding in its entirety and directly applicable in all Member States.", "",
            "Done at Brussels, 1 January 2026.", ""]
    out += [f"[^{k}]: {note}" for k, note in enumerate(notes, start=1)]
    return "\n".join(out) + "\n"


def revise(parts: list[Division], articles: list[Article], rng: random.Random) -> None:
    """Version 2, in place: word edits, paragraphs deleted and inserted, an article moved and one deleted, a
    definition inserted."""
    for article in articles:
        kept = []
        for paragraph in article.paragraphs:
            roll = rng.random()
            if roll < 0.02 and len(article.paragraphs) > 1:
                continue
            if roll < 0.12:
                words = paragraph.text.split()
                words[rng.randrange(len(words))] = rng.choice(WORDS)
                paragraph.text = " ".join(words)
            kept.append(paragraph)
            if rng.random() < 0.02:
                kept.append(Paragraph(sentence(rng) + "."))
        article.paragraphs = kept
    definitions = next((a for a in articles if a.definitions), None)
    if definitions is not None:
        definitions.definitions.insert(1, Point(f"'{rng.choice(WORDS)} plan' means {sentence(rng, 6, 12).lower()};"))
    holders: list[Division] = []

    def walk(division: Division) -> None:
        if division.articles:
            holders.append(division)
        for child in division.children:
            walk(child)

    for part in parts:
        walk(part)
    if len(holders) > 2:  # the last article of the first chapter becomes the first of the next: moved, same number
        moved = holders[0].articles.pop()
        holders[1].articles.insert(0, moved)
    victim = articles[len(articles) // 3]
    if victim.paragraphs and not victim.definitions:
        victim.deleted = True
    _drop_dead_references(articles)


REFERENCE = re.compile(r", in accordance with (?P<phrase>.*?)(?P<end>[.:])$")


def _drop_dead_references(articles: list[Article]) -> None:
    """Remove each reference version 2 no longer resolves (its target deleted), so that it checks clean."""
    by_number = {a.number: a for a in articles if not a.deleted}

    def alive(phrase: str, here: Article) -> bool:
        if m := re.fullmatch(r"paragraph (\d+)", phrase):
            return int(m[1]) <= len(here.paragraphs)
        if m := re.fullmatch(r"point \(a\) of Article (\d+)\((\d+)\)", phrase):
            article = by_number.get(int(m[1]))
            return article is not None and int(m[2]) <= len(article.paragraphs) and bool(article.paragraphs[int(m[2]) - 1].points)
        if m := re.fullmatch(r"Article (\d+)\((\d+)\)", phrase):
            article = by_number.get(int(m[1]))
            return article is not None and int(m[2]) <= len(article.paragraphs)
        if m := re.fullmatch(r"Articles (\d+) to (\d+)", phrase):
            return int(m[1]) in by_number and int(m[2]) in by_number
        if m := re.fullmatch(r"Article (\d+)", phrase):
            return int(m[1]) in by_number
        return True

    for article in articles:
        for paragraph in article.paragraphs:
            found = REFERENCE.search(paragraph.text)
            if found is not None and not alive(found["phrase"], article):
                paragraph.text = paragraph.text[: found.start()] + found["end"]


def _import(text: Path, folder: Path, ids_from: Path | None) -> None:
    project = folder.parent
    command = [sys.executable, "-m", "drafttools", "import", str(text), "--as", folder.name, "--profile", "eu", "--force"]
    if ids_from is not None:
        command += ["--ids-from", str(ids_from)]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"import of {text} failed:\n{done.stderr[-3000:]}")


def _plain_and_sphinx(text: str, out: Path) -> None:
    """The same words as Markdown (headings marked) and as a Sphinx project of one file per article."""
    lines = text.split("\n")
    width = max(2, len(str(sum(1 for line in lines if re.match(r"^Article \d+\w*$", line)))))  # as the MyST writer names them
    markdown: list[str] = []
    files: dict[str, list[str]] = {}
    current: list[str] | None = None
    for k, line in enumerate(lines):
        if re.match(r"^(PART|TITLE|CHAPTER|Section) \S+$", line):
            markdown.append(f"## {line}")
        elif re.match(r"^Article \d+\w*$", line):
            name = f"article-{len(files) + 1:0{width}d}.md"
            current = files.setdefault(name, [f"# {line}"])
            markdown.append(f"### {line}")
            continue
        elif "\t" in line:
            line = "| " + " | ".join(line.split("\t")) + " |"
        markdown.append(line)
        if current is not None:
            current.append(line)
    (out / "plain.md").write_text("\n".join(markdown), encoding="utf-8")
    sphinx = out / "sphinx"
    sphinx.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (sphinx / name).write_text("\n".join(body) + "\n", encoding="utf-8")
    (sphinx / "conf.py").write_text('project = "Deep"\nextensions = ["myst_parser"]\nexclude_patterns = ["_build"]\n',
                                    encoding="utf-8")
    toctree = "\n".join(n.removesuffix(".md") for n in files)
    (sphinx / "index.md").write_text(f"# Deep\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n", encoding="utf-8")


def shape(text: str) -> dict[str, int]:
    return {
        "articles": len(re.findall(r"(?m)^Article \d+\w*$", text)),
        "paragraphs": len(re.findall(r"(?m)^\d+\. ", text)),
        "points": len(re.findall(r"(?m)^(?:\([a-z]{1,4}\)|\u2014) ", text)),
        "definitions": len(re.findall(r"(?m)^\(\d+\) '", text)),
        "divisions": len(re.findall(r"(?m)^(?:PART|TITLE|CHAPTER|Section) \S+$", text)),
        "words": len(text.split()),
    }


def generate(paragraphs: int, out: Path, seed: int = SEED) -> dict[str, object]:
    """Write both versions under ``out`` (replaced if it exists); return the stats."""
    rng = random.Random(f"{seed}-{paragraphs}")
    parts, articles = build(paragraphs, rng)
    add_references(articles, rng)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "pyproject.toml").write_text('[tool.drafttools]\nsource = "v1/code_text"\nbuild = "build"\nversions = "imported"\n',
                                        encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=out, check=True)
    title = "REGULATION (EU) 2026/999 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL on the health workforce"
    texts: dict[str, str] = {"v1": text_of(parts, title)}
    revise(parts, articles, rng)
    texts["v2"] = text_of(parts, title)
    stats: dict[str, object] = {"seed": seed, "size": paragraphs}
    for name, text in texts.items():
        folder = out / name
        folder.mkdir()
        (folder / "act.txt").write_text(text, encoding="utf-8")
        _plain_and_sphinx(text, folder)
        stats[name] = shape(text)
    (out / "imported").mkdir()
    _import(out / "v1" / "act.txt", out / "imported" / "v1", None)
    _import(out / "v2" / "act.txt", out / "imported" / "v2", out / "imported" / "v1")
    for name in ("v1", "v2"):
        shutil.move(str(out / "imported" / name), str(out / name / "code_text"))
    (out / "stats.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, required=True, help="number of paragraphs in version 1")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    stats = generate(args.paragraphs, args.out, args.seed)
    print(json.dumps({"v1": stats["v1"], "v2": stats["v2"]}))


if __name__ == "__main__":
    main()
