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
