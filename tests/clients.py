"""Real clients for the tests: pandoc, LibreOffice (headless) and Chromium (headless).

Installed by scripts/setup --test; a missing client fails the test that needs it (never a skip).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 180


def _run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    if shutil.which(argv[0]) is None:
        raise AssertionError(f"{argv[0]} is not installed: run scripts/setup --test")
    return subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False, **kwargs)  # type: ignore[call-overload]


def pandoc_text(docx: Path, track_changes: str | None = None) -> str:
    """What pandoc reads from a DOCX, as plain text (``track_changes``: accept, reject or all)."""
    argv = ["pandoc", str(docx), "-t", "plain", "--wrap=none"]
    if track_changes:
        argv.append(f"--track-changes={track_changes}")
    done = _run(argv)
    assert done.returncode == 0, f"pandoc failed on {docx}: {done.stderr}"
    return done.stdout


def libreoffice_convert(document: Path, outdir: Path, to: str = "pdf") -> Path:
    """Convert with headless LibreOffice; returns the output file, asserting it was written."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        done = _run([
            "soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
            "--convert-to", to, "--outdir", str(outdir), str(document),
        ])
    produced = outdir / (document.stem + "." + to.split(":")[0])
    assert done.returncode == 0 and produced.is_file() and produced.stat().st_size > 0, (
        f"LibreOffice could not convert {document}: {done.stdout} {done.stderr}"
    )
    return produced


def pdf_text(pdf: Path) -> str:
    done = _run(["pdftotext", "-layout", str(pdf), "-"])
    assert done.returncode == 0, done.stderr
    return done.stdout


def pdf_pages(pdf: Path) -> int:
    done = _run(["pdfinfo", str(pdf)])
    assert done.returncode == 0, done.stderr
    return int(next(line.split()[-1] for line in done.stdout.splitlines() if line.startswith("Pages:")))


CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium(html: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return _run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, html.resolve().as_uri()],
                    env={**os.environ, "HOME": profile})


def chromium_dom(html: Path) -> str:
    """The DOM after Chromium has loaded and rendered the page (--dump-dom)."""
    done = chromium(html, "--dump-dom")
    assert done.returncode == 0 and "<html" in done.stdout.lower(), f"Chromium failed on {html}: {done.stderr[-2000:]}"
    return done.stdout


def chromium_screenshot(html: Path, png: Path, size: str = "1240,1754") -> Path:
    done = chromium(html, f"--screenshot={png.resolve()}", f"--window-size={size}", "--hide-scrollbars")
    assert done.returncode == 0 and png.is_file() and png.stat().st_size > 1000, f"Chromium screenshot failed: {done.stderr[-2000:]}"
    return png
