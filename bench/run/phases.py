"""Where a model's wall time went, from the records its process wrote.

run.json's `phase_seconds` holds the whole time of each model process ("model X"); this
splits it into the parts a user can act on: loading the model, lm-eval building the
requests (dataset, prompts, few-shot), scoring, the request probe, the scenario, and the
rest (interpreter start, imports, weights check, lm-eval's task index).
"""

from __future__ import annotations

from datetime import datetime

from bench.results.records import CellResult, Metric, PerfResult, Phase


def _value(cell: CellResult, metric: Metric, phase: Phase = Phase.TASK) -> float:
    found = cell.measurement(metric, phase)
    return float(found.value) if found is not None and found.value is not None else 0.0


def _seconds(start: str | None, end: str | None) -> float:
    if not start or not end:
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def model_phases(model: str, cells: list[CellResult], perf: PerfResult | None,
                 total: float | None) -> dict[str, float]:  # fmt: skip
    """Seconds per part of one model process (`cells` and `perf` are what it ran this time;
    `total` its whole wall time, when known). Keys read "model X · part"."""
    ran = [c for c in cells if c.status != "error" or c.measurements]
    load = next((_value(c, Metric.WALL_TIME, Phase.LOAD) for c in ran
                 if c.measurement(Metric.WALL_TIME, Phase.LOAD)), 0.0)  # fmt: skip
    task_wall = sum(_value(c, Metric.WALL_TIME) for c in ran)
    scoring = sum(_value(c, Metric.MODEL_TIME) for c in ran)
    parts = {
        "load": load,
        "lm-eval set-up": max(task_wall - scoring, 0.0),
        "scoring": scoring,
        "request probe": sum(_value(c, Metric.WALL_TIME, Phase.REQUEST) for c in ran),
        "scenario": _seconds(perf.started_at, perf.ended_at) if perf else 0.0,
    }
    if total is not None:
        parts["process start and rest"] = max(total - sum(parts.values()), 0.0)
    return {f"model {model} · {k}": round(v, 1) for k, v in parts.items() if v > 0}
