"""The report makes a claim only where n and the verdict support it: cascades and break-even
(pure views over constructed decisions)."""

from __future__ import annotations

import pytest

from bench.analysis.cascade import CascadePoint
from bench.analysis.decide import Candidate, Decision
from bench.analysis.requirements import DEVICES_MIB, Requirement
from bench.analysis.verdicts import RunDecisions
from bench.report.context import texts
from bench.report.numbers import Formatter
from bench.report.summary_view import (
    CASCADE_MIN_N,
    break_even_gaps,
    cascade_view,
    requirement_text,
)

POINTS = [CascadePoint(threshold=x / 10, escalated=1 - x / 10, accuracy=0.7, cost_per_1k=0.01,
                       latency_s=0.2) for x in range(11)]  # fmt: skip


def _decision(task: str, verdict: str, recommended: str | None) -> Decision:
    return Decision(task=task, verdict=verdict, mode="relative", margin=0.1, threshold=None,
                    recommended=recommended, excluded={})  # fmt: skip


def _cands(n: int) -> list[Candidate]:
    return [Candidate(model=m, size_class="slm", local=True, accuracy=0.5, ci_low=0.3,
                      ci_high=0.7, n=n) for m in ("small", "large")]  # fmt: skip


def _run(n: int) -> RunDecisions:
    tasks = {"open": ("inconclusive", None), "enough": ("slm_sufficient", "small"),
             "needed": ("llm_needed", "large")}  # fmt: skip
    return RunDecisions(
        decisions=[_decision(task, v, rec) for task, (v, rec) in tasks.items()], costs={},
        candidates={task: _cands(n) for task in tasks},
        cascades={task: ("small", "large", POINTS) for task in tasks},
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_cascade_needs_room_in_the_verdict_and_enough_samples(lang):
    t, fmt = texts(lang), Formatter(lang)
    titles = {"open": "Open task", "enough": "Enough task", "needed": "Needed task"}
    view = cascade_view(_run(CASCADE_MIN_N), t, fmt, titles)
    # Where the small model alone suffices there is nothing to cascade; elsewhere it is shown.
    assert [c["task"] for c in view["shown"]] == ["needed", "open"]
    assert view["shown"][0]["title"] == "Needed task" and view["shown"][0]["n"] == CASCADE_MIN_N
    assert view["not_shown"] == [t["cascade_not_needed"].format(task="Enough task", model="small")]
    few = cascade_view(_run(5), t, fmt, titles)
    assert few["shown"] == []
    assert (
        t["cascade_too_few"].format(task="Open task", n=5, need=CASCADE_MIN_N) in few["not_shown"]
    )


def test_break_even_is_missing_in_one_line_where_no_model_is_recommended():
    t = texts("de")
    line = break_even_gaps(_run(30), t, {"open": "Offene Aufgabe"})
    assert line == t["break_even_none"].format(tasks="Offene Aufgabe")
    assert break_even_gaps(RunDecisions(decisions=[], costs={}, candidates={}), t) == ""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_requirements_read_as_words_not_identifiers(lang):
    t, fmt = texts(lang), Formatter(lang)
    assert set(t["device_names"]) == set(DEVICES_MIB)  # every device has a name
    text = requirement_text(Requirement(device="laptop-16gb", margin=0.05), t, fmt)
    assert "laptop-16gb" not in text and t["device_names"]["laptop-16gb"] in text
    assert text.startswith(t["req_margin"].format(d="5")) and "{" not in text
