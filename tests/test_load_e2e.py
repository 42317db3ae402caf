"""The load sweep end to end: the real `@vllm-server` of the embedded SmolLM2 under
`vllm bench serve`, a short sweep (about 2 minutes after the server is up).

Skips where vLLM is missing, unless SLM_BENCH_REQUIRE_VLLM=1 (as in tests/test_vllm.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.results.store import open_run

from .conftest import REPO, skip_without_vllm

pytestmark = pytest.mark.e2e

skip_without_vllm()

MODEL = "smollm2-135m-instruct@vllm-server"
TASK = "citizen_requests_gen_en"
SLO_S = 3.0
# Rates past what a 2-core AVX2 CPU serves (about 1 request/s), so saturation shows quickly
# there: at 16/s the queue makes p95 exceed 3 × the serial p95. One concurrency level (2).
SWEEP = f"slo_s: {SLO_S}\nrates: [1, 4, 16]\nseconds_per_step: 3\nmin_requests: 6\n" \
        "serial_requests: 4\nmax_p95_factor: 3\nconcurrencies: [2]\n"  # fmt: skip


def test_a_short_sweep_finds_saturation_and_keeps_consistent_rows(tmp_path):
    cfg = tmp_path / "load.yaml"
    cfg.write_text(SWEEP)
    result = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--models", MODEL, "--tasks", TASK,
         "--limit", "6", "--request-probe", "0", "--no-perf", "--load", "--load-config",
         str(cfg), "--results-dir", str(tmp_path / "results"), "--no-report"],
        cwd=REPO, capture_output=True, text=True, timeout=1500,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (run,) = (tmp_path / "results").iterdir()
    store = open_run(run)
    load = store.read_load(MODEL, TASK)
    assert load.status == "ok", load.error
    assert load.tool.startswith("vllm bench serve (vllm")
    offered = [s.offered_rps for s in load.steps]
    assert offered == sorted(offered) and len(set(offered)) == len(offered)
    # A slow CPU saturates within these rates; a fast one (AVX-512 BF16/AMX: about 7 requests/s
    # at 16/s offered) may serve them all: then the sweep must have gone to its last rate and
    # capacity is only a lower bound. Either way no earlier step may claim saturation.
    last = load.steps[-1]
    assert last.saturated or last.offered_rps == 16.0, "stopped early without saturation"
    assert all(s.saturated is None for s in load.steps[:-1])
    (level,) = load.concurrency_steps
    assert level.offered_rps is None and level.max_concurrency == 2
    for step in [load.serial, *load.steps, level]:
        rows = [json.loads(line) for line in (store.root / step.rows_file).read_text().splitlines()]
        assert len(rows) == step.requests and sum(r["ok"] for r in rows) == step.completed
        # the tool's goodput (requests/s within the SLO) agrees with the stored latencies
        within = sum(1 for r in rows if r["ok"] and r["e2e"] <= SLO_S)
        assert step.goodput_rps * step.duration_s == pytest.approx(within, abs=1e-6)
        e2e = next(m for m in step.measurements if m.metric == "e2e")
        assert e2e.n == step.completed
        assert step.accuracy is not None and step.accuracy.paired_n > 0
    assert load.serial.accuracy.reference == "lm-eval"
    assert {s.accuracy.reference for s in [*load.steps, level]} == {"serial"}
    assert Path(store.root / load.serial.rows_file).parent == store.load_rows_dir(MODEL, TASK)
