"""The local executor: one fresh model process per unit, on this machine, one after the other.

The runner follows the process through the cell files it writes. A cell that never got
written (the process crashed or was killed) is recorded as an error with the end of the
model's log. The Ray executor runs the same `iter_worker` on a node, into a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

from bench.results.records import CellResult
from bench.results.store import RunStore, write_record
from bench.run.config import RunConfig
from bench.run.executors import OnCell, Unit
from bench.run.progress import Status, read_status
from bench.run.worker import Job, error_cell


def child_env() -> dict[str, str]:
    """The model process's environment: offline, quiet."""
    env = dict(os.environ)
    # Never reach for the hub at run time: weights and data must already be here.
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("HF_DATASETS_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env.setdefault("TRANSFORMERS_VERBOSITY", "error")
    return env


def tail(path, lines: int = 1) -> str:
    """The last non-empty `lines` of a text file, joined by ' | ' ('' when unreadable)."""
    try:
        text = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return " | ".join(text[-lines:])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # Linux: SIGTERM the model process when its parent dies (a killed Ray worker).
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, 15)  # PR_SET_PDEATHSIG, SIGTERM
    except (OSError, AttributeError):
        pass


def iter_worker(store: RunStore, job: Job, die_with_parent: bool = False,
                statuses: bool = False) -> Iterator[CellResult | Status]:  # fmt: skip
    """Run `job` in a fresh model process writing into `store`; yield each cell as it lands
    (and, with `statuses`, the process's progress `Status` whenever it changed).

    Tasks the process left without a cell come last, as error cells. Closing the generator
    (Ctrl-C, cancellation) terminates the process, which stops any server it started.
    """
    job_path = store.job_path(job.model.name)
    write_record(job_path, job)
    for task in job.tasks:
        # A resumed run re-runs failed cells: drop the stale record first, or the
        # progress poll below would report the old failure as this run's outcome.
        store.cell_path(job.model.name, task).unlink(missing_ok=True)
    log = store.log_path(job.model.name)
    log.parent.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()

    def landed() -> list[CellResult]:
        name = job.model.name
        new = [t for t in job.tasks if t not in seen and store.cell_path(name, t).exists()]
        seen.update(new)
        return [store.read_cell(name, t) for t in new]

    with open(log, "ab") as log_fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.run.worker", str(job_path)],
            stdout=log_fh,
            stderr=subprocess.STDOUT,
            env={**child_env(), "SLM_BENCH_LOG_DIR": str(log.parent)},
            preexec_fn=_die_with_parent if die_with_parent else None,
        )
        last = None
        try:
            while proc.poll() is None:
                yield from landed()
                if statuses and (now := read_status(store.progress_path(job.model.name))) != last:
                    last = now
                    if now is not None:
                        yield now
                time.sleep(0.25)
        finally:
            if proc.poll() is None:
                proc.terminate()  # the worker stops what it started (a model server) on SIGTERM
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
    yield from landed()
    for task in job.tasks:
        if task not in seen:
            why = tail(log) or "no output"
            cell = error_cell(job, task, f"model process exited with code {proc.returncode}: {why}")
            store.write_cell(cell)
            seen.add(task)
            yield cell


def run_model(store: RunStore, spec, tasks: list[str], config: RunConfig, on_cell=None,
              run_perf=None, load_tasks=()) -> None:  # fmt: skip
    """Run `tasks` for one model in a fresh process, reporting each finished cell; then the
    load sweeps alone of `load_tasks` (cells already ok)."""
    if run_perf is None:
        run_perf = config.perf is not None and (
            (done := store.read_perf(spec.name)) is None or done.status == "error"
        )
    job = Job(run_dir=str(store.root), model=spec, tasks=tasks, config=config, run_perf=run_perf,
              load_tasks=list(load_tasks))  # fmt: skip
    for cell in iter_worker(store, job):
        if on_cell:
            on_cell(cell)


class LocalExecutor:
    """One fresh process per unit on this machine, one unit after the other."""

    name = "local"

    def run(
        self, units: list[Unit], store: RunStore, config: RunConfig, on_cell: OnCell = None
    ) -> dict[str, float]:
        phases: dict[str, float] = {}
        for unit in units:
            start = time.perf_counter()
            run_model(store, unit.spec, unit.tasks, config, on_cell, run_perf=unit.run_perf,
                      load_tasks=unit.load_tasks)  # fmt: skip
            phases[f"model {unit.spec.name}"] = time.perf_counter() - start
        return phases
