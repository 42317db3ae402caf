"""llama.cpp end to end on the embedded GGUF files (when `make setup-llamacpp` installed it).

CI does not compile llama.cpp (about 10 minutes on 2 cores); these tests skip there.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from bench.results.records import Metric
from bench.results.store import open_run

from .conftest import REPO

pytestmark = pytest.mark.e2e

if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip("llama-cpp-python is not installed (make setup-llamacpp)", allow_module_level=True)


def test_gguf_runs_natively_with_the_same_prompts_as_hf(tmp_path):
    cfg = tmp_path / "perf.yaml"
    cfg.write_text("input_tokens: [64]\noutput_tokens: [8]\nbatch_sizes: [1, 2]\n"
                   "batch_input_tokens: 32\nbatch_output_tokens: 8\nrepetitions: 3\n"
                   "idle_seconds: 0\n")  # fmt: skip
    models = "gemma3-270m,gemma3-270m@llamacpp"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--models", models, "--tasks",
         "citizen_requests_de,short_answers_en", "--limit", "6", "--perf-config", str(cfg),
         "--results-dir", str(tmp_path / "results"), "--reports-dir", str(tmp_path / "reports")],
        cwd=REPO, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (run,) = (tmp_path / "results").iterdir()
    store = open_run(run)
    spec = next(s for s in store.read_info().model_specs if s.backend == "llamacpp")
    assert spec.quantization == "gguf-q4_k_m"
    for task in ("citizen_requests_de", "short_answers_en"):
        hf, cpp = store.read_cell("gemma3-270m", task), store.read_cell(spec.name, task)
        assert cpp.status == "ok"
        # Same prompts, same tokens (Gemma's <bos> included): only the kernels differ.
        assert (
            hf.measurement(Metric.INPUT_TOKENS).value == cpp.measurement(Metric.INPUT_TOKENS).value
        )
    rows = [json.loads(x) for x in (run / "samples" / spec.name / "short_answers_en.jsonl")
            .read_text().splitlines()]  # fmt: skip
    assert all(r["prediction"].strip() for r in rows)  # greedy answers, not empty
    perf = store.read_perf(spec.name)
    assert perf.status == "ok", perf.error
    ttft, e2e = (
        perf.find(Metric.TTFT, input_tokens=64, output_tokens=8),
        perf.find(Metric.E2E, input_tokens=64, output_tokens=8),
    )
    assert ttft.n == 3 and 0 < ttft.value < e2e.value
    assert perf.find(Metric.ITL, input_tokens=64, output_tokens=8).n == 3 * 7
