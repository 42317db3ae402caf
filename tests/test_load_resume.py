"""`--resume` and the load sweep: a task whose cell is ok but whose sweep is missing or failed
gets its sweep alone again; the model process rebuilds lm-eval's requests without running
the model. A fake executor and a fake model; no server."""

from __future__ import annotations

from bench.backends.base import LoadedModel, Usage
from bench.catalogue.specs import load_catalogue
from bench.results.records import CellResult, LoadResult, SampleResult
from bench.run.config import LoadConfig
from bench.run.executors import Unit
from bench.run.runner import pending_units, run_matrix
from bench.run.worker import Job, redo_load_sweep

from .test_executors import GEMMA, SMALL, FakeExecutor, _cell, _store

TASKS = ["citizen_requests_de", "citizen_requests_en", "citizen_requests_gen_en"]


def _sweep(store, model, task, status) -> LoadResult:
    return LoadResult(run_id=store.run_id, model=model, task=task, status=status,
                      config=LoadConfig(), error=None if status == "ok" else "why")  # fmt: skip


LOAD = LoadConfig()


def _load_run(tmp_path, load: LoadConfig | None = LOAD):
    store, config = _store(tmp_path)
    config = config.model_copy(update={"tasks": TASKS, "load": load})
    info = store.read_info()
    store.write_info(info.model_copy(update={"config": config}))
    return store, config


def test_only_missing_or_failed_sweeps_of_ok_cells_are_redone(tmp_path):
    store, config = _load_run(tmp_path)
    de, en, gen = TASKS
    for model in (SMALL, GEMMA):
        for task in TASKS:
            store.write_cell(_cell(store, model, task))
    store.write_load(_sweep(store, SMALL, de, "ok"))  # done
    store.write_load(_sweep(store, SMALL, en, "error"))  # failed: again
    # SMALL's `gen` has no sweep at all (the process died during it): again
    store.write_load(_sweep(store, GEMMA, de, "skipped"))  # e.g. multiple choice: stays
    store.write_load(_sweep(store, GEMMA, en, "ok"))
    store.write_load(_sweep(store, GEMMA, gen, "ok"))
    units = pending_units(store, config)
    assert [(u.spec.name, u.tasks, u.run_perf, u.load_tasks) for u in units] == [
        (SMALL, [], False, (en, gen))
    ]


def test_a_task_redone_in_full_is_not_also_a_sweep_to_redo(tmp_path):
    store, config = _load_run(tmp_path)
    store.write_cell(_cell(store, SMALL, TASKS[0], "error"))  # its sweep comes with the cell
    executor = FakeExecutor()
    run_matrix(store, config, executor=executor)
    small = next(u for u in executor.units if u.spec.name == SMALL)
    assert small.tasks == TASKS and small.load_tasks == ()


def test_without_a_load_sweep_in_the_run_nothing_is_redone(tmp_path):
    store, config = _load_run(tmp_path, load=None)
    for model in (SMALL, GEMMA):
        for task in TASKS:
            store.write_cell(_cell(store, model, task))
    assert pending_units(store, config) == []


def test_an_unreadable_sweep_is_moved_aside_and_redone(tmp_path):
    store, config = _load_run(tmp_path)
    for model in (SMALL, GEMMA):
        for task in TASKS:
            store.write_cell(_cell(store, model, task))
            store.write_load(_sweep(store, model, task, "ok"))
    store.load_path(SMALL, TASKS[1]).write_text("{not json")
    (unit,) = pending_units(store, config)
    assert unit.load_tasks == (TASKS[1],) and not store.load_path(SMALL, TASKS[1]).exists()
    assert list(store.load_path(SMALL, TASKS[1]).parent.glob("*.corrupt*"))


def test_unit_rest_keeps_the_sweeps_to_redo():
    spec = load_catalogue(None).get(SMALL)
    unit = Unit(spec, ["a"], load_tasks=("b",))
    assert unit.rest({"a"}, perf_done=True) == Unit(spec, [], False, ("b",))


def test_the_model_process_rebuilds_the_requests_and_pairs_with_the_stored_samples(
    tmp_path, monkeypatch
):
    """lm-eval builds the task's requests again for a model that never answers; the sweep
    gets them and the cell's stored samples as its accuracy reference."""
    store, config = _load_run(tmp_path)
    task = "citizen_requests_gen_en"
    sample = SampleResult(task=task, doc_id=0, doc_hash="d", prompt_hash="p", target_hash="t",
                          target="x", prediction="y", scores={"acc": 1.0})  # fmt: skip
    store.write_cell(CellResult(run_id=store.run_id, model=SMALL, task=task, status="ok",
                                limit=2), [sample])  # fmt: skip
    seen = {}

    def fake_sweep(loaded, task, instances, samples, *rest):
        seen.update(task=task, instances=instances, samples=samples)
        return {"status": "ok", "tool": "fake"}

    monkeypatch.setattr("bench.run.load.run_task_load", fake_sweep)
    spec = load_catalogue(None).get(SMALL).model_copy(update={"chat": False})
    job = Job(run_dir=str(store.root), model=spec, tasks=[], config=config.model_copy(
        update={"limit": 2}), load_tasks=[task])  # fmt: skip
    assert redo_load_sweep(job, LoadedModel(spec=spec, lm=object(), usage=Usage()), task)
    assert seen["task"] == task and seen["samples"] == [sample]
    kinds = {i.request_type for i in seen["instances"]}
    assert kinds == {"generate_until"}
    assert sorted({int(i.doc_id) for i in seen["instances"]}) == [0, 1]
    assert store.read_load(SMALL, task).status == "ok"


def test_a_task_whose_requests_cannot_be_rebuilt_records_a_failed_sweep(tmp_path):
    store, config = _load_run(tmp_path)
    spec = load_catalogue(None).get(SMALL)
    job = Job(run_dir=str(store.root), model=spec, tasks=[], config=config,
              load_tasks=["no_such_task"])  # fmt: skip
    assert not redo_load_sweep(job, LoadedModel(spec=spec, lm=object(), usage=Usage()),
                               "no_such_task")  # fmt: skip
    swept = store.read_load(SMALL, "no_such_task")
    assert swept.status == "error" and swept.error.startswith("rebuilding the task's requests")
