"""Headless Chromium for report tests: screenshots, and a layout probe that measures, at a given
window width, every element that reaches past the viewport and every key figure off-screen.

Headless Chromium will not make a window narrower than 500 px, so the page is shown in an
<iframe> of the width under test (its media queries see that width). The probe is a script
appended to a copy of the page; it posts its findings as JSON to the frame around it, which
stores them in an attribute that `--dump-dom` hands back. The report itself carries no script.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]  # fmt: skip

PROBE = """<script>
(() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className ? "." + el.className : "")
    + " '" + (el.textContent || "").trim().slice(0, 40) + "'";
  const past = (r) => r.width > 0 && (r.right > width + 1 || r.left < -1);
  const wide = [], keys = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (past(r)) wide.push(name(el) + " " + Math.round(r.left) + ".." + Math.round(r.right));
  }
  let shown = 0;
  for (const el of document.querySelectorAll(".key")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;  // inside a closed <details>
    shown += 1;
    if (past(r)) keys.push(name(el));
  }
  parent.postMessage(JSON.stringify({
    width, scroll_width: document.documentElement.scrollWidth, wide, keys_off: keys, keys: shown,
  }), "*");
})();
</script>"""

FRAME = """<!doctype html><html><body style="margin:0">
<iframe src="{src}" style="width:{width}px;height:{height}px;border:0;display:block"></iframe>
<script>addEventListener("message", (e) => document.body.setAttribute("data-layout", e.data));
</script></body></html>"""


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180)  # fmt: skip


def _framed(page: Path, width: int, height: int, work: Path, probe: bool) -> Path:
    """A page holding `page` (with the probe, if asked) in a frame `width` × `height` px."""
    inner = work / f"{'probe' if probe else 'page'}-{width}-{page.name}"
    html = page.read_text(encoding="utf-8")
    inner.write_text(html.replace("</body>", PROBE + "</body>") if probe else html, "utf-8")
    outer = work / f"frame-{inner.name}"
    outer.write_text(FRAME.format(src=inner.name, width=width, height=height), "utf-8")
    return outer


def measure(page: Path, width: int, work: Path) -> dict:
    """The probe's findings for `page` in a viewport `width` px wide: width, scroll_width,
    wide (elements reaching past the viewport), keys (key figures shown), keys_off (those
    off-screen)."""
    outer = _framed(page, width, 1600, work, probe=True)
    out = _run([f"--window-size={max(width, 500)},1600", "--virtual-time-budget=5000",
                "--dump-dom", outer.as_uri()], work / "profile")  # fmt: skip
    found = re.search(r'data-layout="([^"]*)"', out.stdout)
    assert found, out.stderr[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def screenshot(page: Path, width: int, height: int, shot: Path, work: Path) -> Path:
    """A PNG of the top `height` px of `page` in a viewport `width` px wide."""
    from PIL import Image

    shot.parent.mkdir(parents=True, exist_ok=True)
    outer = _framed(page, width, height, work, probe=False)
    out = _run([f"--window-size={max(width, 500)},{height}", "--virtual-time-budget=5000",
                f"--screenshot={shot}", outer.as_uri()], work / "profile")  # fmt: skip
    assert shot.exists() and shot.stat().st_size > 5_000, out.stderr[-2000:]
    with Image.open(shot) as image:  # the window is at least 500 px: keep the frame only
        image.crop((0, 0, width, height)).save(shot)
    return shot
