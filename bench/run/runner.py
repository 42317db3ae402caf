"""The model × task matrix: one unit of work per model, resumable, failures recorded.

Everything a user can get wrong is checked before any model loads (names, limit, results
folder, weights present). Then the runner hands each model with its pending tasks (a `Unit`)
to an executor: `local` runs one fresh process per model here, `ray` runs the units on a Ray
cluster (see `bench.run.executors`). Either way every task ends in a cell file.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bench.backends import check_backend
from bench.catalogue.specs import ModelSpec, engine_overrides, load_catalogue
from bench.catalogue.weights import check_available
from bench.errors import UserError
from bench.meters.energy import check_country
from bench.results.loader import UnreadableRecord, move_aside
from bench.results.records import CellResult, RunInfo
from bench.results.store import (
    RunStore,
    check_writable,
    new_run_id,
    now_iso,
    open_run,
)
from bench.run.config import RunConfig
from bench.run.environment import git_sha, hardware, package_versions
from bench.run.executors import Executor, Unit, get_executor
from bench.run.phases import model_phases
from bench.taskkit.facts import task_facts
from bench.taskkit.registry import bundled_tasks, check_tasks


@dataclass
class RunOutcome:
    """Where the run went and how it ended."""

    store: RunStore
    cells: list[CellResult]
    phase_seconds: dict[str, float]

    @property
    def ok(self) -> bool:
        """No cell failed (skipped cells, e.g. input longer than the model's context, are fine)."""
        return all(c.status != "error" for c in self.cells)


def validate_config(config: RunConfig) -> list[ModelSpec]:
    """Check everything a user can get wrong; return the model specs. Loads no model."""
    catalogue = load_catalogue(config.catalogue)
    specs = [engine_overrides(catalogue.get(name), config.engine) for name in config.models]
    check_tasks(config.tasks)
    check_country(config.country_iso_code)
    for spec in specs:
        check_backend(spec)
        check_available(spec)
    return specs


def start_run(
    config: RunConfig, command: list[str] | None = None
) -> tuple[RunStore, list[ModelSpec]]:
    """Validate, then create the run folder with its run.json (which holds `config`)."""
    specs = validate_config(config)
    check_writable(config.results_dir)
    store = RunStore(config.results_dir / new_run_id())
    apis = [s for s in load_catalogue(config.catalogue).models if not s.local and s.price]
    store.create(
        RunInfo(
            run_id=store.run_id,
            started_at=now_iso(),
            command=list(sys.argv) if command is None else command,
            config=config,
            model_specs=specs,
            task_facts=task_facts(config.tasks),
            price_models=apis + [s for s in specs if not s.local and s.price and s not in apis],
            git_sha=git_sha(),
            package_versions=package_versions(),
            hardware=hardware(),
        )
    )
    return store, specs


def resume_run(run_dir: Path) -> tuple[RunStore, RunConfig]:
    """Reopen a run folder and its config from run.json; cells already ok are kept."""
    store = open_run(run_dir)
    info = store.read_info()
    # The folder may have moved since: its results folder is where it is now.
    config = info.config.model_copy(update={"results_dir": store.root.parent})
    # The run's own catalogue entries are used, not today's catalogue (which may have lost
    # the model); a model without one cannot be run again.
    known = {s.name for s in info.model_specs}
    if missing := [m for m in config.models if m not in known]:
        raise UserError(
            f"{store.root / 'run.json'} names model(s) {', '.join(missing)} without their "
            "catalogue entries (model_specs); start a new run with slm-bench run --models …"
        )
    check_tasks(config.tasks)
    for spec in info.model_specs:
        check_available(spec)
    check_writable(store.root, store.cell_bytes())  # a real write: a full disk fails here
    return store, config


def load_to_redo(store: RunStore, model: str, task: str) -> bool:
    """True when the task's cell is ok but its load sweep is missing or failed (a sweep that
    was skipped, e.g. a multiple-choice task, stays skipped)."""
    cell = store.read_cell(model, task)
    if cell is None or cell.status != "ok":
        return False
    try:
        swept = store.read_load(model, task)
    except UnreadableRecord as exc:
        print(f"note: {exc.path} is unreadable; moved to {move_aside(exc.path).name}, "
              "redoing the load sweep")  # fmt: skip
        return True
    return swept is None or swept.status == "error"


def pending_units(store: RunStore, config: RunConfig, progress=None) -> list[Unit]:
    """One unit per model with work left: tasks without an ok cell, the scenario if not done,
    the load sweep of an ok cell if it is missing or failed.

    A task whose input needs more context than the model has is recorded as skipped here.
    """
    specs = {s.name: s for s in store.read_info().model_specs}
    context_need = {t.name: t.context_tokens for t in bundled_tasks() if t.context_tokens}
    units = []
    for name in config.models:
        spec = specs[name]
        pending = [
            t
            for t in config.tasks
            if (c := store.reusable_cell(name, t)) is None or c.status == "error"
        ]
        too_long = [t for t in pending if context_need.get(t, 0) > spec.context_length]
        for task in too_long:
            need, have = context_need[task], spec.context_length
            reason = f"needs {need:,} tokens of context; {name} has {have:,}"
            store.write_cell(
                CellResult(
                    run_id=store.run_id,
                    model=name,
                    task=task,
                    status="skipped",
                    limit=config.limit,
                    error=reason,
                    ended_at=now_iso(),
                )
            )
        pending = [t for t in pending if t not in too_long]
        if progress:
            progress(None, skipped=len(config.tasks) - len(pending))
        run_perf = config.perf is not None and (
            (p := store.reusable_perf(name)) is None or p.status == "error"
        )
        load_tasks = tuple(t for t in config.tasks if t not in pending and t not in too_long
                           and load_to_redo(store, name, t)) if config.load else ()  # fmt: skip
        if pending or run_perf or load_tasks:
            units.append(Unit(spec=spec, tasks=pending, run_perf=run_perf, load_tasks=load_tasks))
    return units


def run_matrix(
    store: RunStore, config: RunConfig, progress=None, executor: Executor | None = None
) -> RunOutcome:
    """Run every cell not yet done in `store` (errors are retried); finish run.json.

    `executor` runs the units (default: the local one, one fresh process per model).
    """
    executor = executor or get_executor("local")
    units = pending_units(store, config, progress)
    phases = executor.run(units, store, config, on_cell=progress) if units else {}
    for unit in units:
        name = unit.spec.name
        ran = [c for t in unit.tasks if (c := store.read_cell(name, t)) is not None]
        perf = store.read_perf(name) if unit.run_perf else None
        phases.update(model_phases(name, ran, perf, phases.get(f"model {name}")))
    cells = store.cells()
    info = store.read_info()
    info.ended_at = now_iso()
    info.status = "failed" if any(c.status == "error" for c in cells) else "ok"
    info.phase_seconds = {
        **(info.phase_seconds or {}),
        **{k: round(v, 1) for k, v in phases.items()},
    }
    store.write_info(info)
    return RunOutcome(store=store, cells=cells, phase_seconds=phases)
