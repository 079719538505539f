"""Before and after a change to the parse: the rows a parse change moves, for two or more drafttools source
folders timed in turn on the same instruments, best of all runs (the machine is shared: the best run is the
one least disturbed), in wall-clock seconds and in CPU seconds (user and system, the command's whole process
tree: what other users' load disturbs least).

    python benchmarks/parse_rows.py --variant before=/tmp/old/src --variant after=src [--runs 3] [--rounds 2]

Each variant is a folder put first on PYTHONPATH for the drafttools processes (``git archive COMMIT src | tar
-x -C /tmp/old`` gives an older one).  The rows: ``ids`` on 25,000 paragraphs of the same words (the hostile
shape, cold), and for the standard and deep 10,000-paragraph instruments a cold ``check``, a build of HTML and
DOCX from nothing, and the rebuild after one article edited, timed as ``run.py`` times them.  The instruments
are generated under ``--work`` (default benchmarks/work) when missing.  Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile  # noqa: E402
import run as bench  # noqa: E402


def prepared(work: Path, shape: str) -> Path:
    """The 10,000-paragraph instrument of ``shape`` with a paper annexing its code, as ``run.py`` sets it up."""
    cwd = work / ("deep-10000" if shape == "deep" else "10000")
    if not (cwd / "v1" / "code_text" / "manifest.toml").is_file():
        (bench.generate_deep if shape == "deep" else bench.generate).generate(10000, cwd)
    (cwd / "pyproject.toml").write_text(
        '[tool.drafttools]\nsource = "v1/code_text"\nbuild = "build"\nversions = "imported"\n'
    )
    shutil.copytree(bench.ROOT / "annex_templates", cwd / "annex_templates", dirs_exist_ok=True)
    (cwd / "papers").mkdir(exist_ok=True)
    (cwd / "papers" / "code.md").write_text(
        "---\ndocument_type: code\nlanguage: en\nannex: code_text\n---\n", encoding="utf-8"
    )
    (cwd / "out").mkdir(exist_ok=True)
    return cwd


def rows(work: Path) -> list[tuple[str, list[str], Path, int, Callable[[], None] | None, Callable[[], None] | None]]:
    """(label, command, folder, warm-up runs, preparation before each run, set-up before each variant)."""
    tool = bench.DRAFTTOOLS
    same = work / "hostile"
    same.mkdir(parents=True, exist_ok=True)
    (same / "pyproject.toml").write_text('[tool.drafttools]\nsource = "same-25000"\nversions = "versions"\n')
    if not (same / "same-25000" / "a.md").is_file():
        shutil.rmtree(same / "same-25000", ignore_errors=True)
        hostile.code_text(
            same / "same-25000",
            ":::{paragraph}\nEach Member State should designate a national authority.\n:::\n\n" * 25_000,
        )

    def fresh_ids() -> None:
        shutil.rmtree(same / "same-25000.ids", ignore_errors=True)
        shutil.rmtree(same / "build", ignore_errors=True)
        shutil.copytree(same / "same-25000", same / "same-25000.ids")

    found = [
        ("hostile: ids, 25,000 paragraphs of the same words", [tool, "ids", "same-25000.ids"], same, 0, fresh_ids, None)
    ]
    for shape in ("standard", "deep"):
        cwd = prepared(work, shape)
        articles = sorted((cwd / "v1" / "code_text").glob("article-*.md"))
        middle = articles[len(articles) // 2]
        build = [tool, "build", "papers/code.md", "-o", "out/dt", "--to", "docx,html"]
        found += [
            (
                f"{shape}: check, cold (no cache)",
                [tool, "check", "-q", "v1/code_text"],
                cwd,
                0,
                bench.remove(cwd / "build" / ".cache"),
                None,
            ),
            (f"{shape}: build, HTML + DOCX", build, cwd, 0, bench.remove(cwd / "out" / "dt", cwd / "build"), None),
            (
                f"{shape}: rebuild, one article edited",
                build,
                cwd,
                1,
                bench.toggle_edit(middle, r":{3,}\{paragraph\}"),
                lambda build=build, cwd=cwd: bench.run_once(build, cwd),
            ),
        ]
    return found


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run one process to its end: (wall-clock seconds, CPU seconds of it and the workers it waited for)."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = process.communicate()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed (exit {process.returncode}): {err.decode(errors='replace')[-300:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", required=True, help="NAME=SOURCE_FOLDER, in the order shown")
    parser.add_argument("--work", type=Path, default=bench.WORK)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="times each row goes round all the variants")
    parser.add_argument("--only", default="", help="run only the rows whose label contains this")
    args = parser.parse_args()
    variants = [(name, str(Path(folder).resolve())) for name, _, folder in (v.partition("=") for v in args.variant)]
    bench.WORK.mkdir(parents=True, exist_ok=True)
    heads = " | ".join(f"{name}, s | {name}, CPU s" for name, _ in variants)
    table = [f"| row | {heads} |", f"|---|{'--:|--:|' * len(variants)}"]
    for label, cmd, cwd, warmup, prepare, setup in rows(args.work):
        if args.only not in label:
            continue
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.rounds):
            for name, folder in variants:
                os.environ["PYTHONPATH"] = folder
                if setup:
                    setup()
                for n in range(warmup + args.runs):
                    if prepare:
                        prepare()
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    wall, cpu = timed(cmd, cwd)
                    cpu -= before.ru_utime + before.ru_stime
                    if n >= warmup:
                        was = best.get(name, (float("inf"), float("inf")))
                        best[name] = (min(was[0], wall), min(was[1], cpu))
                        print(f"  {label}, {name}: {wall:.3f} s, {cpu:.3f} CPU s", file=sys.stderr)
        table.append(f"| {label} | {' | '.join(f'{best[n][0]:.3f} | {best[n][1]:.3f}' for n, _ in variants)} |")
    toggled = [p for p in args.work.glob("*/v1/code_text/article-*.md") if "Edited " in p.read_text(encoding="utf-8")]
    for path in toggled:  # an odd number of toggles leaves the word behind
        path.write_text(path.read_text(encoding="utf-8").replace("Edited ", "", 1), encoding="utf-8")
    print("\n".join(table))


if __name__ == "__main__":
    main()
