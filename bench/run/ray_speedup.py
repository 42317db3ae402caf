"""How much a second node helps: the same matrix on 1 and on 2 one-core Ray nodes, one run.

A simulated cluster (`ray.cluster_utils.Cluster`) on this machine, so both figures share
the machine and its load; prints the wall times, their ratio (the speed-up) and Ray's
overhead per unit (a unit's time on the driver less its model process's own: placement,
worker start, transfers), measured on the run with a node per unit, where nothing queues.

    python -m bench.run.ray_speedup [--suite quick] [--models a,b] [--limit N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.run.config import RunConfig
from bench.run.executors.ray_cluster import RayExecutor
from bench.run.executors.resources import SLOT
from bench.run.runner import run_matrix, start_run
from bench.taskkit.suites import resolve_suite


def timed_run(nodes: int, config: RunConfig) -> tuple[float, dict[str, float], bool]:
    """Wall seconds, phase timings and success of one run on `nodes` one-core nodes."""
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
    try:
        for _ in range(nodes):
            cluster.add_node(num_cpus=1, resources={SLOT: 1})
        cluster.wait_for_nodes()
        store, _ = start_run(config, command=[f"ray_speedup nodes={nodes}"])
        start = time.perf_counter()
        outcome = run_matrix(store, config, executor=RayExecutor(address=cluster.address))
        return time.perf_counter() - start, outcome.phase_seconds, outcome.ok
    finally:
        cluster.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="quick")
    parser.add_argument("--models", default="smollm2-135m-instruct,gemma3-270m")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    tasks, limit = resolve_suite(args.suite)
    with tempfile.TemporaryDirectory(prefix="slm-bench-speedup-") as tmp:
        config = RunConfig.from_options(
            models=args.models.split(","), tasks=tasks, limit=args.limit or limit,
            results_dir=Path(tmp),
        )  # fmt: skip
        one, _, ok1 = timed_run(1, config)
        two, phases, ok2 = timed_run(2, config)
    overheads = [v for k, v in phases.items() if k.startswith("ray overhead")]
    print(f"suite {args.suite}, models {args.models}, {len(tasks)} tasks"
          f"{f', limit {args.limit or limit}' if args.limit or limit else ''}")  # fmt: skip
    print(f"1 one-core node:  {one:7.1f} s{'' if ok1 else ' (some cells failed)'}")
    print(f"2 one-core nodes: {two:7.1f} s{'' if ok2 else ' (some cells failed)'}")
    print(f"speed-up: {one / two:.2f}x")
    if overheads:
        per_unit = ", ".join(f"{v:.1f}" for v in overheads)
        print(f"Ray overhead per unit (2 nodes): {per_unit} s")
    return 0 if ok1 and ok2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
