"""Benchmarks: drafttools against pandoc, Sphinx, myst-parser, git and difflib, at 100, 1,000 and 10,000 paragraphs.

    .venv/bin/python benchmarks/run.py [--sizes 100,1000,10000] [--runs 3] [--warmup 1] [--no-save]

For each size it generates the instruments (benchmarks/generate.py) under benchmarks/work/<size>/, times whole
processes (median of --runs after --warmup untimed runs; peak resident memory of each process from os.wait4's
rusage, which covers that one child only), prints one Markdown table per size with each drafttools figure beside
its anchor and the ratio, then the issue's targets as met / not met, and writes the same text to
benchmarks/results/<date>-<size>.md.  A drafttools command that does not exist (yet) shows "n/a (not available)".
See benchmarks/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
PYTHON = sys.executable
DRAFTTOOLS = str(BIN / "drafttools") if (BIN / "drafttools").exists() else shutil.which("drafttools") or "drafttools"
SPHINX = str(BIN / "sphinx-build") if (BIN / "sphinx-build").exists() else shutil.which("sphinx-build") or "sphinx-build"
NA = "n/a (not available)"

sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import generate_deep  # noqa: E402


# ------------------------------------------------------------------------------------------------ measuring


@dataclass
class Measure:
    """Median wall-clock seconds and peak RSS (MB, the largest of the timed runs) of one command, or why not."""

    seconds: float | None = None
    peak_mb: float | None = None
    times: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.seconds is not None


GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it, from each process's parent in /proc/PID/stat."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _pss_kb(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
    return int(found.group(1)) if found else 0


class TreeSampler(threading.Thread):
    """The largest proportional set size (PSS) of a process tree, summed over its processes, sampled every
    50 ms (about 2 ms of one core each): the memory a command holds when it forks workers (parallel parse,
    DOCX rendered beside HTML), where one process's peak RSS would understate it and a sum of RSS would count
    pages shared since the fork twice."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak_kb, self.done = root, 0, threading.Event()

    def run(self) -> None:
        readable = Path("/proc/self/smaps_rollup").exists()
        while readable and not self.done.wait(0.05):
            pids = [pid for pid in _descendants(self.root) if pid != self.root]  # not GNU time itself
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in pids))


def run_once(cmd: list[str], cwd: Path, stdout: Path | None = None) -> tuple[float, float, int, str]:
    """Run one process to its end: (seconds, peak memory in MB, exit status, the tail of its stderr).

    Peak memory is the larger of two readings: the peak RSS of the command's largest process, from GNU time
    when it is installed (ru_maxrss of a child forked from this larger Python process would start at this
    process's own size; without GNU time, os.wait4's rusage of the one child is used), and the peak sum of PSS
    over the command's whole process tree (``TreeSampler``), which counts the workers a command forks.
    """
    rss_file = WORK / ".rss"
    wrapped = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *cmd] if GNU_TIME else cmd
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    err_path = WORK / ".stderr"
    with open(err_path, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=err, env={**os.environ, "PAGER": "cat"})
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    if stdout:
        out.close()  # type: ignore[union-attr]
    peak_kb = usage.ru_maxrss
    if GNU_TIME:
        found = re.findall(r"^(\d+)$", rss_file.read_text(encoding="utf-8"), re.M)
        peak_kb = int(found[-1]) if found else peak_kb
    tail = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
    return seconds, max(peak_kb, sampler.peak_kb) / 1024, process.returncode, " | ".join(tail)


def measure(cmd: list[str] | None, cwd: Path, runs: int, warmup: int, prepare: Callable[[], None] | None = None,
            ok_codes: tuple[int, ...] = (0,), stdout: Path | None = None) -> Measure:
    if cmd is None:
        return Measure(error=NA)
    times, peaks = [], []
    for n in range(warmup + runs):
        if prepare:
            prepare()
        seconds, peak, code, tail = run_once(cmd, cwd, stdout)
        if code not in ok_codes:
            return Measure(error=f"failed (exit {code}): {tail[:200]}")
        if n >= warmup:
            times.append(seconds)
            peaks.append(peak)
    return Measure(statistics.median(times), max(peaks), times)


def engines(cwd: Path, runs: int) -> tuple[Measure, Measure, Measure]:
    """The diff engines alone, in-process (benchmarks/engine.py), median over ``runs`` processes: ours, the difflib
    script's, and the word diffs alone that our engine makes of the pairs the script diffs."""
    keys = ("drafttools", "difflib", "drafttools_word_diffs")
    found: dict[str, list[float]] = {key: [] for key in keys}
    for _ in range(runs):
        run = subprocess.run([PYTHON, str(HERE / "engine.py"), "v1/code_text", "v2/code_text"], cwd=cwd,
                             capture_output=True, text=True)
        if run.returncode != 0:
            error = f"failed: {run.stderr.strip().splitlines()[-1:]}"
            return Measure(error=error), Measure(error=error), Measure(error=error)
        for key, value in json.loads(run.stdout).items():
            if value is not None and key in found:
                found[key].append(value)
    ours, difflib, words = (Measure(statistics.median(found[k]), None, found[k]) if found[k] else Measure(error=NA) for k in keys)
    return ours, difflib, words


# ----------------------------------------------------------------------------------- the drafttools commands


class Drafttools:
    """What the installed drafttools offers, read from its --help, and the command lines we time."""

    def __init__(self) -> None:
        self.commands = set(re.findall(r"^  (\w+)  ", self.help(), re.M))
        self.build_help = self.help("build") if "build" in self.commands else ""
        self.diff_help = self.help("diff") if "diff" in self.commands else ""

    @staticmethod
    def help(*command: str) -> str:
        run = subprocess.run([DRAFTTOOLS, *command, "--help"], capture_output=True, text=True)
        return run.stdout if run.returncode == 0 else ""

    def check(self, source: str) -> list[str]:
        return [DRAFTTOOLS, "check", "-q", source]

    def build(self, paper: str, out: str, formats: tuple[str, ...]) -> list[str] | None:
        """`drafttools build` of a paper (the code alone: document_type code) into ``out``, or None."""
        if not self.build_help:
            return None
        cmd = [DRAFTTOOLS, "build", paper]
        cmd += option(self.build_help, ("-o", "--output", "--out"), out)
        if re.search(r"--to\b", self.build_help):
            return cmd + ["--to", ",".join(formats)]
        if set(formats) <= set(format_choices(self.build_help)):
            return cmd + [a for f in formats for a in ("--format", f)]
        return None

    def diff(self, old: str, new: str, fmt: str, out: str | None = None, no_cache: bool = False) -> list[str] | None:
        if not self.diff_help or fmt not in format_choices(self.diff_help):
            return None
        if no_cache and "--no-cache" not in self.diff_help:
            return None
        cmd = [DRAFTTOOLS, "diff", old, new, "--format", fmt] + ["--no-cache"] * no_cache
        return cmd + (option(self.diff_help, ("-o", "--out", "--output"), out) if out else [])


def format_choices(help_text: str) -> list[str]:
    found = re.search(r"--format\s+\[([^\]]+)\]", help_text)
    return [c.strip() for c in found.group(1).split("|")] if found else []


def option(help_text: str, names: tuple[str, ...], value: str) -> list[str]:
    for name in names:
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", help_text):
            return [name, value]
    return []


# -------------------------------------------------------------------------------------------------- one size


@dataclass
class Row:
    measure: str  # what drafttools does
    ours: Measure
    anchor_name: str
    anchor: Measure


def toggle_edit(path: Path, after: str) -> Callable[[], None]:
    """A preparation step: put or take away the word 'Edited' at the start of the first text line after ``after``."""

    def edit() -> None:
        lines = path.read_text(encoding="utf-8").split("\n")
        at = next(n for n, line in enumerate(lines) if re.match(after, line)) + 1
        while not lines[at].strip() or lines[at].startswith(":"):
            at += 1
        lines[at] = lines[at].removeprefix("Edited ") if lines[at].startswith("Edited ") else f"Edited {lines[at]}"
        path.write_text("\n".join(lines), encoding="utf-8")

    return edit


def remove(*paths: Path) -> Callable[[], None]:
    def clean() -> None:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    return clean


def bench_size(size: int, runs: int, warmup: int, tools: Drafttools, log: Callable[[str], None],
               shape: str = "standard") -> list[Row]:
    deep = shape == "deep"
    cwd = WORK / (f"deep-{size}" if deep else str(size))
    (generate_deep if deep else generate).generate(size, cwd)
    # A pyproject of its own, so drafttools' build folder and check cache live in the work folder.
    (cwd / "pyproject.toml").write_text('[tool.drafttools]\nsource = "v1/code_text"\nbuild = "build"\nversions = "imported"\n')
    # The code on its own, built as drafttools builds it: a paper of document type "code" annexing the text.
    shutil.copytree(ROOT / "annex_templates", cwd / "annex_templates", dirs_exist_ok=True)
    (cwd / "papers").mkdir(exist_ok=True)
    (cwd / "papers" / "code.md").write_text("---\ndocument_type: code\nlanguage: en\nannex: code_text\n---\n", encoding="utf-8")
    out = cwd / "out"
    out.mkdir(exist_ok=True)
    articles = sorted((cwd / "v1" / "code_text").glob("article-*.md"))
    middle = articles[len(articles) // 2].name
    cache = cwd / "build" / ".cache"

    def timed(label: str, cmd: list[str] | None, runs: int = runs, warmup: int = warmup, **kw: object) -> Measure:
        log(f"  {size}: {label} ...")
        result = measure(cmd, cwd, runs, warmup, **kw)  # type: ignore[arg-type]
        log(f"  {size}: {label}: {fmt_s(result)} s, {fmt_mb(result)} MB{'' if result.ok else ' ' + str(result.error)}")
        return result

    sphinx_cold_cmd = [SPHINX, "-b", "html", "-q", "-d", "out/sphinx/doctrees", "v1/sphinx", "out/sphinx/html"]
    build_both = tools.build("papers/code.md", "out/dt", ("docx", "html"))
    build_docx = tools.build("papers/code.md", "out/dt-docx", ("docx",))

    both = timed("drafttools build (HTML + DOCX)", build_both, prepare=remove(out / "dt", cwd / "build"))
    html = timed("drafttools build (HTML)", tools.build("papers/code.md", "out/dt-html", ("html",)), prepare=remove(out / "dt-html", cwd / "build"))
    docx = timed("drafttools build (DOCX)", build_docx, prepare=remove(out / "dt-docx", cwd / "build"))
    pandoc = timed("pandoc -t docx", ["pandoc", "-f", "markdown", "-t", "docx", "-o", "out/pandoc.docx", "v1/plain.md"])
    sphinx = timed("sphinx-build -b html (cold)", sphinx_cold_cmd, prepare=remove(out / "sphinx"))

    # A rebuild starts from the same command's complete build (the HTML-only and DOCX-only runs above cleared
    # build/ and its caches).  The rebuilds are short, so at least 3 runs after a warm-up, even at 10,000.
    if build_both:
        run_once(build_both, cwd)
    rebuild = timed("drafttools rebuild after one article edited", build_both, runs=max(runs, 3), warmup=max(warmup, 1),
                    prepare=toggle_edit(cwd / "v1" / "code_text" / middle, r":{3,}\{paragraph\}"))
    if not (out / "sphinx" / "html" / "index.html").is_file():
        run_once(sphinx_cold_cmd, cwd)
    sphinx_inc = timed("sphinx-build incremental (one file edited)", sphinx_cold_cmd, runs=max(runs, 3), warmup=max(warmup, 1),
                       prepare=toggle_edit(cwd / "v1" / "sphinx" / middle, r"# Article"))
    toggle_back(cwd, middle)

    check_cold = timed("drafttools check (cold)", tools.check("v1/code_text"), prepare=remove(cache))
    myst = timed("myst-parser doctrees", [PYTHON, str(HERE / "myst_doctrees.py"), "v1/sphinx"])
    remove(cache)()
    run_once(tools.check("v1/code_text"), cwd)  # the run that fills the cache, whatever --warmup says
    check_warm = timed("drafttools check (nothing changed)", tools.check("v1/code_text"))

    diff_cold = timed("drafttools diff --format json --no-cache", tools.diff("v1/code_text", "v2/code_text", "json", no_cache=True),
                      ok_codes=(0, 1), stdout=out / "diff.json")
    # A drafter checks the new draft before comparing it (and `snapshot` checks a version as it freezes it), so
    # both versions have been parsed once when `diff` runs: the diff reads them from the parse cache.
    run_once(tools.check("v2/code_text"), cwd)
    diff_json = timed("drafttools diff --format json", tools.diff("v1/code_text", "v2/code_text", "json"),
                      ok_codes=(0, 1), stdout=out / "diff.json")
    redline = timed("drafttools diff --format docx", tools.diff("v1/code_text", "v2/code_text", "docx", "out/redline.docx"),
                    ok_codes=(0, 1), stdout=out / "redline.stdout")
    git = timed("git diff --no-index --word-diff", ["git", "--no-pager", "diff", "--no-index", "--word-diff", "v1/plain.md", "v2/plain.md"],
                ok_codes=(0, 1), stdout=out / "git.diff")
    shared = [
        Row("build, HTML + DOCX", both, "pandoc -t docx", pandoc),
        Row("build, HTML + DOCX", both, "sphinx-build -b html, cold", sphinx),
        Row("build, HTML only", html, "sphinx-build -b html, cold", sphinx),
        Row("build, DOCX only", docx, "pandoc -t docx", pandoc),
        Row("rebuild, one article edited", rebuild, "sphinx-build, one file edited", sphinx_inc),
        Row("check, cold (no cache)", check_cold, "myst-parser doctrees", myst),
        Row("check, nothing changed", check_warm, "myst-parser doctrees", myst),
        Row("diff --format json", diff_json, "check, cold", check_cold),
        Row("diff --format json, nothing cached", diff_cold, "check, cold", check_cold),
        Row("diff --format json", diff_json, "git diff --no-index --word-diff", git),
        Row("diff --format docx (redline)", redline, "build, DOCX only", docx),
        Row("diff --format docx (redline)", redline, "git diff --no-index --word-diff", git),
    ]
    if deep:
        # Import from Word: the DOCX drafttools built of version 1, read back (a fresh version each run), beside
        # pandoc reading the same file to Markdown.
        built = out / "dt-docx" / "code.docx"
        if not built.is_file() and build_docx:
            run_once(build_docx, cwd)
        imported = timed("drafttools import code.docx", [DRAFTTOOLS, "import", str(built), "--as", "from-docx", "--force"],
                         prepare=remove(cwd / "imported" / "from-docx"))
        pandoc_in = timed("pandoc -f docx -t markdown", ["pandoc", "-f", "docx", "-t", "markdown", "-o", "out/pandoc-in.md", str(built)])
        return shared + [Row("import from .docx", imported, "pandoc -f docx -t markdown", pandoc_in)]
    difflib = timed("difflib id-aligned word diff", [PYTHON, str(HERE / "difflib_diff.py"), "v1/code_text", "v2/code_text"],
                    stdout=out / "difflib.json")
    log(f"  {size}: diff engines in-process ...")
    engine_ours, engine_difflib, engine_words = engines(cwd, runs)

    return [
        Row("build, HTML + DOCX", both, "pandoc -t docx", pandoc),
        Row("build, HTML + DOCX", both, "sphinx-build -b html, cold", sphinx),
        Row("build, HTML only", html, "sphinx-build -b html, cold", sphinx),
        Row("build, DOCX only", docx, "pandoc -t docx", pandoc),
        Row("rebuild, one article edited", rebuild, "sphinx-build, one file edited", sphinx_inc),
        Row("check, cold (no cache)", check_cold, "myst-parser doctrees", myst),
        Row("check, nothing changed", check_warm, "myst-parser doctrees", myst),
        Row("diff --format json", diff_json, "check, cold", check_cold),
        Row("diff --format json, nothing cached", diff_cold, "check, cold", check_cold),
        Row("diff --format json", diff_json, "git diff --no-index --word-diff", git),
        Row("diff --format json", diff_json, "difflib id-aligned script", difflib),
        Row("diff engine (in-process)", engine_ours, "difflib engine (in-process)", engine_difflib),
        Row("diff engine: its word diffs alone (in-process)", engine_words, "difflib engine (in-process)", engine_difflib),
        Row("diff --format docx (redline)", redline, "build, DOCX only", docx),
        Row("diff --format docx (redline)", redline, "git diff --no-index --word-diff", git),
    ]


def toggle_back(cwd: Path, name: str) -> None:
    """Leave the work folder as generated (an odd number of toggles leaves 'Edited ' behind)."""
    for path in (cwd / "v1" / "code_text" / name, cwd / "v1" / "sphinx" / name):
        path.write_text(path.read_text(encoding="utf-8").replace("Edited ", "", 1), encoding="utf-8")


# ------------------------------------------------------------------------------------------ tables, targets


def fmt_s(m: Measure) -> str:
    return f"{m.seconds:.3f}" if m.seconds is not None else "–"


def fmt_mb(m: Measure) -> str:
    return f"{m.peak_mb:.0f}" if m.peak_mb is not None else "–"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "–"


def table(size: int, rows: list[Row]) -> str:
    lines = [f"### {size:,} paragraphs", "",
             "| drafttools | s | peak MB | anchor | s | peak MB | time ratio | memory ratio |",
             "|---|--:|--:|---|--:|--:|--:|--:|"]
    for r in rows:
        ours = [fmt_s(r.ours), fmt_mb(r.ours)] if r.ours.ok else [r.ours.error or NA, "–"]
        anchor = [fmt_s(r.anchor), fmt_mb(r.anchor)] if r.anchor.ok else [r.anchor.error or NA, "–"]
        lines.append(f"| {r.measure} | {' | '.join(ours)} | {r.anchor_name} | {' | '.join(anchor)} | "
                     f"{ratio(r.ours.seconds, r.anchor.seconds)} | {ratio(r.ours.peak_mb, r.anchor.peak_mb)} |")
    return "\n".join(lines) + "\n"


def find(rows: list[Row], measure: str, anchor: str | None = None) -> tuple[Measure, Measure]:
    row = next(r for r in rows if r.measure == measure and (anchor is None or r.anchor_name == anchor))
    return row.ours, row.anchor


TARGETS: list[tuple[str, str, str, float]] = [
    # (target, drafttools row, anchor row, the largest ratio that meets it)
    ("full build (HTML + DOCX) ≤ 1.0× pandoc -t docx", "build, HTML + DOCX", "pandoc -t docx", 1.0),
    ("full build (HTML + DOCX) ≤ 0.3× cold sphinx-build", "build, HTML + DOCX", "sphinx-build -b html, cold", 0.3),
    ("rebuild after one article ≤ 0.5× Sphinx one-file rebuild", "rebuild, one article edited", "sphinx-build, one file edited", 0.5),
    ("check ≤ 1.0× myst-parser doctree parse", "check, cold (no cache)", "myst-parser doctrees", 1.0),
    ("check, nothing changed ≤ 0.2× myst-parser doctree parse", "check, nothing changed", "myst-parser doctrees", 0.2),
    ("diff to JSON ≤ 1.0× one cold check", "diff --format json", "check, cold", 1.0),
    ("DOCX redline ≤ 2.0× writing the DOCX without tracked changes", "diff --format docx (redline)", "build, DOCX only", 2.0),
    ("import from .docx ≤ 1.0× pandoc -f docx -t markdown (deep shape)", "import from .docx", "pandoc -f docx -t markdown", 1.0),
]
# Issue 13 retired "diff engine ≤ 2× the difflib script's engine"; the row stays in the standard shape's table.
# The growth target is for commands (whole processes); the engine, timed in-process, is shown beside it.
GROWTH_ROWS = ["build, HTML + DOCX", "build, HTML only", "build, DOCX only", "rebuild, one article edited",
               "check, cold (no cache)", "check, nothing changed", "diff --format json", "diff --format json, nothing cached",
               "diff --format docx (redline)"]
GROWTH_SHOWN = ["diff engine (in-process)"]


def verdict(value: float | None, limit: float, missing: str) -> str:
    if value is None:
        return f"not met ({missing})"
    return f"{'met' if value <= limit else 'not met'} ({value:.2f}×, limit {limit}×)"


def targets(by_size: dict[int, list[Row]], shape: str = "standard") -> str:
    size = max(by_size)
    rows = by_size[size]
    lines = [f"### Targets (issues 6 and 13), {shape} shape, judged at {size:,} paragraphs"
             + ("" if size == 10000 else " (the issues set them at 10,000)"), ""]
    for name, ours_row, anchor_row, limit in TARGETS:
        if not any(r.measure == ours_row for r in rows):
            continue  # a row of the other shape
        ours, anchor = find(rows, ours_row, anchor_row)
        value = ours.seconds / anchor.seconds if ours.ok and anchor.ok and anchor.seconds else None
        lines.append(f"- {name}: {verdict(value, limit, ours.error or anchor.error or 'not measured')}")
    sphinx = find(rows, "build, HTML + DOCX", "sphinx-build -b html, cold")[1]
    peaks = {r.measure: r.ours.peak_mb for r in rows if r.ours.peak_mb is not None}
    missing = sorted({r.measure for r in rows if not r.ours.ok})
    if peaks and sphinx.peak_mb:
        worst = max(peaks, key=lambda k: peaks[k] or 0.0)
        lines.append(f"- peak memory ≤ Sphinx's peak ({sphinx.peak_mb:.0f} MB): {verdict((peaks[worst] or 0) / sphinx.peak_mb, 1.0, '')}"
                     f", the largest being {worst} at {peaks[worst]:.0f} MB"
                     + (f"; not measured: {', '.join(missing)}" if missing else ""))
    else:
        lines.append("- peak memory ≤ Sphinx's peak: not met (not measured)")
    if 1000 in by_size and 10000 in by_size:
        grown = []
        for measure in GROWTH_ROWS:
            small, large = find(by_size[1000], measure)[0], find(by_size[10000], measure)[0]
            if small.ok and large.ok:
                grown.append((large.seconds / small.seconds, measure))  # type: ignore[operator]
        if grown:
            factor, measure = max(grown)
            missing = len(GROWTH_ROWS) - len(grown)
            shown = [(find(by_size[10000], m)[0], find(by_size[1000], m)[0], m) for m in GROWTH_SHOWN
                     if any(r.measure == m for r in by_size[10000])]  # the deep shape has no in-process rows
            lines.append(f"- every command grows ≤ 10× from 1,000 to 10,000 paragraphs: {verdict(factor, 10.0, '')}, "
                         f"worst {measure}" + (f"; {missing} command(s) not available" if missing else "")
                         + "; " + ", ".join(f"{m} {f:.1f}×" for f, m in grown)
                         + "".join(f"; not a command, shown for reference: {m} {large.seconds / small.seconds:.1f}×"
                                   for large, small, m in shown if large.ok and small.ok))
        else:
            lines.append("- every command grows ≤ 10×: not met (no command measured at both sizes)")
    else:
        lines.append("- every command grows ≤ 10× from 1,000 to 10,000 paragraphs: not judged (needs both sizes in one run)")
    return "\n".join(lines) + "\n"


def environment(runs: int, warmup: int, load_before: str) -> str:
    def version(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"

    commit = version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = " (working tree has uncommitted changes)" if version(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"]) not in ("", "?") else ""
    return (f"- {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; drafttools at {commit}{dirty}; "
            f"{platform.python_implementation()} {platform.python_version()}; {os.cpu_count()} CPUs; "
            f"load average before {load_before}, after {loadavg()}\n"
            f"- {version(['pandoc', '--version'])}; {version([SPHINX, '--version'])}; "
            f"myst-parser {version([PYTHON, '-c', 'import myst_parser; print(myst_parser.__version__)'])}; {version(['git', '--version'])}\n"
            f"- median of {runs} timed run(s) after {warmup} warm-up run(s); whole processes (the rebuild rows: at least 3 after 1); peak = the largest, over the timed runs, of the biggest process's peak RSS and the process tree's summed PSS\n")


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description="drafttools benchmarks (see benchmarks/README.md)")
    parser.add_argument("--sizes", default="100,1000,10000", help="paragraph counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (the median is shown)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before the timed ones")
    parser.add_argument("--large-runs", type=int, default=1, help="timed runs at 10,000 paragraphs and more (default 1)")
    parser.add_argument("--large-warmup", type=int, default=0, help="warm-up runs at 10,000 paragraphs and more (default 0)")
    parser.add_argument("--no-save", action="store_true", help="print only; do not write benchmarks/results/")
    parser.add_argument("--shapes", default="standard,deep",
                        help="standard (the code's shape), deep (an EU-style act: divisions, 4 levels, tables), or both")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()]
    WORK.mkdir(exist_ok=True)
    tools = Drafttools()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log(f"drafttools commands: {', '.join(sorted(tools.commands))}")
    for shape in [s.strip() for s in args.shapes.split(",") if s.strip()]:
        by_size: dict[int, list[Row]] = {}
        texts: dict[int, str] = {}
        for size in sizes:
            load_before = loadavg()
            # A cold Sphinx build of 10,000 paragraphs takes minutes (its toctree is written into every page).
            runs, warmup = (args.large_runs, args.large_warmup) if size >= 10000 else (args.runs, args.warmup)
            by_size[size] = bench_size(size, runs, warmup, tools, log, shape)
            texts[size] = f"## {shape} shape\n\n" + table(size, by_size[size]) + "\n" + environment(runs, warmup, load_before)
            print(texts[size], flush=True)
        verdicts = targets(by_size, shape)
        print(verdicts)
        if not args.no_save:
            RESULTS.mkdir(exist_ok=True)
            day = datetime.date.today().isoformat()
            suffix = "" if shape == "standard" else f"-{shape}"
            for size in sizes:
                text = (f"# drafttools benchmarks, {shape} shape, {size:,} paragraphs\n\n{texts[size]}\n"
                        + (verdicts if size == max(sizes) else ""))
                (RESULTS / f"{day}-{size}{suffix}.md").write_text(text, encoding="utf-8")
            log(f"written: {', '.join(f'benchmarks/results/{day}-{s}{suffix}.md' for s in sizes)}")


if __name__ == "__main__":
    main()
