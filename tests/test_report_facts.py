"""A report is rebuilt from its run folder alone: task facts and API prices come from run.json.

The fixture is a real run (smollm2-135m-instruct × citizen_requests_de, needle_de_512,
--limit 3, --no-perf) without its logs and job files.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bench.analysis.facts import run_facts
from bench.analysis.requirements import Requirement, RequirementsProfile
from bench.report.render import write_report
from bench.results.store import open_run
from bench.taskkit.facts import task_facts

FIXTURE = next((Path(__file__).parent / "fixtures" / "run_facts").iterdir())
DERIVED_NOTE = "This run predates stored task facts"


@pytest.fixture
def run_dir(tmp_path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / FIXTURE.name))


# One model, so no relative verdict: an absolute floor of 0 recommends it, which puts the
# money section (break-even against the stored API prices) into the report.
FLOOR = RequirementsProfile(defaults=Requirement(min_accuracy=0.0))


def _report(run_dir: Path, out: Path, lang: str = "en") -> str:
    html = write_report(run_dir, out, lang, FLOOR).read_text(encoding="utf-8")
    # Any rendering time stamp would differ between two renderings; the report has none
    # today, so this only guards the comparison should one be added.
    return re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", "T", html)


def _hide_live_tasks_and_catalogue(monkeypatch, tmp_path: Path) -> None:
    """Make today's task folders empty and the catalogue unreadable."""
    empty = tmp_path / "no_tasks"
    empty.mkdir()
    monkeypatch.setattr("bench.taskkit.registry.bundled_tasks_dir", lambda: empty)

    def no_catalogue(*args, **kwargs):
        raise AssertionError("the report read the live catalogue")

    monkeypatch.setattr("bench.catalogue.specs.load_catalogue", no_catalogue)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_report_is_the_same_after_tasks_and_catalogue_change(run_dir, tmp_path, monkeypatch, lang):
    before = _report(run_dir, tmp_path / "before.html", lang)
    _hide_live_tasks_and_catalogue(monkeypatch, tmp_path)
    after = _report(run_dir, tmp_path / "after.html", lang)
    assert after == before
    assert "needle_de_512" in after and "gpt-4o-mini" in after  # long context and money shown


def test_run_json_holds_the_facts_the_runner_stored():
    facts = run_facts(open_run(FIXTURE).read_info())
    assert not facts.derived
    needle = facts.of("needle_de_512")
    assert (needle.family, needle.language, needle.context_tokens) == ("long_context", "de", 512)
    assert needle.primary_metric == "found" and needle.multiple_choice is False
    assert facts.of("citizen_requests_de").multiple_choice is True
    assert [m.name for m in facts.price_models] == ["gpt-4o-mini"]
    # Today's task folders still say the same (the fixture is not stale).
    assert task_facts(["citizen_requests_de", "needle_de_512"]) == list(facts.tasks.values())


def test_an_old_run_without_facts_renders_from_todays_tasks_and_says_so(run_dir, tmp_path):
    new = _report(run_dir, tmp_path / "new.html")
    info = json.loads((run_dir / "run.json").read_text())
    del info["task_facts"], info["price_models"]
    (run_dir / "run.json").write_text(json.dumps(info))
    assert run_facts(open_run(run_dir).read_info()).derived
    old = _report(run_dir, tmp_path / "old.html")
    assert DERIVED_NOTE not in new and DERIVED_NOTE in old
    # Apart from the note, today's tasks and catalogue give the same report for this run.
    assert re.sub(r'<p class="note" role="note">This run predates.*?</p>\n', "", old) == new


def test_lm_eval_tasks_without_a_lookup_get_their_name_only():
    (facts,) = task_facts(["arc_easy"], lookup_lm_eval=False)
    assert (facts.name, facts.family, facts.primary_metric) == ("arc_easy", "lm_eval", None)


@pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdftotext") is None,
    reason="needs Debian's chromium and poppler-utils",
)
def test_pdf_has_the_summary_on_page_one(run_dir, tmp_path):
    import subprocess

    from bench.report.pdf import write_pdf
    from bench.report.render import texts

    html = write_report(run_dir, tmp_path / "index.de.html", "de", FLOOR)
    pdf = write_pdf(html)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")))
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True).stdout  # fmt: skip
    assert pages >= 2
    assert texts("de")["summary"] in first and "Bürgeranliegen zuordnen" in first
