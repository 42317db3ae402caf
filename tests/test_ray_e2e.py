"""The Ray executor end to end: a simulated two-node cluster on this machine, a real model.

Skipped when ray is not installed (it is the optional extra `slm-bench[ray]`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_cli

ray = pytest.importorskip("ray")
cluster_utils = pytest.importorskip("ray.cluster_utils")

pytestmark = pytest.mark.e2e

MODEL, TASK = "smollm2-135m-instruct", "citizen_requests_de"
MATRIX = ("--models", MODEL, "--tasks", TASK, "--limit", "2", "--no-report")


def _run_dir(stdout: str) -> Path:
    line = next(ln for ln in stdout.splitlines() if ln.startswith("results: "))
    return Path(line.removeprefix("results: "))


def _samples(run_dir: Path) -> list[tuple]:
    path = run_dir / "samples" / MODEL / f"{TASK}.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return [(r["doc_id"], r["doc_hash"], r["prediction"], r["scores"]) for r in rows]


@pytest.fixture(scope="module")
def cluster():
    from bench.run.executors.resources import SLOT

    c = cluster_utils.Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
    for _ in range(2):
        c.add_node(num_cpus=1, resources={SLOT: 1})
    c.wait_for_nodes()
    yield c
    c.shutdown()


def test_ray_run_equals_local_run_sample_for_sample(cluster, tmp_path):
    local = run_cli("run", *MATRIX, "--results-dir", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    remote = run_cli("run", *MATRIX, "--results-dir", str(tmp_path / "ray"),
                     "--executor", "ray", "--ray-address", cluster.address)  # fmt: skip
    assert remote.returncode == 0, remote.stderr + remote.stdout
    local_dir, ray_dir = _run_dir(local.stdout), _run_dir(remote.stdout)
    assert _samples(ray_dir) == _samples(local_dir) and len(_samples(ray_dir)) == 2
    cell = json.loads((ray_dir / "cells" / MODEL / f"{TASK}.json").read_text())
    local_cell = json.loads((local_dir / "cells" / MODEL / f"{TASK}.json").read_text())
    assert cell["status"] == "ok" and cell["metrics"] == local_cell["metrics"]
    assert cell["contended"] is False and cell["node"]["node_id"]  # ran alone, on a named node
    assert "node" not in local_cell  # local runs keep the record as it was
    assert "output on node" in (ray_dir / "logs" / f"{MODEL}.log").read_text()


def _workers() -> list:
    """Model processes started for Ray units on this machine (their job lies in a unit folder)."""
    import psutil

    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "bench.run.worker" in cmd and "slm-bench-unit-" in cmd:
            found.append(proc)
    return found


def test_a_node_removed_mid_run_has_its_cells_completed_elsewhere(cluster, tmp_path):
    from bench.run.config import RunConfig
    from bench.run.executors.ray_cluster import RayExecutor
    from bench.run.executors.resources import SLOT
    from bench.run.runner import run_matrix, start_run

    tasks = [TASK, "citizen_requests_en"]
    config = RunConfig.from_options(models=[MODEL], tasks=tasks, limit=2,
                                    results_dir=tmp_path, request_probe=0)  # fmt: skip
    store, _ = start_run(config, command=["test"])
    removed = []

    def on_cell(cell, skipped=0):
        if cell is None or removed:
            return
        node = next(n for n in cluster.worker_nodes if n.node_id == cell.node.node_id)
        cluster.remove_node(node, allow_graceful=False)  # the unit's second task dies with it
        removed.append(node.node_id)

    try:
        outcome = run_matrix(store, config, progress=on_cell,
                             executor=RayExecutor(address=cluster.address))  # fmt: skip
    finally:  # the next tests get their two nodes back
        cluster.add_node(num_cpus=1, resources={SLOT: 1})
        cluster.wait_for_nodes()
    cells = {c.task: c for c in outcome.cells}
    assert removed and all(c.status == "ok" for c in cells.values()), cells
    assert cells[TASK].node.node_id == removed[0]  # the finished cell was kept
    assert cells["citizen_requests_en"].node.node_id != removed[0]  # redone on the other node


def test_ctrl_c_on_the_driver_leaves_no_model_process(cluster, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from .conftest import REPO

    cmd = [sys.executable, "-m", "bench", "run", *MATRIX, "--results-dir", str(tmp_path),
           "--executor", "ray", "--ray-address", cluster.address]  # fmt: skip
    driver = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=os.environ.copy())  # fmt: skip
    deadline = time.time() + 300
    while not _workers() and time.time() < deadline and driver.poll() is None:
        time.sleep(0.5)
    assert _workers(), "no model process started on the cluster"
    driver.send_signal(signal.SIGINT)
    out, _ = driver.communicate(timeout=120)
    assert driver.returncode != 0
    assert "--resume" in out
    deadline = time.time() + 60  # Ray cancels the unit; its process ends with it
    while _workers() and time.time() < deadline:
        time.sleep(0.5)
    assert not _workers(), [p.cmdline() for p in _workers()]
