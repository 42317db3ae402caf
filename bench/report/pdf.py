"""PDF copies of the HTML report through headless Chromium (Debian's `chromium`), for readers
who forward the report as a document. The print stylesheet in the template lays it out."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.errors import UserError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Flags that keep headless Chromium off the network and out of the user's profile.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer"]  # fmt: skip


def chromium() -> str | None:
    """The Chromium executable, or None."""
    return next((p for name in CHROMIUM_NAMES if (p := shutil.which(name))), None)


def write_pdf(html: Path, timeout_s: int = 120) -> Path:
    """`index.html` → `index.pdf` beside it; one clear UserError when Chromium is missing."""
    exe = chromium()
    if exe is None:
        raise UserError("--pdf needs Chromium (Debian: apt-get install chromium); HTML written")
    out = html.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}",
               html.resolve().as_uri()]  # fmt: skip
        try:
            subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UserError(f"Chromium took longer than {timeout_s} s to print {html}") from exc
    if not out.exists() or out.stat().st_size == 0:
        raise UserError(f"Chromium did not write {out}")
    return out
