"""Results store: atomic writes, round trips, and clear errors for foreign or corrupt files."""

import json

import pytest

from bench.errors import UserError
from bench.results.records import (
    CellResult,
    HardwareInfo,
    Measurement,
    Metric,
    MetricValue,
    PerfResult,
    Phase,
    RunInfo,
)
from bench.results.store import RunStore, atomic_write_text, check_writable, open_run
from bench.run.config import PerfConfig, RunConfig


def _info(run_id="r1"):
    return RunInfo(
        run_id=run_id,
        started_at="t",
        command=["x"],
        config=RunConfig(models=["m"], tasks=["t"], limit=3, seed=1),
        git_sha=None,
        package_versions={},
        hardware=HardwareInfo(
            cpu_model="c",
            cpu_cores_logical=2,
            cpu_cores_physical=1,
            ram_total_gib=1.0,
            platform="p",
        ),
    )


def test_cell_round_trip(tmp_path):
    store = RunStore(tmp_path / "r1")
    store.create(_info())
    cell = CellResult(
        run_id="r1",
        model="m",
        task="t",
        status="ok",
        primary_metric="acc",
        metrics=[MetricValue(name="acc", value=0.5, n=4)],
        measurements=[
            Measurement(
                metric=Metric.WALL_TIME, value=1.0, unit="s", provenance="measured:perf_counter"
            )
        ],
    )
    store.write_cell(cell, samples=[])
    assert store.cells() == [cell]
    assert store.read_cell("m", "t").metric().value == 0.5
    assert open_run(tmp_path / "r1").run_id == "r1"


def test_atomic_write_leaves_no_temp_files(tmp_path):
    atomic_write_text(tmp_path / "a.json", "{}")
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_future_schema_version_is_refused_in_one_line(tmp_path):
    store = RunStore(tmp_path / "r1")
    store.create(_info())
    data = json.loads((tmp_path / "r1" / "run.json").read_text())
    data["schema_version"] = 99
    (tmp_path / "r1" / "run.json").write_text(json.dumps(data))
    with pytest.raises(UserError, match="schema version 99, newer than") as err:
        store.read_info()
    assert "\n" not in str(err.value) and "upgrade slm-bench" in str(err.value)


def test_corrupt_record_is_one_line(tmp_path):
    (tmp_path / "r1").mkdir()
    (tmp_path / "r1" / "run.json").write_text("{not json")
    with pytest.raises(UserError, match="unreadable run record .*run.json: not valid JSON"):
        open_run(tmp_path / "r1")


def test_not_a_run_folder(tmp_path):
    with pytest.raises(UserError, match="not a run folder"):
        open_run(tmp_path)


def test_unwritable_results_dir_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(UserError, match="cannot write results"):
        check_writable(blocker / "results")


def test_estimate_flag():
    m = Measurement(metric=Metric.ENERGY, value=1.0, unit="kWh", provenance="estimated:codecarbon")
    assert m.is_estimate
    assert not Measurement(
        metric=Metric.E2E, value=1, unit="s", provenance="measured:x"
    ).is_estimate


def test_measurement_lookup_by_fields(tmp_path):
    def m(metric, phase=Phase.TASK, value=1.0, **fields):
        return Measurement(metric=metric, phase=phase, value=value, unit="s",
                           provenance="measured:x", **fields)  # fmt: skip

    cell = CellResult(run_id="r", model="m", task="t", status="ok", measurements=[
        m(Metric.PEAK_RSS, value=10.0), m(Metric.PEAK_RSS, Phase.LOAD, value=20.0)])  # fmt: skip
    assert cell.measurement(Metric.PEAK_RSS).value == 10.0
    assert cell.measurement(Metric.PEAK_RSS, Phase.LOAD).value == 20.0
    assert cell.measurement(Metric.ENERGY) is None
    perf = PerfResult(run_id="r", model="m", status="ok", config=PerfConfig(), measurements=[
        m(Metric.E2E, Phase.SCENARIO, 1.0, input_tokens=128, output_tokens=64),
        m(Metric.E2E, Phase.SCENARIO, 2.0, input_tokens=512, output_tokens=64),
        m(Metric.OUTPUT_TOKENS_PER_S, Phase.SCENARIO, 5.0, batch_size=4)])  # fmt: skip
    assert perf.find(Metric.E2E, input_tokens=512).value == 2.0
    assert perf.find(Metric.E2E, input_tokens=999) is None
    assert [x.value for x in perf.select(Metric.E2E, output_tokens=64)] == [1.0, 2.0]
    assert perf.find(Metric.OUTPUT_TOKENS_PER_S, batch_size=4).value == 5.0
    # The enum is the stored string, so JSON stays readable and round-trips.
    assert json.loads(perf.model_dump_json())["measurements"][0]["metric"] == "e2e"
    assert PerfResult.model_validate_json(perf.model_dump_json()) == perf
