"""Deterministic generator of benchmark instruments, shaped like the code text.

For a given number of paragraphs it writes two versions of one instrument, each in three forms::

    OUT/v1/code_text/   manifest.toml + one MyST file per article (our source; passes `drafttools check`)
    OUT/v1/plain.md     the same words as ONE plain Markdown file (numbers printed, references as numbers)
    OUT/v1/sphinx/      a Sphinx project using myst-parser alone: conf.py, index.md (toctree), one file per article
    OUT/v2/...          the second version (see ``revise``)
    OUT/stats.json      what was generated and what version 2 changed

Shape of version 1: articles of 5-12 paragraphs; about 20% of numbered paragraphs carry lettered items and some
articles open with an unnumbered lead-in holding items; about 15% of paragraphs hold a cross-reference written as
an ``{xref}`` link ("paragraph X above", "paragraphs X and Y below", "Article X"); a few square brackets.

Version 2: about 10% of paragraphs with word edits, 2% deleted, 2% inserted with new IDs, one article removed
(so every later article renumbers), about 1% of paragraphs moved to another article.  References to deleted
elements are dropped, and "above"/"below" is recomputed, so version 2 passes `drafttools check` as well.

Standard library only; the same seed and size always give the same bytes.

    python benchmarks/generate.py --paragraphs 1000 --out benchmarks/work/1000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20090907
WRAP = 110
EN_DASH = "\u2013"

VOCABULARY = """
access accountability action active administration adopt advance agencies agreement agreements aim allocation
applicable appropriate arrangements assessment assistance attract authorities available balance basis benefit
bilateral budget capacity career circular collaboration collect commitment common communication community
compensation competent compliance conditions conduct conference consider consultation context continuing
contracts contribute cooperation coordination countries coverage criteria cultural data database decisions
demand deployment designated destination develop development dialogue direct discrimination distribution
domestic duties education effective efforts employment encourage ensure equal equitable establish ethical
evaluation evidence exchange existing expertise facilitate fair financial framework functions funding global
governance guidance guidelines human implementation improve incentives inform information institutions
instruments integrated interests invest investment knowledge labour legal legislation level local long
maintain management measures medical mechanisms migrant migration minimize mobility monitoring mutual national
needs negative networks nongovernmental nursing objectives obligations opportunities organizations origin
outcomes participation partners partnership periodic planning policies positive practices principles priority
procedures professional programmes progress promote protection provide public qualifications quality recognition
records regional regulations relevant reporting requirements research resources respect responsibility retention
review rights rural safeguards safety secretariat sector services shortage skills social sources stakeholders
standards strategies strengthen support sustainable systems technical terms training transparent treatment
understanding universal urban values voluntary wages welfare workforce working
""".split()
CONNECTORS = ("in accordance with", "as set out in", "pursuant to", "as referred to in", "subject to", "consistent with")
OPENERS = ("Member States should", "The Secretariat shall", "Recruiters and employers should", "All stakeholders should",
           "Governments should", "Each Member State should", "Relevant organizations should")


# ---------------------------------------------------------------------------------------------------- model


@dataclass
class Ref:
    """A cross-reference phrase: keyword and targets; direction and printed numbers are computed when written."""

    keyword: str  # "paragraph", "paragraphs", "Article"
    targets: list[str]


Token = str | Ref  # a word ("rights", "rights,", "[fair") or a reference phrase


@dataclass
class Item:
    id: str
    tokens: list[Token]


@dataclass
class Paragraph:
    id: str
    tokens: list[Token]
    items: list[Item] = field(default_factory=list)
    numbered: bool = True


@dataclass
class Article:
    id: str
    title: str
    file: str
    paragraphs: list[Paragraph]


@dataclass
class Instrument:
    title: str
    version: str
    articles: list[Article]


# --------------------------------------------------------------------------------------------- version one


class Minter:
    """Word-based IDs (never number-like), unique by a letter suffix: 'cooperation-rights-bac'."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.count = rng, 0

    def __call__(self, prefix: str = "") -> str:
        self.count += 1
        n, suffix = self.count, ""
        while n:
            n, r = divmod(n, 26)
            suffix = "abcdefghijklmnopqrstuvwxyz"[r] + suffix
        words = self.rng.sample(VOCABULARY, 2)
        return "-".join(([prefix] if prefix else []) + words + [suffix])


def words(rng: random.Random, low: int, high: int) -> list[str]:
    return rng.choices(VOCABULARY, k=rng.randint(low, high))


def sentence(rng: random.Random, low: int = 8, high: int = 22) -> list[Token]:
    tokens: list[Token] = [*rng.choice(OPENERS).split(), *words(rng, low, high)]
    for i in range(4, len(tokens) - 2, 7):
        if rng.random() < 0.3:
            tokens[i] = f"{tokens[i]},"
    tokens[-1] = f"{tokens[-1]}."
    return tokens


def item_text(rng: random.Random, last: bool) -> list[Token]:
    tokens: list[Token] = [*words(rng, 6, 24)]
    tokens[-1] = f"{tokens[-1]}{'.' if last else ';'}"
    return tokens


def build_v1(paragraph_count: int, rng: random.Random, mint: Minter) -> Instrument:
    articles: list[Article] = []
    made = 0
    while made < paragraph_count:
        size = min(rng.randint(5, 12), paragraph_count - made)
        if paragraph_count - made - size < 5 and paragraph_count - made - size > 0:
            size = paragraph_count - made  # no short last article
        number = len(articles) + 1
        article = Article(mint("art"), " ".join(rng.sample(VOCABULARY, rng.randint(2, 4))).capitalize(), f"article-{number:05d}.md", [])
        for index in range(size):
            article.paragraphs.append(new_paragraph(rng, mint, lead_in=index == 0 and rng.random() < 0.08))
        articles.append(article)
        made += size
    instrument = Instrument("Benchmark code of practice", "v1", articles)
    add_references(instrument, rng)
    add_brackets(instrument, rng)
    return instrument


def new_paragraph(rng: random.Random, mint: Minter, lead_in: bool = False) -> Paragraph:
    if lead_in:
        text: list[Token] = [*words(rng, 4, 10), "are:"]
        text[0] = str(text[0]).capitalize()
        count = rng.randint(2, 6)
        return Paragraph(mint(), text, [Item(mint(), item_text(rng, i == count - 1)) for i in range(count)], numbered=False)
    text = [t for _ in range(rng.randint(1, 3)) for t in sentence(rng)]
    paragraph = Paragraph(mint(), text)
    if rng.random() < 0.2:
        text[-1] = f"{str(text[-1]).rstrip('.')}, and should:"
        count = rng.randint(2, 5)
        paragraph.items = [Item(mint(), item_text(rng, i == count - 1)) for i in range(count)]
    return paragraph


def add_references(instrument: Instrument, rng: random.Random) -> None:
    """About 15% of paragraphs get one reference phrase, in their text or in one of their items."""
    paragraphs = [(a, p) for a in instrument.articles for p in a.paragraphs]
    numbered = [p for _, p in paragraphs if p.numbered]
    items = [(p, i) for _, p in paragraphs for i in p.items]
    index_of = {id(p): n for n, p in enumerate(numbered)}
    for article, paragraph in paragraphs:
        if rng.random() >= 0.15:
            continue
        ref = pick_reference(rng, instrument, article, paragraph, numbered, items, index_of)
        block = rng.choice(paragraph.items) if paragraph.items and rng.random() < 0.3 else paragraph
        place = max(1, len(block.tokens) - rng.randint(1, 6))
        block.tokens[place:place] = [*rng.choice(CONNECTORS).split(), ref]


def pick_reference(rng: random.Random, instrument: Instrument, article: Article, paragraph: Paragraph,
                   numbered: list[Paragraph], items: list[tuple[Paragraph, Item]], index_of: dict[int, int]) -> Ref:
    roll = rng.random()
    if roll < 0.15:
        return Ref("Article", [rng.choice(instrument.articles).id])
    if roll < 0.30 and items:
        owner, item = rng.choice(items)
        while owner is paragraph:
            owner, item = rng.choice(items)
        return Ref("paragraph", [item.id])
    here = index_of.get(id(paragraph), rng.randrange(len(numbered)))

    def near() -> Paragraph:
        while True:
            spread = 30 if rng.random() < 0.8 else len(numbered)
            candidate = numbered[max(0, min(len(numbered) - 1, here + rng.randint(-spread, spread)))]
            if candidate is not paragraph:
                return candidate

    first = near()
    if roll < 0.45:
        second = near()
        if second is not first:
            return Ref("paragraphs", [first.id, second.id])  # sides reconciled when written
    return Ref("paragraph", [first.id])


def add_brackets(instrument: Instrument, rng: random.Random) -> None:
    """Unagreed text: a bracketed run of words in about 3% of blocks, a whole bracketed paragraph now and then."""
    for article in instrument.articles:
        for paragraph in article.paragraphs:
            for block in [paragraph, *paragraph.items]:
                plain = [n for n, t in enumerate(block.tokens) if isinstance(t, str) and t.isalpha()]
                if rng.random() < 0.03 and len(plain) >= 4:
                    start = rng.randrange(len(plain) - 3)
                    first, last = plain[start], plain[start + rng.randint(1, 3)]
                    if all(isinstance(t, str) for t in block.tokens[first : last + 1]):
                        block.tokens[first] = f"[{block.tokens[first]}"
                        block.tokens[last] = f"{block.tokens[last]}]"
            if rng.random() < 0.005 and not paragraph.items and not any("[" in str(t) or "]" in str(t) for t in paragraph.tokens):
                paragraph.tokens[0] = f"[{paragraph.tokens[0]}"
                paragraph.tokens[-1] = f"{paragraph.tokens[-1]}]"


# --------------------------------------------------------------------------------------------- version two


def revise(v1: Instrument, rng: random.Random, mint: Minter) -> tuple[Instrument, dict[str, object]]:
    """Version 2: edits, deletions, insertions, one article removed, some paragraphs moved."""
    v2 = Instrument(v1.title, "v2", [clone_article(a) for a in v1.articles])
    total = sum(len(a.paragraphs) for a in v2.articles)
    removed = v2.articles.pop(len(v2.articles) // 3)
    stats: dict[str, object] = {"removed_article": removed.id, "removed_article_paragraphs": [p.id for p in removed.paragraphs]}

    deleted: list[str] = []
    for _ in range(round(total * 0.02)):
        article = rng.choice([a for a in v2.articles if len(a.paragraphs) > 3])
        deleted.append(article.paragraphs.pop(rng.randrange(1, len(article.paragraphs))).id)
    stats["deleted"] = deleted

    moved: list[str] = []
    for _ in range(max(1, round(total * 0.01))):
        source, target = rng.sample([a for a in v2.articles if len(a.paragraphs) > 3], 2)
        paragraph = source.paragraphs.pop(rng.randrange(1, len(source.paragraphs)))
        target.paragraphs.insert(rng.randrange(1, len(target.paragraphs) + 1), paragraph)
        moved.append(paragraph.id)
    stats["moved"] = moved

    editable = [p for a in v2.articles for p in a.paragraphs if p.id not in moved]
    edited = rng.sample(editable, round(total * 0.10))
    for paragraph in edited:
        edit_words(rng, rng.choice([paragraph, *paragraph.items]).tokens)
    stats["edited"] = [p.id for p in edited]

    inserted: list[str] = []
    for _ in range(round(total * 0.02)):
        article = rng.choice(v2.articles)
        paragraph = new_paragraph(rng, mint)
        article.paragraphs.insert(rng.randrange(1, len(article.paragraphs) + 1), paragraph)
        inserted.append(paragraph.id)
    stats["inserted"] = inserted

    alive = {n for a in v2.articles for n in [a.id, *(p.id for p in a.paragraphs), *(i.id for p in a.paragraphs for i in p.items)]}
    stats["references_dropped"] = drop_dead_references(v2, alive)
    return v2, stats


def clone_article(article: Article) -> Article:
    def tokens(ts: list[Token]) -> list[Token]:
        return [Ref(t.keyword, list(t.targets)) if isinstance(t, Ref) else t for t in ts]

    return Article(article.id, article.title, article.file, [
        Paragraph(p.id, tokens(p.tokens), [Item(i.id, tokens(i.tokens)) for i in p.items], p.numbered)
        for p in article.paragraphs
    ])


def edit_words(rng: random.Random, tokens: list[Token]) -> None:
    """Replace, insert or delete one to three plain words (never brackets, punctuation or references)."""
    for _ in range(rng.randint(1, 3)):
        plain = [n for n, t in enumerate(tokens) if isinstance(t, str) and t.isalpha() and t.islower()]
        if len(plain) < 3:
            return
        at = rng.choice(plain)
        action = rng.random()
        if action < 0.5:
            tokens[at] = rng.choice([w for w in VOCABULARY if w != tokens[at]])
        elif action < 0.8:
            tokens.insert(at, rng.choice(VOCABULARY))
        else:
            del tokens[at]


def drop_dead_references(instrument: Instrument, alive: set[str]) -> int:
    """A reference to an element that is gone loses its dead targets; one with none left becomes 'this code'."""
    dropped = 0
    for article in instrument.articles:
        for paragraph in article.paragraphs:
            for block in [paragraph, *paragraph.items]:
                for n, token in enumerate(block.tokens):
                    if isinstance(token, Ref) and any(t not in alive for t in token.targets):
                        dropped += 1
                        token.targets = [t for t in token.targets if t in alive]
                        if not token.targets:
                            block.tokens[n] = "this code"
                        elif token.keyword == "paragraphs" and len(token.targets) == 1:
                            token.keyword = "paragraph"
    return dropped


# ----------------------------------------------------------------------------------------- numbering, text


class Numbers:
    """Printed labels and document order of one instrument, computed the way drafttools computes them."""

    def __init__(self, instrument: Instrument) -> None:
        self.label: dict[str, str] = {}
        self.order: dict[str, int] = {}
        self.parent: dict[str, str] = {}
        position = 0
        for a_number, article in enumerate(instrument.articles, start=1):
            self.label[article.id], self.order[article.id] = str(a_number), position
            position += 1
            count = 0
            for paragraph in article.paragraphs:
                if paragraph.numbered:
                    count += 1
                    number = prefix = f"{a_number}.{count}"
                else:
                    number, prefix = "", str(a_number)
                self.label[paragraph.id], self.order[paragraph.id] = number, position
                position += 1
                for letter, item in enumerate(paragraph.items):
                    self.label[item.id], self.order[item.id] = f"{prefix}({chr(97 + letter)})", position
                    self.parent[item.id] = paragraph.id
                    position += 1


def phrase(ref: Ref, where: str, numbers: Numbers, linked: bool) -> str:
    """'paragraph {xref}`id` above' (linked) or 'paragraph 8.2 above' (printed)."""
    targets = list(ref.targets)
    sides = ["above" if numbers.order[t] < numbers.order[where] else "below" for t in targets]
    if len(targets) > 1 and len(set(sides)) > 1:
        targets, sides = targets[:1], sides[:1]
    keyword = "paragraph" if ref.keyword == "paragraphs" and len(targets) == 1 else ref.keyword
    shown = [f"{{xref}}`{t}`" if linked else numbers.label[t] for t in targets]
    text = f"{keyword} {' and '.join(shown)}"
    return text if keyword == "Article" else f"{text} {sides[0]}"


def block_text(tokens: list[Token], where: str, numbers: Numbers, linked: bool) -> str:
    return " ".join(phrase(t, where, numbers, linked) if isinstance(t, Ref) else t for t in tokens)


def wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, WRAP, break_long_words=False, break_on_hyphens=False))


def myst_article(article: Article, numbers: Numbers) -> str:
    out = [f":::::{{article}} {article.id}", f":title: {article.title}", ""]
    for paragraph in article.paragraphs:
        fence = "::::" if paragraph.items else ":::"
        out.append(f"{fence}{{paragraph}} {paragraph.id}")
        if not paragraph.numbered:
            out.append(":unnumbered:")
        out += [wrap(block_text(paragraph.tokens, paragraph.id, numbers, True)), ""]
        if paragraph.items:
            for item in paragraph.items:
                out += [f":::{{item}} {item.id}", wrap(block_text(item.tokens, item.id, numbers, True)), ":::", ""]
            out += ["::::", ""]
        else:
            out[-1] = ":::"
            out.append("")
    out[-1] = ":::::"
    return "\n".join(out) + "\n"


def plain_article(article: Article, numbers: Numbers, level: str) -> str:
    out = [f"{level} Article {numbers.label[article.id]} {EN_DASH} {article.title}", ""]
    for paragraph in article.paragraphs:
        body = block_text(paragraph.tokens, paragraph.id, numbers, False)
        out += [wrap(f"{numbers.label[paragraph.id]} {body}" if paragraph.numbered else body), ""]
        for item in paragraph.items:
            letter = numbers.label[item.id][numbers.label[item.id].index("("):]
            out += [wrap(f"{letter} {block_text(item.tokens, item.id, numbers, False)}"), ""]
    return "\n".join(out)


def write_version(instrument: Instrument, out: Path) -> None:
    numbers = Numbers(instrument)
    code = out / "code_text"
    sphinx = out / "sphinx"
    for folder in (code, sphinx):
        folder.mkdir(parents=True, exist_ok=True)
    listing = "".join(f'    "{a.file}",\n' for a in instrument.articles)
    (code / "manifest.toml").write_text(
        "# Generated by benchmarks/generate.py\n[instrument]\n"
        f'title = "{instrument.title}"\nversion = "{instrument.version}"\ndate = "2026-01-01"\nstatus = "draft"\n'
        f'language = "en"\narticles = [\n{listing}]\n', encoding="utf-8")
    plain = [f"# {instrument.title}", ""]
    toctree = []
    for article in instrument.articles:
        (code / article.file).write_text(myst_article(article, numbers), encoding="utf-8")
        plain.append(plain_article(article, numbers, "##"))
        stem = article.file.removesuffix(".md")
        (sphinx / article.file).write_text(plain_article(article, numbers, "#"), encoding="utf-8")
        toctree.append(stem)
    (out / "plain.md").write_text("\n".join(plain), encoding="utf-8")
    (sphinx / "conf.py").write_text(
        f'project = "{instrument.title}"\nextensions = ["myst_parser"]\nexclude_patterns = ["_build"]\n', encoding="utf-8")
    (sphinx / "index.md").write_text(
        f"# {instrument.title}\n\n```{{toctree}}\n:maxdepth: 1\n\n" + "\n".join(toctree) + "\n```\n", encoding="utf-8")


def shape(instrument: Instrument) -> dict[str, int]:
    paragraphs = [p for a in instrument.articles for p in a.paragraphs]
    blocks = [b for p in paragraphs for b in [p, *p.items]]
    return {
        "articles": len(instrument.articles),
        "paragraphs": len(paragraphs),
        "items": sum(len(p.items) for p in paragraphs),
        "paragraphs_with_references": sum(any(isinstance(t, Ref) for b in [p, *p.items] for t in b.tokens) for p in paragraphs),
        "bracketed_blocks": sum(any(isinstance(t, str) and "[" in t for t in b.tokens) for b in blocks),
        "words": sum(len(b.tokens) for b in blocks),
    }


def generate(paragraphs: int, out: Path, seed: int = SEED) -> dict[str, object]:
    """Write both versions of an instrument of ``paragraphs`` paragraphs under ``out``; return the stats."""
    rng = random.Random(f"{seed}-{paragraphs}")
    mint = Minter(rng)
    v1 = build_v1(paragraphs, rng, mint)
    v2, changes = revise(v1, rng, mint)
    if out.exists():
        shutil.rmtree(out)
    write_version(v1, out / "v1")
    write_version(v2, out / "v2")
    stats: dict[str, object] = {"seed": seed, "size": paragraphs, "v1": shape(v1), "v2": shape(v2), "changes": changes}
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
