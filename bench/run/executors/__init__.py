"""Where the matrix runs: executors take units of work (one model, its pending tasks).

`local` runs each unit in a fresh process on this machine, one after the other (the default).
`ray` runs the same units on a Ray cluster and writes what comes back into the same run
folder. Both produce the same records; `import bench` never imports ray.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bench.catalogue.specs import ModelSpec
from bench.errors import UserError
from bench.results.store import RunStore
from bench.run.config import RunConfig

OnCell = Callable[..., None] | None
"""Called with each finished CellResult (the runner's progress callback)."""


@dataclass(frozen=True)
class Unit:
    """One model with the tasks it still has to run; loading dominates, so it loads once."""

    spec: ModelSpec
    tasks: list[str]
    run_perf: bool = False
    """Run the latency / throughput scenario (config.perf) after the tasks."""
    load_tasks: tuple[str, ...] = ()
    """Tasks whose cell is ok but whose load sweep is missing or failed: the sweep alone runs
    again (local executor; the Ray executor brings no load sweep back)."""

    def rest(self, done: set[str], perf_done: bool) -> Unit:
        """The same unit without the tasks in `done` (and without the scenario if done)."""
        tasks = [t for t in self.tasks if t not in done]
        return Unit(self.spec, tasks, self.run_perf and not perf_done, self.load_tasks)


class Executor(Protocol):
    """Runs units and writes every cell into the run folder (ok, error or skipped)."""

    name: str

    def run(
        self, units: list[Unit], store: RunStore, config: RunConfig, on_cell: OnCell = None
    ) -> dict[str, float]:
        """Run every unit; return phase timings (seconds by phase name)."""
        ...


EXECUTORS = ("local", "ray")


def get_executor(name: str = "local", address: str | None = None, pack: bool = False) -> Executor:
    """The executor called `name`; ray options are refused for `local`."""
    if name == "local":
        if address or pack:
            raise UserError("--ray-address and --pack need --executor ray")
        from bench.run.executors.local import LocalExecutor

        return LocalExecutor()
    if name == "ray":
        from bench.run.executors.ray_cluster import RayExecutor

        return RayExecutor(address=address, pack=pack)
    raise UserError(f"unknown executor '{name}'; choose one of: {', '.join(EXECUTORS)}")


__all__ = ["EXECUTORS", "Executor", "OnCell", "Unit", "get_executor"]
