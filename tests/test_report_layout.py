"""The report fits the screen: nothing wider than the viewport at 1280 px (laptop) and 390 px
(phone), and the key figures (score with interval, verdict, time, energy, cost) on screen.

Measured in headless Chromium (see tests/browser.py); screenshots are kept under
reports/screenshots/ for a person to look at. Skipped where Chromium is not installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.analysis.requirements import Requirement, RequirementsProfile
from bench.report.render import write_report

from .browser import CHROMIUM, measure, screenshot
from .conftest import REPO

FIXTURE = next((Path(__file__).parent / "fixtures" / "run_facts").iterdir())
SHOTS = REPO / "reports" / "screenshots"
# An absolute floor, so the one model of the fixture gets a verdict card (with key figures).
FLOOR = RequirementsProfile(defaults=Requirement(min_accuracy=0.0))

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium not installed")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_nothing_is_wider_than_a_laptop_or_a_phone(tmp_path, lang):
    run_dir = Path(shutil.copytree(FIXTURE, tmp_path / FIXTURE.name))
    page = write_report(run_dir, tmp_path / f"index.{lang}.html", lang, FLOOR)
    for label, width in [("desktop", 1280), ("phone", 390)]:
        found = measure(page, width, tmp_path)
        assert found["width"] <= width and found["scroll_width"] <= found["width"], found
        assert found["wide"] == [], found["wide"][:10]
        # Verdict, score, time, energy and cost of every task table are on screen.
        assert found["keys"] >= 5 and found["keys_off"] == [], found
        screenshot(page, width, 2400, SHOTS / f"layout-{lang}-{label}.png", tmp_path)
