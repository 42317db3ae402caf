"""The Ray executor: the same units on a Ray cluster, records streamed back to the driver.

Each unit becomes one Ray task (a generator) asking for what its model needs (see
`resources`). On its node the task runs the usual fresh model process into a temporary
folder and yields every cell (with its samples) as it lands, then the scenario record and
the log; the driver writes them into its own run folder (`drive`). No shared filesystem is
needed, but slm-bench and the model weights must be installed on every node.

By default a unit holds its node's `slm_bench_node` resource (capacity 1), so timings,
memory and energy are the model's alone; with `pack=True` units share nodes and their
records are labelled contended. Only this module imports ray, and only when a run starts.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from bench.errors import UserError
from bench.results.records import NodeInfo
from bench.results.store import RunStore
from bench.run.config import RunConfig
from bench.run.executors import OnCell, Unit
from bench.run.executors.drive import NodeLost, drive
from bench.run.executors.resources import SLOT, Node, check_fits, estimate
from bench.run.progress import Status
from bench.run.worker import Job, one_line

RETRIES = 2
"""How often a unit whose node died is submitted again (its unfinished work only)."""


def node_info() -> NodeInfo:
    """This node: host name, hardware and a short fingerprint of what sets its speed."""
    from bench.run.environment import hardware

    hw = hardware()
    key = f"{hw.cpu_model}|{hw.cpu_cores_logical}|{hw.ram_total_gib}|{','.join(hw.gpus)}"
    node_id = None
    try:
        import ray

        node_id = ray.get_runtime_context().get_node_id()
    except Exception:  # noqa: BLE001 - outside Ray (tests): no id
        pass
    return NodeInfo(
        hostname=socket.gethostname(),
        fingerprint=hashlib.sha256(key.encode()).hexdigest()[:12],
        hardware=hw,
        node_id=node_id,
    )


def unit_on_node(job_json: str) -> Iterator[dict]:
    """Run one unit on this node into a temporary folder; yield its records as payloads."""
    from bench.run.executors.local import iter_worker

    job = Job.model_validate_json(job_json)
    tmp = Path(tempfile.mkdtemp(prefix="slm-bench-unit-"))
    try:
        store = RunStore(tmp / job.run_dir)  # the job's run_dir holds the run id
        store.root.mkdir(parents=True)  # the store never creates a run folder by itself
        job = job.model_copy(update={"run_dir": str(store.root)})
        name = job.model.name
        node = node_info()
        yield {"kind": "node", "node": node.model_dump(mode="json")}
        start = time.perf_counter()
        for cell in iter_worker(store, job, die_with_parent=True, statuses=True):
            if isinstance(cell, Status):  # the driver shows it beside its cell bar
                cell.node = node.hostname
                yield {"kind": "progress", "status": asdict(cell)}
                continue
            samples = store.samples_path(name, cell.task)
            text = samples.read_text(encoding="utf-8") if samples.exists() else None
            yield {"kind": "cell", "task": cell.task, "cell": cell.model_dump_json(),
                   "samples": text}  # fmt: skip
        if job.run_perf and store.perf_path(name).exists():
            yield {"kind": "perf", "perf": store.perf_path(name).read_text(encoding="utf-8")}
        log = store.log_path(name)
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        yield {"kind": "log", "model": name, "text": text,
               "process_seconds": time.perf_counter() - start}  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class RayExecutor:
    """Units as Ray tasks on the cluster at `address` (None: start a local Ray)."""

    name = "ray"

    def __init__(self, address: str | None = None, pack: bool = False, retries: int = RETRIES):
        self.address, self.pack, self.retries = address, pack, retries

    def _connect(self):
        try:
            import ray
        except ImportError as exc:
            raise UserError(
                "--executor ray needs Ray: pip install 'slm-bench[ray]' (or 'ray>=2.40')"
            ) from exc
        if ray.is_initialized():
            return ray, False
        quiet = {"log_to_driver": False, "include_dashboard": False}
        try:
            if self.address:
                quiet.pop("include_dashboard")
                ray.init(address=self.address, **quiet)
            else:  # a local Ray: one slot, so one model at a time unless --pack
                ray.init(resources={SLOT: 1}, **quiet)
        except Exception as exc:  # noqa: BLE001 - connection problems end in one line
            where = self.address or "a local Ray"
            raise UserError(f"cannot start or reach Ray at {where}: {one_line(exc)}") from exc
        return ray, True

    def run(
        self, units: list[Unit], store: RunStore, config: RunConfig, on_cell: OnCell = None
    ) -> dict[str, float]:
        # A unit left with only load sweeps to redo has nothing for Ray: it brings none back.
        units = [u for u in units if u.tasks or u.run_perf]
        ray, started = self._connect()
        try:
            nodes = [Node.from_ray(n) for n in ray.nodes() if n.get("Alive")]
            has_gpus = any(n.gpus for n in nodes)
            needs = {u.spec.name: estimate(u.spec, has_gpus, not self.pack) for u in units}
            check_fits(needs, nodes)
            remote = ray.remote(unit_on_node)
            inflight: set = set()

            def submit(unit: Unit) -> Iterator[dict]:
                job = Job(run_dir=store.run_id, model=unit.spec, tasks=unit.tasks,
                          config=config, run_perf=unit.run_perf)  # fmt: skip
                options = needs[unit.spec.name].ray_options()
                gen = remote.options(**options, max_retries=0).remote(job.model_dump_json())
                inflight.add(gen)
                try:
                    for ref in gen:
                        yield ray.get(ref)
                except (ray.exceptions.RayTaskError, ray.exceptions.TaskCancelledError):
                    raise
                except ray.exceptions.RayError as exc:  # the node or its worker died
                    raise NodeLost(one_line(exc)) from exc
                finally:
                    inflight.discard(gen)

            def cancel() -> None:
                for gen in list(inflight):
                    # The task closes its generator, which ends the model process.
                    with contextlib.suppress(Exception):  # best effort on the way out
                        ray.cancel(gen)

            start = time.perf_counter()
            overheads = drive(units, submit, store, config, on_cell, self.pack, self.retries,
                              cancel)  # fmt: skip
            phase = f"ray: {len(units)} unit(s) on {len(nodes)} node(s)"
            return {phase: time.perf_counter() - start,
                    **{f"ray overhead · model {m}": s for m, s in overheads.items()}}  # fmt: skip
        finally:
            if started:
                ray.shutdown()
