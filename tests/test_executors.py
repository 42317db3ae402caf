"""Executors: the runner's units, resource estimates and fit checks, the remote-record driver.

Pure logic with a fake executor and fake remote units (fault injection); the Ray run itself
is the end-to-end test in test_ray_e2e.py.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import asdict

import pytest

from bench.catalogue.specs import ModelSpec, load_catalogue
from bench.errors import UserError
from bench.results.records import CellResult, HardwareInfo, NodeInfo, RunInfo, SampleResult
from bench.results.store import RunStore
from bench.run.config import PerfConfig, RunConfig
from bench.run.executors import Unit, get_executor
from bench.run.executors.drive import NodeLost, drive
from bench.run.executors.resources import SLOT, Node, bytes_per_param, check_fits, estimate
from bench.run.progress import Status, read_status
from bench.run.runner import run_matrix

from .conftest import REPO

SMALL, GEMMA = "smollm2-135m-instruct", "gemma3-270m"
TASKS = ["citizen_requests_de", "citizen_requests_en"]


def _store(tmp_path, perf=None) -> tuple[RunStore, RunConfig]:
    config = RunConfig(models=[SMALL, GEMMA], tasks=TASKS, limit=2, results_dir=tmp_path,
                       perf=perf)  # fmt: skip
    catalogue = load_catalogue(None)
    store = RunStore(tmp_path / "20260101-000000-abcd")
    store.create(
        RunInfo(
            run_id=store.run_id, started_at="t", command=["x"], config=config,
            model_specs=[catalogue.get(SMALL), catalogue.get(GEMMA)], git_sha=None,
            package_versions={},
            hardware=HardwareInfo(cpu_model="c", cpu_cores_logical=2, cpu_cores_physical=1,
                                  ram_total_gib=1.0, platform="p"),
        )
    )  # fmt: skip
    return store, config


def _cell(store, model, task, status="ok") -> CellResult:
    return CellResult(run_id=store.run_id, model=model, task=task, status=status, limit=2)


class FakeExecutor:
    """Records the units it is handed and writes an ok cell for each of their tasks."""

    name = "fake"

    def __init__(self):
        self.units: list[Unit] = []

    def run(self, units, store, config, on_cell=None):
        self.units.extend(units)
        for unit in units:
            for task in unit.tasks:
                store.write_cell(_cell(store, unit.spec.name, task))
        return {"fake": 0.0}


def test_runner_hands_each_model_with_only_its_pending_tasks(tmp_path):
    store, config = _store(tmp_path)
    store.write_cell(_cell(store, SMALL, TASKS[0]))  # done: kept
    store.write_cell(_cell(store, SMALL, TASKS[1], "error"))  # failed: run again
    store.write_cell(_cell(store, GEMMA, TASKS[0]))
    store.write_cell(_cell(store, GEMMA, TASKS[1]))  # model complete: no unit at all
    executor = FakeExecutor()
    outcome = run_matrix(store, config, executor=executor)
    assert [(u.spec.name, u.tasks, u.run_perf) for u in executor.units] == [
        (SMALL, [TASKS[1]], False)
    ]
    assert outcome.ok and store.read_info().status == "ok"
    assert outcome.phase_seconds == {"fake": 0.0}


def test_a_unit_with_only_the_scenario_left_is_still_handed_over(tmp_path):
    store, config = _store(tmp_path, perf=PerfConfig())
    for model in (SMALL, GEMMA):
        for task in TASKS:
            store.write_cell(_cell(store, model, task))
    executor = FakeExecutor()
    run_matrix(store, config, executor=executor)
    assert [(u.spec.name, u.tasks, u.run_perf) for u in executor.units] == [
        (SMALL, [], True),
        (GEMMA, [], True),
    ]


def test_unit_rest_drops_finished_work():
    spec = load_catalogue(None).get(SMALL)
    unit = Unit(spec, ["a", "b", "c"], run_perf=True)
    assert unit.rest({"b"}, perf_done=False) == Unit(spec, ["a", "c"], True)
    assert unit.rest({"a", "b", "c"}, perf_done=True).run_perf is False


def test_executor_choice_and_its_options():
    assert get_executor("local").name == "local"
    with pytest.raises(UserError, match="need --executor ray"):
        get_executor("local", pack=True)
    with pytest.raises(UserError, match="unknown executor 'slurm'"):
        get_executor("slurm")


def test_import_bench_and_the_runner_do_not_import_ray():
    code = ("import sys, bench, bench.cli, bench.run.runner, bench.run.executors.drive; "
            "assert 'ray' not in sys.modules, 'ray imported'")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# --- resources -------------------------------------------------------------------------


def _spec(**fields) -> ModelSpec:
    return load_catalogue(None).get(SMALL).model_copy(update=fields)


def test_memory_follows_parameters_and_precision():
    small = estimate(_spec())  # bfloat16 (the GGUF is dequantised): 2 bytes per parameter
    assert small.cpus == 1 and small.gpus == 0 and small.exclusive
    assert small.memory_gib == pytest.approx(1.5 + 0.135e9 * 2 * 1.2 / 2**30, abs=0.01)
    big = estimate(_spec(params_b=70.0, dtype="float32"))
    assert big.memory_gib == pytest.approx(1.5 + 70e9 * 4 * 1.2 / 2**30, abs=0.01)
    assert bytes_per_param(_spec(quantization="gguf-q4_k_m")) == pytest.approx(0.5625)
    assert bytes_per_param(_spec(quantization="gguf-q4_1 (dequantised)")) == 2.0


def test_gpus_are_the_tensor_parallel_size_where_the_cluster_has_gpus():
    spec = _spec(params_b=70.0)
    engine = spec.engine.model_copy(update={"tensor_parallel_size": 4})
    spec = spec.model_copy(update={"engine": engine})
    on_gpus = estimate(spec, cluster_has_gpus=True)
    assert on_gpus.gpus == 4 and on_gpus.memory_gib == 1.5  # weights live on the GPUs
    assert estimate(spec, cluster_has_gpus=False).gpus == 0
    options = on_gpus.ray_options()
    assert options["num_gpus"] == 4 and options["resources"] == {SLOT: 1}
    assert "resources" not in estimate(spec, exclusive=False).ray_options()


def _node(name="n1", cpus=1.0, gpus=0.0, mem=8.0, slot=True) -> Node:
    return Node(name=name, cpus=cpus, gpus=gpus, memory_gib=mem, slot=slot)


def test_a_model_that_fits_no_node_fails_naming_it_and_the_largest_node():
    needs = {"small": estimate(_spec()), "huge": estimate(_spec(params_b=70.0))}
    with pytest.raises(UserError) as err:
        check_fits(needs, [_node("a", mem=4.0), _node("b", cpus=2.0, mem=16.0)])
    line = str(err.value)
    assert "\n" not in line
    assert line.startswith("model huge fits no Ray node: it needs 1 CPU, 0 GPUs, 158.0 GiB")
    assert "the largest node, b, has 2 CPUs, 0 GPUs, 16.0 GiB memory" in line
    check_fits({"small": needs["small"]}, [_node(mem=4.0)])  # fits: no error


def test_honest_measurements_need_the_slot_resource_or_pack():
    needs = {"small": estimate(_spec())}
    with pytest.raises(UserError, match="--pack"):
        check_fits(needs, [_node(slot=False)])
    check_fits({"small": estimate(_spec(), exclusive=False)}, [_node(slot=False)])
    with pytest.raises(UserError, match="no live node"):
        check_fits(needs, [])


def test_node_from_ray_reads_totals():
    node = Node.from_ray({"NodeManagerHostname": "h", "NodeManagerAddress": "10.0.0.2",
                          "Resources": {"CPU": 4.0, "memory": 8 * 2**30, SLOT: 1.0}})  # fmt: skip
    assert node == Node("h (10.0.0.2)", 4.0, 0.0, 8.0, True)


# --- the driver: records coming back, lost nodes, cancellation -----------------------------

NODE = NodeInfo(hostname="node-a", fingerprint="abc123")


def _payloads(store, unit: Unit, lose_after: int | None = None, node=NODE):
    """What a remote unit yields; raises NodeLost after `lose_after` cells."""
    yield {"kind": "node", "node": node.model_dump(mode="json")}
    for i, task in enumerate(unit.tasks):
        if lose_after is not None and i == lose_after:
            raise NodeLost("WorkerCrashedError: the worker died")
        sample = SampleResult(
            task=task,
            doc_id=0,
            doc_hash="d",
            prompt_hash="p",
            target_hash="t",
            target="x",
            prediction="x",
            scores={"acc": 1.0},
        )
        yield {"kind": "cell", "task": task,
               "cell": _cell(store, unit.spec.name, task).model_dump_json(),
               "samples": sample.model_dump_json() + "\n"}  # fmt: skip
    yield {
        "kind": "log",
        "model": unit.spec.name,
        "text": "[slm-bench] done\n",
        "process_seconds": 0.001,
    }


def _units():
    catalogue = load_catalogue(None)
    return [Unit(catalogue.get(SMALL), list(TASKS)), Unit(catalogue.get(GEMMA), list(TASKS))]


def test_records_land_in_the_run_folder_with_their_node(tmp_path):
    store, config = _store(tmp_path)
    seen = []
    overheads = drive(_units(), lambda u: _payloads(store, u), store, config, seen.append,
                      contended=True)  # fmt: skip
    assert set(overheads) == {SMALL, GEMMA}  # the unit's time on the driver less its process's
    cells = store.cells()
    assert len(cells) == 4 == len(seen)
    assert all(c.status == "ok" and c.node == NODE and c.contended for c in cells)
    assert [s.prediction for s in store.samples(SMALL, TASKS[0])] == ["x"]
    assert "output on node node-a" in store.log_path(GEMMA).read_text()


def test_node_progress_is_relayed_to_the_driver_and_cleared_at_the_end(tmp_path):
    store, config = _store(tmp_path)
    seen = []

    def submit(unit):
        status = Status(model=unit.spec.name, task=TASKS[0], stage="scoring", node="node-a")
        yield {"kind": "node", "node": NODE.model_dump(mode="json")}
        yield {"kind": "progress", "status": asdict(status)}
        path, deadline = store.progress_path(unit.spec.name), time.time() + 10
        while not path.exists() and time.time() < deadline:  # the driver thread writes it
            time.sleep(0.02)
        seen.append(read_status(path))
        yield from list(_payloads(store, unit))[1:]

    drive(_units(), submit, store, config)
    assert {s.describe() for s in seen} == {
        f"{m} on node-a × {TASKS[0]}: scoring" for m in (SMALL, GEMMA)
    }
    assert not list((store.root / "progress").glob("*.json"))  # nothing stale is shown


def test_a_lost_node_retries_only_the_unfinished_cells(tmp_path):
    store, config = _store(tmp_path)
    submitted = []

    def submit(unit):
        submitted.append((unit.spec.name, unit.tasks))
        first = sum(name == unit.spec.name for name, _ in submitted) == 1
        other = NodeInfo(hostname="node-b", fingerprint="abc123")
        return _payloads(store, unit, lose_after=1 if first else None,
                         node=NODE if first else other)  # fmt: skip

    drive(_units()[:1], submit, store, config)
    assert submitted == [(SMALL, TASKS), (SMALL, TASKS[1:])]
    cells = {c.task: c for c in store.cells()}
    assert all(c.status == "ok" for c in cells.values())
    assert cells[TASKS[0]].node.hostname == "node-a" and cells[TASKS[1]].node.hostname == "node-b"


def test_a_unit_lost_too_often_records_error_cells_with_the_reason(tmp_path):
    store, config = _store(tmp_path)
    calls = []

    def submit(unit):
        calls.append(unit.tasks)
        return _payloads(store, unit, lose_after=0)

    drive(_units()[:1], submit, store, config, retries=2)
    assert len(calls) == 3
    cells = store.cells()
    assert [c.status for c in cells] == ["error", "error"]
    why = "node node-a lost 3 times, gave up: WorkerCrashedError: the worker died"
    assert cells[0].error == why


def test_a_failing_unit_records_its_error_and_the_others_go_on(tmp_path):
    store, config = _store(tmp_path)

    def submit(unit):
        if unit.spec.name == SMALL:
            raise RuntimeError("weights missing")
        return _payloads(store, unit)

    drive(_units(), submit, store, config)
    status = {(c.model, c.status) for c in store.cells()}
    assert status == {(SMALL, "error"), (GEMMA, "ok")}
    assert store.read_cell(SMALL, TASKS[0]).error == "unit failed: RuntimeError: weights missing"


def test_interrupting_the_driver_cancels_the_remote_units(tmp_path):
    store, config = _store(tmp_path)
    cancelled = []

    def on_cell(cell):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        drive(_units(), lambda u: _payloads(store, u), store, config, on_cell,
              cancel=lambda: cancelled.append(True))  # fmt: skip
    assert cancelled == [True]
    assert len(store.cells()) == 1  # written before the interrupt: kept for --resume


def test_report_groups_cluster_cells_by_hardware_and_counts_contended_ones(tmp_path):
    from bench.report.render import _nodes

    store, _ = _store(tmp_path)
    other = NodeInfo(hostname="node-b", fingerprint="fff000")
    cells = [
        _cell(store, SMALL, "a").model_copy(update={"node": NODE, "contended": True}),
        _cell(store, GEMMA, "a").model_copy(update={"node": NODE, "contended": False}),
        _cell(store, GEMMA, "b").model_copy(update={"node": other, "contended": False}),
        _cell(store, SMALL, "b"),  # a local cell: no node
    ]
    assert _nodes(cells) == [
        {"fingerprint": "abc123", "hosts": "node-a", "cpu": "", "cells": 2, "contended": 1},
        {"fingerprint": "fff000", "hosts": "node-b", "cpu": "", "cells": 1, "contended": 0},
    ]
