"""The model process: loads one model once, evaluates its tasks, writes one cell per task.

The runner starts one of these per model (`python -m bench.run.worker JOB.json`) so that memory
figures belong to that model alone and a crash takes down only its own cells. Every task
ends in a cell file, ok or error; a task that fails does not stop the next one.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bench.backends import LoadedModel, Usage, backend_info, get_backend
from bench.backends.base import UnsupportedTask
from bench.catalogue.specs import ModelSpec
from bench.catalogue.weights import local_folder
from bench.errors import UserError
from bench.meters import EnergyMeter, GpuMeter, PeakRSSMeter, WallTimer, current_rss_mib
from bench.results.records import CellResult, LoadResult, Measurement, Metric, PerfResult, Phase
from bench.results.store import RunStore, WriteFailed, now_iso
from bench.run import redact
from bench.run.config import PerfConfig, RunConfig
from bench.run.progress import Reporter, Status
from bench.run.usage_figures import cost_measurement, usage_measurements
from bench.taskkit.registry import task_manager

WRITE_FAILED_EXIT = 75
"""Exit code of a model process that stopped because a result file could not be written."""
STOPPED = "[slm-bench] stopped:"
"""Start of the log line that says why (the runner shows the rest)."""


class Job(BaseModel):
    """What the runner asks one model process to do: some tasks of one model, run's config."""

    model_config = ConfigDict(extra="forbid")

    run_dir: str
    model: ModelSpec
    tasks: list[str] = Field(description="This model's tasks still to run (others are done).")
    config: RunConfig = Field(description="The run's configuration, as stored in run.json.")
    run_perf: bool = Field(default=False, description="Run the scenario (config.perf) now.")
    load_tasks: list[str] = Field(
        default_factory=list,
        description="Tasks whose cell is ok but whose load sweep is missing or failed: "
        "only the sweep runs again (`--resume`).",
    )

    @property
    def perf(self) -> PerfConfig | None:
        """The scenario to run in this process, or None."""
        return self.config.perf if self.run_perf else None


def one_line(exc: BaseException) -> str:
    """An exception as one readable line (a UserError's message needs no class name)."""
    text = str(exc).strip().splitlines()
    if isinstance(exc, UserError):
        return text[0] if text else "error"
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip().rstrip(":")


def run_task(job: Job, loaded: LoadedModel, task: str, load: list[Measurement],
             status: Status) -> CellResult:  # fmt: skip
    """Evaluate one task with all meters running and return its cell (samples written too)."""
    from bench.run.quality import evaluate_task

    store = RunStore(Path(job.run_dir))
    loaded.reset_usage()
    status.set("lm-eval set-up", task)  # `poll_scoring` switches to "scoring" at the requests
    started = now_iso()
    extra: list[Measurement] = []
    backend = backend_info(loaded.spec.backend)
    if backend.prepare_task:  # backends that fit something per task (the classifier)
        info = loaded.lm.prepare_task(task)
        extra.append(
            Measurement(
                metric=Metric.TRAIN_TIME,
                value=round(info["seconds"], 4),
                unit="s",
                provenance="measured:perf_counter",
                n=info["n_train"],
            )
        )
    with (
        PeakRSSMeter(include_children=backend.server) as rss,
        GpuMeter(include_children=backend.server) as gpu,
        EnergyMeter(job.config.country_iso_code) as energy,
        WallTimer() as wall,
    ):
        outcome = evaluate_task(
            loaded.lm, task, limit=job.config.limit, chat=loaded.spec.chat, seed=job.config.seed
        )
    n = len(outcome.samples)
    usage = loaded.reset_usage()  # the task's counters; the probe's requests count elsewhere
    status.set("request probe")
    requests = request_probe(loaded, task, job.config, usage)
    cell = CellResult(
        run_id=store.run_id,
        model=loaded.spec.name,
        task=task,
        status="ok",
        limit=job.config.limit,
        primary_metric=outcome.primary_metric,
        metrics=outcome.metrics,
        measurements=[
            wall.measurement(),
            rss.measurement(),
            *usage_measurements(usage, n),
            *filter(None, [cost_measurement(loaded.spec, usage)]),
            *energy.measurements(),
            *gpu.measurements(),
            *extra,
            *requests,
            *load,
        ],
        started_at=started,
        ended_at=now_iso(),
    )
    store.write_cell(cell, outcome.samples)
    if job.config.load is not None:
        status.set("load sweep")
        load_sweep(job, loaded, task, usage.instances, outcome.samples)
    return cell


def load_sweep(job: Job, loaded: LoadedModel, task: str, instances, samples) -> bool:
    """Run the task's load sweep (bench.run.load) and write its record; False if it failed."""
    from bench.run.load import run_task_load

    store = RunStore(Path(job.run_dir))
    base = {"run_id": store.run_id, "model": loaded.spec.name, "task": task,
            "config": job.config.load, "started_at": now_iso()}  # fmt: skip
    print(f"[slm-bench] {task}: load sweep", flush=True)
    try:
        parts = run_task_load(
            loaded, task, instances, samples, store.root,
            store.load_rows_dir(loaded.spec.name, task), job.config.load,
            job.config.country_iso_code, job.config.seed,
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - recorded; the cell's accuracy stands
        traceback.print_exc()
        parts = {"status": "error", "error": one_line(exc)}
    store.write_load(LoadResult(**base, **parts, ended_at=now_iso()))
    if parts["status"] != "ok":
        print(f"[slm-bench] {task}: load sweep {parts['status']}: {parts['error']}", flush=True)
    return parts["status"] != "error"


def redo_load_sweep(job: Job, loaded: LoadedModel, task: str) -> bool:
    """The load sweep alone for a task whose cell is already ok: lm-eval's requests are built
    again (not answered) and the stored samples are the accuracy reference."""
    from bench.run.load_score import task_requests

    store = RunStore(Path(job.run_dir))
    print(f"[slm-bench] task {task}: cell ok, redoing its load sweep", flush=True)
    try:
        instances = task_requests(loaded.lm, task, limit=job.config.limit,
                                  chat=loaded.spec.chat, seed=job.config.seed)  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - recorded like a failed sweep
        traceback.print_exc()
        store.write_load(LoadResult(run_id=store.run_id, model=loaded.spec.name, task=task,
                                    config=job.config.load, status="error",
                                    error=f"rebuilding the task's requests: {one_line(exc)}",
                                    ended_at=now_iso()))  # fmt: skip
        return False
    return load_sweep(job, loaded, task, instances, store.samples(loaded.spec.name, task))


def request_probe(loaded: LoadedModel, task: str, config: RunConfig,
                  usage: Usage) -> list[Measurement]:  # fmt: skip
    """Time the task's own requests one at a time (bench.run.probe); [] when off or failed."""
    from bench.run.probe import from_scoring, run_probe

    if config.request_probe <= 0 or not usage.instances:
        return []
    if scored := from_scoring(usage):  # the scoring already timed each document alone
        return scored
    try:
        with WallTimer() as wall:
            out = run_probe(
                loaded.lm, usage.instances, config.request_probe, config.request_probe_seconds
            )
    except Exception as exc:  # noqa: BLE001 - the accuracy of the cell must not be lost
        traceback.print_exc()
        print(f"[slm-bench] {task}: request probe failed: {one_line(exc)}", flush=True)
        return []
    return [*out, wall.measurement(Phase.REQUEST)] if out else []


def error_cell(job: Job, task: str, message: str, status: str = "error") -> CellResult:
    """A cell recording why a task could not be evaluated (or was skipped)."""
    return CellResult(
        run_id=Path(job.run_dir).name,
        model=job.model.name,
        task=task,
        status=status,
        error=redact.scrub(message),
        limit=job.config.limit,
        ended_at=now_iso(),
    )


def poll_scoring(loaded: LoadedModel | None, status: Status) -> None:
    """Refresh `status` with lm-eval's request counts while a task is being scored."""
    if loaded is None or status.stage not in ("lm-eval set-up", "scoring"):
        return
    done, total = loaded.usage.progress()
    if total and status.stage != "scoring":  # the requests are built: scoring starts now
        status.stage, status.since = "scoring", time.time()
    status.done, status.total = done, total


def run_job(job: Job) -> int:
    """Load the model, run every task; 0 if all cells are ok, 1 otherwise.

    Meanwhile `progress/<model>.json` tells the CLI what the process is doing.
    """
    store = RunStore(Path(job.run_dir))
    status = Status(model=job.model.name)
    current: dict[str, LoadedModel] = {}
    path = store.progress_path(job.model.name)
    with Reporter(status, path, poll=lambda st: poll_scoring(current.get("model"), st)):
        return load_and_run(job, store, status, current)


def load_and_run(job: Job, store: RunStore, status: Status, current: dict) -> int:
    """Prepare and load the model (put in `current["model"]`), then run its work."""
    spec = job.model
    status.set("preparing")
    try:
        # Not part of any figure: converting or locating weights and indexing lm-eval's tasks
        # happen once per machine or process, not per use of the model.
        if spec.local:
            print(f"[slm-bench] preparing weights of {spec.name}", flush=True)
            local_folder(spec)
        task_manager(*job.tasks, *job.load_tasks)
    except Exception as exc:  # noqa: BLE001 - recorded in every cell of this model
        traceback.print_exc()
        for task in job.tasks:
            store.write_cell(error_cell(job, task, f"preparation failed: {one_line(exc)}"))
        return 1
    print(f"[slm-bench] loading {spec.name} ({spec.backend})", flush=True)
    status.set("loading")
    try:
        with (
            PeakRSSMeter(include_children=backend_info(spec.backend).server) as rss,
            EnergyMeter(job.config.country_iso_code) as energy,
            WallTimer() as wall,
        ):
            loaded = get_backend(spec.backend).load(spec)
    except Exception as exc:  # noqa: BLE001 - recorded in every cell of this model
        traceback.print_exc()
        message = f"model failed to load: {one_line(exc)}"
        for task in job.tasks:
            store.write_cell(error_cell(job, task, message))
        return 1
    # The precision that ran, and why (`dtype: auto` depends on the machine), rides on the
    # load time that every cell of this model carries.
    precision = {k: loaded.info[k] for k in ("dtype", "dtype_reason") if k in loaded.info}
    load = [
        wall.measurement(Phase.LOAD).model_copy(update={"detail": precision}),
        rss.measurement(Phase.LOAD),
        Measurement(
            metric=Metric.RSS,
            phase=Phase.LOAD,
            value=round(current_rss_mib(), 1),
            unit="MiB",
            provenance="measured:psutil-rss",
        ),
        *energy.measurements(Phase.LOAD),
    ]
    print(f"[slm-bench] loaded in {wall.seconds:.1f}s: {json.dumps(loaded.info)}", flush=True)
    current["model"] = loaded
    try:
        return run_loaded(job, loaded, load, status)
    finally:
        if loaded.close is not None:  # e.g. stop the model server this backend started
            loaded.close()


def run_loaded(job: Job, loaded: LoadedModel, load: list[Measurement], status: Status) -> int:
    """Every task, then the scenario, on a loaded model; 0 if all went well."""
    store = RunStore(Path(job.run_dir))
    failed = 0
    for task in job.tasks:
        print(f"[slm-bench] task {task}", flush=True)
        down = loaded.alive() if loaded.alive is not None else None
        if down:  # a dead server would only time out, request by request
            store.write_cell(error_cell(job, task, down))
            failed += 1
            continue
        try:
            cell = run_task(job, loaded, task, load, status)
            print(f"[slm-bench] {task}: {cell.metric().name}={cell.metric().value:.4f}", flush=True)
            swept = store.read_load(loaded.spec.name, task)
            failed += 1 if swept is not None and swept.status == "error" else 0
        except WriteFailed:  # a full disk or a vanished run folder: every write would fail
            raise
        except Exception as exc:  # noqa: BLE001 - one task's failure must not stop the rest
            if isinstance(exc, UnsupportedTask):  # not this backend's kind of task
                store.write_cell(error_cell(job, task, str(exc), status="skipped"))
                print(f"[slm-bench] {task}: skipped: {exc}", flush=True)
                continue
            traceback.print_exc()
            store.write_cell(error_cell(job, task, one_line(exc)))
            failed += 1
    for task in job.load_tasks if job.config.load is not None else []:
        status.set("load sweep", task)
        failed += 0 if redo_load_sweep(job, loaded, task) else 1
    if job.perf is not None:
        status.set("scenario", task="")
    if job.perf is not None and not run_perf(job, loaded):
        failed += 1
    return 1 if failed else 0


def run_perf(job: Job, loaded: LoadedModel) -> bool:
    """Run the latency / throughput scenario and write its record; False if it failed."""
    from bench.run.perf import run_scenario

    store = RunStore(Path(job.run_dir))
    base = {"run_id": store.run_id, "model": loaded.spec.name, "config": job.perf}
    if not backend_info(loaded.spec.backend).scenario or loaded.engine is None:
        store.write_perf(
            PerfResult(
                **base,
                status="skipped",
                ended_at=now_iso(),
                error=f"backend '{loaded.spec.backend}' has no scenario",
            )
        )
        return True
    print("[slm-bench] performance scenario", flush=True)
    started = now_iso()
    try:
        outcome = run_scenario(
            loaded.engine,
            job.perf,
            loaded.spec.context_length,
            job.config.country_iso_code,
            include_children=backend_info(loaded.spec.backend).server,
        )
    except Exception as exc:  # noqa: BLE001 - recorded, the run goes on
        traceback.print_exc()
        store.write_perf(
            PerfResult(
                **base, status="error", error=one_line(exc), started_at=started, ended_at=now_iso()
            )
        )
        return False
    store.write_perf(
        PerfResult(
            **base,
            status="ok",
            measurements=outcome.measurements,
            started_at=started,
            ended_at=now_iso(),
        )
    )
    return True


def _exit_on_sigterm(signum, frame) -> None:
    # The runner sends SIGTERM on Ctrl-C; exiting through SystemExit runs the `finally`
    # blocks that stop a model server this process started.
    sys.exit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    redact.install()  # before anything logs: no key may reach logs/<model>.log
    job = Job.model_validate_json(Path(args[0]).read_text())
    redact.install([getattr(job.model.source, "api_key_env", None) or ""])
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return run_job(job)
    except WriteFailed as exc:  # the runner reads this line and stops the run with it
        print(f"{STOPPED} {exc}", flush=True)
        return WRITE_FAILED_EXIT


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # vLLM's engine threads can abort the interpreter at shutdown ("terminate called without an
    # active exception") after all cells are written; leave without running that teardown.
    os._exit(code)
