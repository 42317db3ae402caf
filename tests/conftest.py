"""Shared fixtures. End-to-end tests use the real embedded models through the real backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str, cwd: Path | None = None, timeout: int = 900, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run `slm-bench ARGS` as a user would, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def cli():
    return run_cli


def lm_eval_reference(folder: Path, dtype: str, tasks: list[str], limit: int, batch_size,
                      max_length: int) -> dict:  # fmt: skip
    """lm-eval's own `hf` model on our tasks: the reference our cells must equal."""
    import torch
    from lm_eval import simple_evaluate
    from lm_eval.tasks import TaskManager

    return simple_evaluate(
        model="hf",
        model_args={
            "pretrained": str(folder),
            "dtype": dtype,
            "batch_size": batch_size,
            "max_length": max_length,
            "device": "cuda" if torch.cuda.is_available() else "cpu",
        },
        tasks=tasks,
        limit=limit,
        apply_chat_template=True,
        task_manager=TaskManager(include_path=str(REPO / "tasks")),
        random_seed=1234,
        numpy_random_seed=1234,
        torch_random_seed=1234,
        fewshot_random_seed=1234,
        bootstrap_iters=0,
    )


def assert_equals_reference(store, model: str, tasks: list[str], results: dict) -> None:
    """Every metric and every sample's scores of `model`'s cells equal lm-eval's `results`."""
    for task in tasks:
        cell = store.read_cell(model, task)
        for metric in cell.metrics:
            key = f"{metric.name},{metric.filter}"
            assert metric.value == pytest.approx(results["results"][task][key], abs=1e-9), key
        ours = [s.scores for s in store.samples(model, task)]
        theirs = sorted(results["samples"][task], key=lambda s: s["doc_id"])
        assert [{m: float(s[m]) for m in ours[0]} for s in theirs] == ours, task


def skip_without_vllm() -> None:
    """Skip the calling test module where vLLM is missing — unless SLM_BENCH_REQUIRE_VLLM=1
    (set by .ci/run), where a missing vLLM is a failure."""
    import importlib.util

    if importlib.util.find_spec("vllm") is None:
        if os.environ.get("SLM_BENCH_REQUIRE_VLLM") == "1":
            raise RuntimeError(
                "vLLM is not installed, but SLM_BENCH_REQUIRE_VLLM=1: run make setup"
            )
        pytest.skip("vLLM is not installed", allow_module_level=True)
