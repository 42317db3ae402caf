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
