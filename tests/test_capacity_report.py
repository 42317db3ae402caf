"""The report's capacity view and the money section's cost basis, from synthetic load records
(no model, no server): what `load_view` shows per model × task and what the verdicts' costs
rest on once a load sweep is stored next to a run's cells."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.analysis import figures as fig
from bench.analysis.capacity import cost_at_capacity
from bench.analysis.requirements import CostProfile, Requirement, RequirementsProfile
from bench.analysis.table import summary, tidy
from bench.analysis.verdicts import build
from bench.report.perf_view import load_view
from bench.report.render import build_context
from bench.results.records import LoadAccuracy, LoadResult, LoadStep, Measurement, Metric, Phase
from bench.results.store import open_run
from bench.run.config import LoadConfig

FIXTURE = next((Path(__file__).parent / "fixtures" / "run_facts").iterdir())
MODEL, TASK = "smollm2-135m-instruct", "citizen_requests_de"
TITLE = "Route citizen requests — choose the department (German)"  # how the report names it
COSTS = CostProfile(hardware_price=8760.0, lifetime_years=1.0, utilisation=1.0,
                    electricity_per_kwh=0.5)  # fmt: skip
"""1 currency per busy hour of hardware: costs below are easy to check by hand."""


def step(sweep: int, offered: float | None, achieved: float, p95: float, power: float | None,
         **extra) -> LoadStep:  # fmt: skip
    """A load step whose end-to-end p95 is `p95` s and that drew `power` W."""
    where = {"phase": Phase.LOAD_SWEEP, "provenance": "measured:test"}
    ms = [Measurement(metric=Metric.E2E, value=p95 / 2, unit="s", n=10, detail={"p95": p95},
                      **where)]  # fmt: skip
    if power is not None:
        ms.append(Measurement(metric=Metric.POWER, value=power, unit="W", **where))
    return LoadStep(
        sweep=sweep, offered_rps=offered, requests=10, completed=10, failed=0, duration_s=5.0,
        achieved_rps=achieved, output_tokens_per_s=achieved * 20, goodput_rps=achieved,
        rows_file=f"load/x/step{sweep}-{offered}.jsonl", measurements=ms, **extra,
    )  # fmt: skip


def sweep(index: int, second_p95: float = 0.9) -> list[LoadStep]:
    """Rates 1, 2, 4 /s: within a 1.9 s SLO up to 2 /s, beyond it at 4 /s (saturated)."""
    return [step(index, 1.0, 1.0, 0.5, 100.0), step(index, 2.0, 2.0, second_p95, 120.0),
            step(index, 4.0, 3.0, 2.9, 140.0, saturated="p95 2.90 s > 3 × the serial")]  # fmt: skip


def load_result(steps: list[LoadStep], status: str = "ok", slo_s: float = 1.9, **kw) -> LoadResult:
    return LoadResult(
        run_id="r", model=kw.pop("model", MODEL), task=kw.pop("task", TASK), status=status,
        config=LoadConfig(slo_s=slo_s), tool="vllm bench serve (vllm 0.0-test)",
        serial=step(0, None, 1.2, 0.4, 90.0, max_concurrency=1), steps=steps, **kw,
    )  # fmt: skip


def test_capacity_row_interpolates_and_costs_the_request_at_that_throughput():
    view = load_view([load_result(sweep(0))], COSTS, lambda task: None)
    (row,) = view["rows"]
    # p95 1.9 s lies halfway from 0.9 s (2 /s) to 2.9 s (3 /s): 2.5 /s at 130 W
    money = cost_at_capacity(2.5, 130.0, COSTS)
    assert row["capacity"] == "2.5" and row["interval"] == "–"
    assert row["slo"] == "p95 e2e ≤ 1.9 s"
    assert row["per_1k"] == f"{money.per_1k:.4f}"
    assert row["per_money_hour"] == f"{2.5 / (1 + 0.13 * 0.5):.3g}"
    assert row["per_kw"] == f"{2.5 / 0.13:.3g}"
    assert row["saturated"].startswith("p95 2.90 s") and row["tool"].startswith("vllm bench")
    (curve,) = view["series"]
    assert curve["capacity"] == (pytest.approx(2.5), 1.9) and curve["slo"] == 1.9
    assert curve["points"] == [(1.0, 0.5), (2.0, 0.9), (3.0, 2.9)]  # achieved /s, p95 s
    assert view["problems"] == []


def test_the_requirement_limit_replaces_the_sweeps_own_slo():
    view = load_view([load_result(sweep(0))], COSTS, lambda task: 0.9)
    (row,) = view["rows"]
    assert row["slo"] == "p95 e2e ≤ 0.9 s" and row["capacity"] == "2"


def test_a_sweep_that_never_left_the_slo_is_a_lower_bound_without_a_star():
    view = load_view([load_result(sweep(0), slo_s=60.0)], COSTS, lambda task: None)
    (row,) = view["rows"]
    assert row["capacity"] == "3 ≥"
    assert view["series"][0]["capacity"] is None  # no crossing to mark on the curve


def test_repeated_sweeps_show_an_interval():
    view = load_view([load_result(sweep(0) + sweep(1, second_p95=1.0))], COSTS, lambda t: None)
    (row,) = view["rows"]
    low, high = (float(x) for x in row["interval"].split("–"))
    assert low < float(row["capacity"]) < high


def test_no_capacity_when_the_lowest_rate_breaks_the_slo():
    (row,) = load_view([load_result(sweep(0), slo_s=0.1)], COSTS, lambda t: None)["rows"]
    assert row["capacity"] == "–" and row["per_1k"] == "–" and row["per_kw"] == "–"


def test_the_worst_accuracy_under_load_is_shown_and_failed_sweeps_are_problems():
    steps = sweep(0)
    steps[1].accuracy = LoadAccuracy(metric="acc", value=0.6, n=10, paired_n=10, reference="serial",
                                     reference_value=0.8, worse=2, better=0, changed_answers=3,
                                     mcnemar_p=0.5)  # fmt: skip
    steps[2].accuracy = steps[1].accuracy.model_copy(update={"value": 0.8, "worse": 0})
    failed = load_result([], status="error", task="other", error="vllm bench serve failed")
    view = load_view([load_result(steps), failed], COSTS, lambda t: None)
    assert view["rows"][0]["accuracy"] == "0.600 vs 0.800 (n = 10, McNemar p = 0.50)"
    assert view["problems"] == [{"model": MODEL, "task": "other", "status": "error",
                                 "error": "vllm bench serve failed"}]  # fmt: skip


@pytest.fixture
def run(tmp_path):
    return open_run(Path(shutil.copytree(FIXTURE, tmp_path / FIXTURE.name)))


# One model and an absolute floor of 0: it is recommended, which puts the money section in.
FLOOR = RequirementsProfile(defaults=Requirement(min_accuracy=0.0))


def test_money_section_names_the_batched_basis_without_a_sweep(run):
    ctx = build_context(run, "en", FLOOR, COSTS)
    lines = [line for line in ctx.money["break_even"] if line.startswith(TITLE)]
    assert lines and all("cost basis: batched" in line for line in lines)
    assert ctx.load["rows"] == []


def test_money_section_and_verdict_cost_rest_on_capacity_where_a_sweep_ran(run):
    before = build_context(run, "en", FLOOR, COSTS)
    run.write_load(load_result(sweep(0)))
    ctx = build_context(run, "en", FLOOR, COSTS)
    lines = [line for line in ctx.money["break_even"] if line.startswith(TITLE)]
    assert lines and all("cost basis: load sweep: capacity 2.5 requests/s with p95 e2e ≤ 1.9 s"
                         in line for line in lines)  # fmt: skip
    # the other task of the run had no sweep: its basis stays the batched one
    assert all("batched" in line for line in ctx.money["break_even"] if not line.startswith(TITLE))
    (row,) = ctx.load["rows"]
    assert row["per_1k"] == f"{cost_at_capacity(2.5, 130.0, COSTS).per_1k:.4f}"
    assert ctx.money != before.money


def test_the_concurrency_sweep_is_shown_level_by_level_from_the_serial_pass():
    levels = [
        step(0, None, 2.1, 0.6, None, max_concurrency=2),
        step(0, None, 2.2, 1.4, None, max_concurrency=4, saturated="achieved …"),
    ]
    (row,) = load_view([load_result(sweep(0), concurrency_steps=levels)], COSTS,
                       lambda t: None)["rows"]  # fmt: skip
    assert row["concurrency"] == ("1: 1.2/s, p95 0.4 s · 2: 2.1/s, p95 0.6 s · "
                                  "4: 2.2/s, p95 1.4 s (saturated)")  # fmt: skip
    # the rate sweep alone still sets the capacity and the curve
    assert row["capacity"] == "2.5"
    (without,) = load_view([load_result(sweep(0))], COSTS, lambda t: None)["rows"]
    assert without["concurrency"] == "–"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_report_renders_the_capacity_table_with_its_concurrency_column(run, tmp_path, lang):
    from bench.report.render import write_report

    levels = [step(0, None, 2.1, 0.6, None, max_concurrency=2)]
    run.write_load(load_result(sweep(0), concurrency_steps=levels))
    run.write_load(load_result([], status="error", task="other", error="server gone"))
    html = write_report(run.root, tmp_path / "r.html", lang, FLOOR).read_text(encoding="utf-8")
    assert 'id="capacity"' in html and "2: 2.1/s, p95 0.6 s" in html
    assert 'colspan="8">error: server gone' in html


def test_the_verdicts_cost_rests_on_capacity_and_names_its_basis(run):
    def verdict(store):
        ctx = build_context(store, "en", FLOOR, COSTS)
        (row,) = [r for r in ctx.summary if r["task"] == TASK]
        return next(w for w in row["why"] if "per 1,000 requests" in w)

    assert verdict(run).endswith("(cost basis: batched: lm-eval's model time per sample)")
    run.write_load(load_result(sweep(0)))
    assert "(cost basis: load sweep: capacity 2.5 requests/s" in verdict(run)
    decisions = build(run, fig.with_derived(summary(tidy(run))), FLOOR, COSTS)
    (cand,) = decisions.candidates[TASK]
    # the cost the verdict orders candidates by is the request's cost at capacity
    assert cand.cost_per_1k == pytest.approx(cost_at_capacity(2.5, 130.0, COSTS).per_1k)
    assert cand.cost_basis.startswith("load sweep")
