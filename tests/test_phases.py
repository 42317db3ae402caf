"""Splitting a model process's wall time into the parts a user can act on."""

from bench.results.records import CellResult, Measurement, Metric, PerfResult, Phase
from bench.run.config import PerfConfig
from bench.run.phases import model_phases


def _m(metric, value, phase=Phase.TASK):
    return Measurement(metric=metric, phase=phase, value=value, unit="s", provenance="measured:x")


def _cell(task, wall, model_time, probe):
    return CellResult(
        run_id="r", model="m", task=task, status="ok",
        measurements=[_m(Metric.WALL_TIME, wall), _m(Metric.MODEL_TIME, model_time),
                      _m(Metric.WALL_TIME, probe, Phase.REQUEST),
                      _m(Metric.WALL_TIME, 7.0, Phase.LOAD)],
    )  # fmt: skip


def test_phases_add_up_to_the_process_time():
    cells = [_cell("a", 10.0, 8.0, 2.0), _cell("b", 5.0, 4.5, 1.0)]
    perf = PerfResult(run_id="r", model="m", status="ok", config=PerfConfig(),
                      started_at="2026-12-02T10:00:00+00:00",
                      ended_at="2026-12-02T10:00:20+00:00")  # fmt: skip
    got = model_phases("m", cells, perf, total=60.0)
    assert got == {
        "model m · load": 7.0,  # once, although every cell carries it
        "model m · lm-eval set-up": 2.5,
        "model m · scoring": 12.5,
        "model m · request probe": 3.0,
        "model m · scenario": 20.0,
        "model m · process start and rest": 15.0,
    }
    assert "model m · process start and rest" not in model_phases("m", cells, None, None)
