"""The shared-context path on a real model: lm-eval's float32 answers, sample for sample.

Float32 is what `dtype: auto` picks on CPUs without native bfloat16 (AVX2 only); there the
HF backend scores each multiple-choice context once. The cells must equal lm-eval's own
`hf` model in float32 on the same samples, metrics and every sample's scores.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.catalogue.specs import load_catalogue
from bench.catalogue.weights import local_folder
from bench.results.records import Metric, Phase
from bench.results.store import open_run
from bench.run.probe import SCORING_PROVENANCE

from .conftest import assert_equals_reference, lm_eval_reference, run_cli

pytestmark = pytest.mark.e2e

MODEL = "smollm2-135m-instruct@hf-fp32"
TASKS = ["citizen_requests_de", "request_urgency_en"]  # 8 and 3 options
LIMIT = 4


def test_float32_shared_context_cells_equal_lm_eval_sample_for_sample(tmp_path):
    run = run_cli("run", "--models", MODEL, "--tasks", ",".join(TASKS), "--limit", str(LIMIT),
                  "--results-dir", str(tmp_path), "--no-report")  # fmt: skip
    assert run.returncode == 0, run.stderr
    run_dir = Path(next(ln for ln in run.stdout.splitlines() if ln.startswith("results: "))[9:])
    log = (run_dir / "logs" / f"{MODEL}.log").read_text()
    info = json.loads(log.split("[slm-bench] loaded in ", 1)[1].split(": ", 1)[1].splitlines()[0])
    assert (info["dtype"], info["scoring"]) == ("float32", "shared-context")
    spec = load_catalogue().get(MODEL)
    results = lm_eval_reference(local_folder(spec), "float32", TASKS, LIMIT, spec.batch_size,
                                spec.context_length)  # fmt: skip
    store = open_run(run_dir)
    assert_equals_reference(store, MODEL, TASKS, results)
    # The request figures come from the scoring's own one-document calls, for every document.
    e2e = store.read_cell(MODEL, TASKS[0]).measurement(Metric.E2E, Phase.REQUEST)
    assert e2e.provenance == SCORING_PROVENANCE and e2e.n == LIMIT
