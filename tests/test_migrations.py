"""Stored records of schema version 1 upgrade to what the current code writes.

`fixtures/run_v1` and `fixtures/baseline_v1.json` were written by slm-bench before typed
measurements (a real 3-sample run of smollm2-135m with a tiny perf scenario).
"""

import json
import shutil
from pathlib import Path

import pytest

from bench.ci.regress import Thresholds, compare
from bench.errors import UserError
from bench.report.render import write_report
from bench.results.baseline import BASELINE_SCHEMA, load_snapshot, snapshot_from_run
from bench.results.migrations import FIRST_VERSION, MIGRATIONS, upgrade, v1_measurement
from bench.results.records import (
    SCHEMA_VERSION,
    CellResult,
    Measurement,
    Metric,
    PerfResult,
    Phase,
)
from bench.results.store import RunStore, open_run
from bench.run.perf import summarise

FIXTURES = Path(__file__).parent / "fixtures"
RUN_V1 = FIXTURES / "run_v1"
MODEL = "smollm2-135m-instruct"
REPO = Path(__file__).parent.parent


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _written(record) -> dict:
    """What the current code writes for `record` (as store.write_record does)."""
    return json.loads(record.model_dump_json())


def test_every_kind_has_a_path_to_the_current_version():
    for kind, steps in MIGRATIONS.items():
        current = BASELINE_SCHEMA if kind == "baseline" else SCHEMA_VERSION
        first = FIRST_VERSION.get(kind, 1)
        assert [start for start, _ in steps] == list(range(first, current)), kind


def test_v1_cell_upgrades_to_what_the_current_code_writes():
    raw = _json(RUN_V1 / "cells" / MODEL / "citizen_requests_de.json")
    assert raw["schema_version"] == 1
    new = upgrade("cell", raw, SCHEMA_VERSION)
    assert new["schema_version"] == SCHEMA_VERSION
    cell = CellResult.model_validate(new)
    assert _written(cell) == new  # nothing lost, nothing the writer would add
    # Names became fields: task figures, and the load figures that used a load_ prefix.
    assert cell.measurement(Metric.PEAK_RSS).unit == "MiB"
    assert cell.measurement(Metric.LATENCY_PER_SAMPLE).value > 0
    assert cell.measurement(Metric.WALL_TIME, Phase.LOAD).value == pytest.approx(
        next(m["value"] for m in raw["measurements"] if m["name"] == "load_time")
    )
    assert cell.measurement(Metric.RSS, Phase.LOAD).unit == "MiB"
    assert cell.measurement(Metric.ENERGY, Phase.LOAD).unit == "kWh"
    assert cell.measurement(Metric.ENERGY_CPU, Phase.LOAD) is not None
    assert len(cell.measurements) == len(raw["measurements"])


def test_v1_perf_upgrades_to_what_the_current_code_writes():
    raw = _json(RUN_V1 / "perf" / f"{MODEL}.json")
    new = upgrade("perf", raw, SCHEMA_VERSION)
    perf = PerfResult.model_validate(new)
    assert _written(perf) == new
    e2e = perf.find(Metric.E2E, input_tokens=16, output_tokens=4)
    assert e2e.phase == Phase.SCENARIO and e2e.batch_size is None and "p95" in e2e.detail
    assert "input_tokens" not in e2e.detail  # now a field, not a detail
    assert perf.find(Metric.PEAK_RSS, input_tokens=16).phase == Phase.SCENARIO
    assert {m.batch_size for m in perf.select(Metric.OUTPUT_TOKENS_PER_S)} == {1, 2}
    assert perf.find(Metric.REQUESTS_PER_S, batch_size=2).input_tokens == 16
    assert perf.find(Metric.IDLE_POWER, phase=Phase.IDLE).unit == "W"


def _as_v1(m: Measurement, name: str, **old_detail) -> dict:
    """`m` as version 1 stored it: identity in `name`, scenario lengths also in detail."""
    old = _written(m)
    for key in ("metric", "phase", "input_tokens", "output_tokens", "batch_size"):
        del old[key]
    return {"name": name, **old, "detail": {**old["detail"], **old_detail}}


@pytest.mark.parametrize(
    ("measurement", "v1_name", "old_detail"),
    [
        (summarise(Metric.TTFT, [0.1, 0.2], input_tokens=128, output_tokens=64),
         "ttft@128in_64out", {"input_tokens": 128, "output_tokens": 64}),
        (summarise(Metric.OUTPUT_TOKENS_PER_S, [9.0, 11.0], unit="tokens/s", batch_size=4,
                   input_tokens=128, output_tokens=32),
         "output_tokens_per_s@batch4",
         {"batch_size": 4, "input_tokens": 128, "output_tokens": 32}),
        (Measurement(metric=Metric.PEAK_RSS, phase=Phase.SCENARIO, input_tokens=512,
                     output_tokens=64, value=900.0, unit="MiB", provenance="measured:x", n=3),
         "peak_rss@512in_64out", {}),
        (Measurement(metric=Metric.WALL_TIME, phase=Phase.LOAD, value=4.2, unit="s",
                     provenance="measured:perf_counter"), "load_time", {}),
        (Measurement(metric=Metric.PEAK_RSS, phase=Phase.LOAD, value=700.0, unit="MiB",
                     provenance="measured:x"), "load_peak_rss", {}),
        (Measurement(metric=Metric.ENERGY_RAM, phase=Phase.LOAD, value=1e-6, unit="kWh",
                     provenance="estimated:x"), "load_energy_ram", {}),
        (Measurement(metric=Metric.IDLE_POWER, phase=Phase.IDLE, value=3.0, unit="W",
                     provenance="estimated:x", detail={"window_s": 1.0}), "idle_power", {}),
        (Measurement(metric=Metric.ENERGY, value=1e-5, unit="kWh", provenance="estimated:x"),
         "energy", {}),
    ],
)  # fmt: skip
def test_v1_measurement_equals_what_the_new_code_writes(measurement, v1_name, old_detail):
    assert v1_measurement(_as_v1(measurement, v1_name, **old_detail)) == _written(measurement)


def test_v1_baseline_upgrades_to_the_snapshot_the_current_code_makes():
    old = _json(FIXTURES / "baseline_v1.json")
    assert old["schema_version"] == 1
    upgraded = load_snapshot(FIXTURES / "baseline_v1.json")
    fresh = snapshot_from_run(open_run(RUN_V1))
    assert upgraded.schema_version == BASELINE_SCHEMA
    assert upgraded.cells == fresh.cells
    cell = upgraded.cell(MODEL, "short_answers_de")
    assert cell.figure(Metric.WALL_TIME, Phase.LOAD).unit == "s"
    assert cell.figure(Metric.LATENCY_PER_SAMPLE).value > 0


def test_committed_ci_baseline_compares_with_a_migrated_run():
    base = load_snapshot(REPO / "results" / "baselines" / "ci-quick.json")
    comp = compare(base, load_snapshot(RUN_V1), Thresholds())
    shared = [f for f in comp.findings if f.task in {"citizen_requests_de", "short_answers_de"}]
    assert shared  # the fixture's cells were compared, accuracy at least
    v1 = compare(load_snapshot(FIXTURES / "baseline_v1.json"), load_snapshot(RUN_V1), Thresholds())
    quantities = {f.quantity for f in v1.findings}
    assert {"latency_per_sample", "peak_rss", "energy_per_sample"} <= quantities
    assert not v1.regressions


def test_migrated_run_renders_its_report(tmp_path):
    html = write_report(RUN_V1, tmp_path / "index.html").read_text(encoding="utf-8")
    assert "smollm2-135m-instruct" in html and "TTFT p50" in html
    assert "citizen_requests_de" in html


def test_reading_upgrades_and_writing_writes_the_current_version(tmp_path):
    run = shutil.copytree(RUN_V1, tmp_path / RUN_V1.name)
    store = RunStore(run)
    cell = store.read_cell(MODEL, "short_answers_de")
    store.write_cell(cell)
    store.write_perf(store.read_perf(MODEL))
    store.write_info(store.read_info())
    for path in [store.cell_path(MODEL, "short_answers_de"), store.perf_path(MODEL),
                 run / "run.json"]:  # fmt: skip
        assert _json(path)["schema_version"] == SCHEMA_VERSION
    assert store.read_cell(MODEL, "short_answers_de") == cell


def test_future_versions_are_one_clear_line(tmp_path):
    run = shutil.copytree(RUN_V1, tmp_path / RUN_V1.name)
    path = run / "perf" / f"{MODEL}.json"
    path.write_text(json.dumps({**_json(path), "schema_version": SCHEMA_VERSION + 1}))
    with pytest.raises(UserError, match="newer than this slm-bench reads") as err:
        RunStore(run).read_perf(MODEL)
    assert "\n" not in str(err.value)
    baseline = tmp_path / "b.json"
    data = _json(FIXTURES / "baseline_v1.json")
    baseline.write_text(json.dumps({**data, "schema_version": BASELINE_SCHEMA + 1}))
    with pytest.raises(UserError, match="newer than this slm-bench reads"):
        load_snapshot(baseline)


def test_history_reads_a_migrated_run(tmp_path):
    from bench.analysis import figures as fig
    from bench.ci.history import collect

    shutil.copytree(RUN_V1, tmp_path / RUN_V1.name)
    df, skipped = collect(tmp_path)
    assert not skipped and len(df) == 2
    cell = open_run(RUN_V1).read_cell(MODEL, "citizen_requests_de")
    row = df[df.task == "citizen_requests_de"].iloc[0]
    energy = cell.measurement(Metric.ENERGY).value
    assert row[fig.ENERGY_WH_PER_1K] == pytest.approx(energy * 1e6 / cell.metric().n)
