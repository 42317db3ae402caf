"""The model × task matrix: one fresh process per model, resumable, failures recorded.

Everything a user can get wrong is checked before any model loads (names, limit, results
folder, weights present). Then each model runs in its own process; the runner follows its
progress through the cell files it writes. A cell that never got written (the process
crashed or was killed) is recorded as an error with the end of the model's log.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.backends import check_backend
from bench.catalogue.specs import ModelSpec, engine_overrides, load_catalogue
from bench.catalogue.weights import check_available
from bench.results.records import CellResult, RunInfo
from bench.results.store import (
    RunStore,
    check_writable,
    new_run_id,
    now_iso,
    open_run,
    write_record,
)
from bench.run.config import RunConfig
from bench.run.environment import git_sha, hardware, package_versions
from bench.run.worker import Job, error_cell
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
    store.write_info(
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
    check_tasks(config.tasks)
    for spec in info.model_specs:
        check_available(spec)
    check_writable(store.root)
    return store, config


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Never reach for the hub at run time: weights and data must already be here.
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("HF_DATASETS_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env.setdefault("TRANSFORMERS_VERBOSITY", "error")
    return env


def _tail(path: Path, lines: int = 1) -> str:
    try:
        text = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return " | ".join(text[-lines:])


def run_model(
    store: RunStore, spec: ModelSpec, tasks: list[str], config: RunConfig, on_cell=None
) -> None:
    """Run `tasks` for one model in a fresh process, reporting each finished cell."""
    needs_perf = config.perf is not None and (
        (done := store.read_perf(spec.name)) is None or done.status == "error"
    )
    job = Job(run_dir=str(store.root), model=spec, tasks=tasks, config=config, run_perf=needs_perf)
    job_path = store.root / "jobs" / f"{spec.name}.json"
    write_record(job_path, job)
    for task in tasks:
        # A resumed run re-runs failed cells: drop the stale record first, or the
        # progress poll below would report the old failure as this run's outcome.
        store.cell_path(spec.name, task).unlink(missing_ok=True)
    log = store.log_path(spec.name)
    log.parent.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()

    def poll() -> None:
        for task in tasks:
            if task not in seen and store.cell_path(spec.name, task).exists():
                seen.add(task)
                if on_cell:
                    on_cell(store.read_cell(spec.name, task))

    with open(log, "ab") as log_fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.run.worker", str(job_path)],
            stdout=log_fh,
            stderr=subprocess.STDOUT,
            env={**_child_env(), "SLM_BENCH_LOG_DIR": str(log.parent)},
        )
        try:
            while proc.poll() is None:
                poll()
                time.sleep(0.25)
        except BaseException:
            proc.terminate()  # the worker stops what it started (a model server) on SIGTERM
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            raise
    poll()
    for task in tasks:
        if task not in seen:
            why = _tail(log) or "no output"
            cell = error_cell(job, task, f"model process exited with code {proc.returncode}: {why}")
            store.write_cell(cell)
            seen.add(task)
            if on_cell:
                on_cell(cell)


def run_matrix(store: RunStore, config: RunConfig, progress=None) -> RunOutcome:
    """Run every cell not yet done in `store` (errors are retried); finish run.json.

    A task whose input needs more context than the model has is recorded as skipped.
    """
    specs = {s.name: s for s in store.read_info().model_specs}
    context_need = {t.name: t.context_tokens for t in bundled_tasks() if t.context_tokens}
    phases: dict[str, float] = {}
    for name in config.models:
        spec = specs[name]
        pending = [
            t
            for t in config.tasks
            if (c := store.read_cell(name, t)) is None or c.status == "error"
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
        perf_done = config.perf is None or (
            (p := store.read_perf(name)) is not None and p.status != "error"
        )
        if not pending and perf_done:
            continue
        start = time.perf_counter()
        run_model(store, spec, pending, config, on_cell=progress)
        phases[f"model {name}"] = time.perf_counter() - start
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
