"""The load sweep's concurrency levels with a fake step runner: which levels run, how many
requests each gets, where saturation stops them. The real tool runs in test_load_e2e.py."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bench.results.records import LoadStep, Measurement, Metric, Phase
from bench.run.config import LoadConfig
from bench.run.load import Sweep


def _step(achieved: float, p95: float, concurrency: int | None, requests: int,
          failed: int = 0) -> LoadStep:  # fmt: skip
    e2e = Measurement(metric=Metric.E2E, phase=Phase.LOAD_SWEEP, value=p95, unit="s", n=requests,
                      provenance="measured:test", detail={"p95": p95})  # fmt: skip
    return LoadStep(sweep=0, offered_rps=None, max_concurrency=concurrency, requests=requests,
                    completed=requests - failed, failed=failed, duration_s=1.0,
                    achieved_rps=achieved, output_tokens_per_s=0.0, goodput_rps=None,
                    rows_file="x.jsonl", measurements=[e2e])  # fmt: skip


class FakeSweep(Sweep):
    """A sweep whose steps come from a table (achieved requests/s, p95 s) per concurrency."""

    def __init__(self, cfg: LoadConfig, table: dict[int, tuple[float, float]], failed=None):
        self.cfg, self.table, self.failed = cfg, table, failed or {}
        self.calls: list[tuple[str, int, float | None, int | None]] = []

    def step(self, name, sweep, count, rate, max_concurrency=None) -> LoadStep:
        self.calls.append((name, count, rate, max_concurrency))
        achieved, p95 = self.table[max_concurrency]
        return _step(achieved, p95, max_concurrency, count, self.failed.get(max_concurrency, 0))


SERIAL = _step(1.0, 1.0, 1, 8)
CFG = LoadConfig(seconds_per_step=5, min_requests=8)


def test_levels_rise_until_throughput_stops_growing():
    table = {2: (1.8, 1.1), 4: (2.5, 1.6), 8: (2.6, 3.0), 16: (2.6, 6.0)}
    sweep = FakeSweep(CFG, table)
    steps = sweep.concurrency_sweep(SERIAL)
    assert [s.max_concurrency for s in steps] == [2, 4, 8]
    # all at once (no rate); enough requests to keep each level's slots busy ~5 s at the
    # serial pace (1 request/s per slot)
    assert sweep.calls == [("concurrency2", 10, None, 2), ("concurrency4", 20, None, 4),
                           ("concurrency8", 40, None, 8)]  # fmt: skip
    assert [s.saturated is None for s in steps] == [True, True, False]
    assert "less than 1.1 × the best before (2.5)" in steps[-1].saturated


def test_the_first_level_is_compared_with_the_serial_pass():
    steps = FakeSweep(CFG, {2: (1.05, 1.0), 4: (3.0, 1.0)}).concurrency_sweep(SERIAL)
    assert len(steps) == 1 and "best before (1)" in steps[0].saturated


def test_latency_and_errors_saturate_too():
    cfg = CFG.model_copy(update={"max_p95_factor": 3.0})
    steps = FakeSweep(cfg, {2: (2.0, 1.5), 4: (3.5, 3.5), 8: (5.0, 1.0)}).concurrency_sweep(SERIAL)
    assert [s.max_concurrency for s in steps] == [2, 4] and steps[-1].saturated.startswith("p95")
    failing = FakeSweep(CFG, {2: (2.0, 1.0), 4: (3.0, 1.0)}, failed={2: 3})
    (only,) = failing.concurrency_sweep(SERIAL)
    assert only.saturated == "3 of 10 requests failed"


def test_the_configured_levels_and_max_steps_bound_the_sweep():
    cfg = CFG.model_copy(update={"concurrencies": [2, 4, 8], "max_steps": 2})
    table = {c: (float(c), 1.0) for c in (2, 4, 8)}
    assert [s.max_concurrency for s in FakeSweep(cfg, table).concurrency_sweep(SERIAL)] == [2, 4]
    none = CFG.model_copy(update={"concurrencies": []})
    assert FakeSweep(none, table).concurrency_sweep(SERIAL) == []


def test_levels_are_sorted_without_the_serial_one_and_must_be_positive():
    assert LoadConfig(concurrencies=[8, 1, 2, 2]).concurrencies == [2, 8]
    with pytest.raises(ValidationError, match="at least 1 request in flight"):
        LoadConfig(concurrencies=[0, 2])
