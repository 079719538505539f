"""Real clients for the tests: pandoc, LibreOffice (headless) and Chromium (headless, also over the DevTools
protocol with axe-core).

Installed by scripts/setup --test; a missing client fails the test that needs it (never a skip).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

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
    [produced] = libreoffice_convert_all([document], outdir, to)
    return produced


def libreoffice_convert_all(
    documents: list[Path], outdir: Path, to: str = "pdf", infilter: str | None = None
) -> list[Path]:
    """Convert several files in one headless LibreOffice run (each file opened with ``infilter`` when given: HTML
    in Writer itself); returns the output files, asserting each was written."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        done = _run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                *([f"--infilter={infilter}"] if infilter else []),
                "--convert-to",
                to,
                "--outdir",
                str(outdir),
                *map(str, documents),
            ]
        )
    made = [outdir / (document.stem + "." + to.split(":")[0]) for document in documents]
    for document, produced in zip(documents, made, strict=True):
        assert done.returncode == 0 and produced.is_file() and produced.stat().st_size > 0, (
            f"LibreOffice could not convert {document}: {done.stdout} {done.stderr}"
        )
    return made


def pdf_text(pdf: Path) -> str:
    done = _run(["pdftotext", "-layout", str(pdf), "-"])
    assert done.returncode == 0, done.stderr
    return done.stdout


def pdf_pages(pdf: Path) -> int:
    done = _run(["pdfinfo", str(pdf)])
    assert done.returncode == 0, done.stderr
    return int(next(line.split()[-1] for line in done.stdout.splitlines() if line.startswith("Pages:")))


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(html: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return _run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, html.resolve().as_uri()],
            env={**os.environ, "HOME": profile},
        )


def chromium_dom(html: Path) -> str:
    """The DOM after Chromium has loaded and rendered the page (--dump-dom)."""
    done = chromium(html, "--dump-dom")
    assert done.returncode == 0 and "<html" in done.stdout.lower(), f"Chromium failed on {html}: {done.stderr[-2000:]}"
    return done.stdout


def chromium_screenshot(html: Path, png: Path, size: str = "1240,1754") -> Path:
    done = chromium(html, f"--screenshot={png.resolve()}", f"--window-size={size}", "--hide-scrollbars")
    assert done.returncode == 0 and png.is_file() and png.stat().st_size > 1000, (
        f"Chromium screenshot failed: {done.stderr[-2000:]}"
    )
    return png


AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


class Browser:
    """One headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: Chromium
    reads NUL-terminated JSON commands on its fd 3 and answers on fd 4).

    A pipe rather than ``--remote-debugging-port`` and a websocket: no port to race for between parallel test
    workers, no websocket client to add, and the connection ends with the process.  Rather than ``--dump-dom``
    (which cannot wait for axe's asynchronous run, nor change the viewport, nor print with the CSS page size), one
    launch does all of a page's readings.  ``with Browser() as b: b.open(page)``."""

    def __init__(self) -> None:
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if binary is None:
            raise AssertionError("chromium is not installed: run scripts/setup --test")
        self.profile = tempfile.TemporaryDirectory(prefix="chromium-")
        ours_r, theirs_w = os.pipe()
        theirs_r, ours_w = os.pipe()
        # Chromium wants the pipe as fds 3 and 4; bash puts it there (higher fds first, so no clash).
        high_r, high_w = fcntl.fcntl(theirs_r, fcntl.F_DUPFD, 10), fcntl.fcntl(theirs_w, fcntl.F_DUPFD, 10)
        os.close(theirs_r)
        os.close(theirs_w)
        argv = [
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.profile.name}",
            "--remote-debugging-pipe",
            "--hide-scrollbars",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            ["bash", "-c", f'exec "$@" 3<&{high_r} 4>&{high_w} {high_r}<&- {high_w}>&-', "chromium", *argv],
            pass_fds=(high_r, high_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": self.profile.name},
        )
        os.close(high_r)
        os.close(high_w)
        self.reader, self.writer = ours_r, ours_w
        self.buffer = b""
        self.last_id = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (AssertionError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self.reader, self.writer):
            try:
                os.close(fd)
            except OSError:
                pass
        self.profile.cleanup()

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.reader], [], [], left)[0]:
                raise AssertionError("Chromium did not answer in time")
            chunk = os.read(self.reader, 1 << 20)
            if not chunk:
                raise AssertionError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        found: dict[str, Any] = json.loads(message)
        return found

    def send(self, method: str, params: dict[str, Any] | None = None, session: bool = False) -> dict[str, Any]:
        """Send one command and return its result (to the page's session when ``session``)."""
        self.last_id += 1
        command: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = self.session
        data = json.dumps(command).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self.writer, data) :]
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._message(deadline)
            if message.get("id") == self.last_id:
                if "error" in message:
                    raise AssertionError(f"Chromium refused {method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._message(deadline))
        self.events = [e for e in self.events if e.get("method") != event]

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        done = self.send(
            "Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True}, session=True
        )
        if "exceptionDetails" in done:
            raise AssertionError(f"the page's script failed: {done['exceptionDetails']}")
        return done["result"].get("value")

    def open(
        self, html: Path, width: int = 1280, height: int = 900, mobile: bool = False, scale: int | None = None
    ) -> None:
        """Load ``html`` in a fresh tab whose viewport is ``width`` CSS pixels (``mobile``: as a phone, which
        honours the page's viewport meta; ``scale``: device pixels per CSS pixel, by default 2 for a phone, 1
        otherwise), and wait for its load event."""
        if not self.session:
            target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self.send("Page.enable", session=True)
        self.viewport(width, height, mobile, scale)
        self.send("Page.navigate", {"url": html.resolve().as_uri()}, session=True)
        self.wait_for("Page.loadEventFired")

    def viewport(self, width: int, height: int, mobile: bool, scale: int | None = None) -> None:
        ratio = scale if scale is not None else (2 if mobile else 1)
        metrics = {"width": width, "height": height, "deviceScaleFactor": ratio, "mobile": mobile}
        self.send("Emulation.setDeviceMetricsOverride", metrics, session=True)
        self.send("Emulation.setTouchEmulationEnabled", {"enabled": mobile}, session=True)

    def key(self, name: str, code: int = 9) -> None:
        """Press and release a key (Tab by default) as a keyboard does."""
        for kind in ("keyDown", "keyUp"):
            event = {"type": kind, "key": name, "code": name, "windowsVirtualKeyCode": code}
            self.send("Input.dispatchKeyEvent", event, session=True)

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's violations on the open page (installed by scripts/setup --test from tests/js/)."""
        if not AXE.is_file():
            raise AssertionError(f"{AXE} is missing: run scripts/setup --test (npm ci in tests/js)")
        self.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
        script = (
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, "
            "impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"
        )
        found: list[dict[str, Any]] = self.evaluate(script)
        return found

    def screenshot(self, target: Path) -> Path:
        """A PNG of the viewport as it stands (its width and height as ``open`` set them)."""
        done = self.send("Page.captureScreenshot", {"format": "png"}, session=True)
        target.write_bytes(base64.b64decode(done["data"]))
        return target

    def pdf(self, target: Path) -> Path:
        """Print the open page to PDF as the browser's print dialog does with its defaults (no header or footer
        of Chromium's own, the page size the CSS asks for)."""
        done = self.send("Page.printToPDF", {"preferCSSPageSize": True, "displayHeaderFooter": False}, session=True)
        target.write_bytes(base64.b64decode(done["data"]))
        return target
