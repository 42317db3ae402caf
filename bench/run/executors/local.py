"""The local executor: one fresh model process per unit, on this machine, one after the other.

The runner follows the process through the cell files it writes. A cell that never got
written (the process crashed or was killed) is recorded as an error with the exit code or
signal and the last meaningful line of the model's log. A process that could not write (disk
full) or whose run folder vanished stops the run instead: its missing cells are redone on
resume. The Ray executor runs the same `iter_worker` on a node, into a temporary folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.logtail import log_lines, log_tail
from bench.results.records import CellResult
from bench.results.store import RunStore, WriteFailed, write_record
from bench.results.writes import folder_gone
from bench.run.config import RunConfig
from bench.run.executors import OnCell, Unit
from bench.run.progress import Status, read_status
from bench.run.worker import STOPPED, WRITE_FAILED_EXIT, Job, error_cell


def child_env() -> dict[str, str]:
    """The model process's environment: offline, quiet."""
    env = dict(os.environ)
    # Never reach for the hub at run time: weights and data must already be here.
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("HF_DATASETS_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env.setdefault("TRANSFORMERS_VERBOSITY", "error")
    return env


def exit_reason(returncode: int, log: Path, start: int = 0) -> str:
    """Why a model process ended without writing all its cells: its exit code or the signal
    that killed it, and its last meaningful log line (from byte `start`; no progress bars)."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown signal"
        how = f"model process killed by signal {-returncode} ({name})"
        if -returncode == signal.SIGKILL:
            how += ", e.g. by the out-of-memory killer"
    else:
        how = f"model process exited with code {returncode}"
    last = log_tail(log, 1, start)
    return f"{how}; last output: {last}" if last else f"{how} (no output)"


def stop_reason(store: RunStore, log: Path, start: int) -> WriteFailed:
    """The error of a model process that stopped because it could not write (its log says)."""
    if not store.root.is_dir():
        return folder_gone(store.root)
    said = [ln.split(STOPPED, 1)[1].strip() for ln in log_lines(log, start) if STOPPED in ln]
    if not said:
        return WriteFailed("the model process could not write its results; see its log " + str(log))
    return WriteFailed(said[-1], full=said[-1].startswith("disk full"))


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
    write_record(job_path, job, store.root)
    for task in job.tasks:
        # A resumed run re-runs failed cells: drop the stale record first, or the
        # progress poll below would report the old failure as this run's outcome.
        store.cell_path(job.model.name, task).unlink(missing_ok=True)
    log = store.folder_for(store.log_path(job.model.name))
    start = log.stat().st_size if log.exists() else 0  # this process's output begins here
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
                if not store.root.is_dir():  # deleted under us: stop now, recreate nothing
                    raise folder_gone(store.root)
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
    if proc.returncode == WRITE_FAILED_EXIT or not store.root.is_dir():
        raise stop_reason(store, log, start)  # cells it could not write are redone on resume
    yield from landed()
    for task in job.tasks:
        if task not in seen:
            cell = error_cell(job, task, exit_reason(proc.returncode, log, start))
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
