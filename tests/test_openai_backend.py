"""The OpenAI-compatible backend against a stand-in server that injects faults.

Accuracy through a real server is tested with `vllm serve` in test_vllm.py; here the server
is fake so that 401s, 429 storms and dead endpoints can be produced on demand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench.backends.server import ManagedServer, free_port

FAKE = str(Path(__file__).with_name("fake_openai_server.py"))
KEY = "sk-test-SECRET-4711"


@pytest.fixture
def fake_api(tmp_path):
    """Start the fake server with extra flags; yields a function returning its catalogue."""
    servers = []

    def start(*flags: str, port: int | None = None) -> Path:
        port = port or free_port()
        if not flags or "--none" not in flags:
            cmd = [sys.executable, FAKE, str(port), "--key", KEY, *flags]
            servers.append(ManagedServer(cmd, port, tmp_path / f"fake-{port}.log").start())
        catalogue = tmp_path / "catalogue.yaml"
        catalogue.write_text(f"""
models:
  - name: fake-api
    family: fake
    params_b: null
    backend: openai
    source: {{kind: api, base_url: "http://127.0.0.1:{port}/v1", model_id: fake,
              api_key_env: SLM_TEST_KEY, max_retries: 3, timeout_s: 10, concurrency: 2}}
    context_length: 8192
    chat: true
    price: {{input_per_1m_tokens: 0.15, output_per_1m_tokens: 0.60, as_of: 2024-07}}
""")
        return catalogue

    yield start
    for server in servers:
        server.stop()


def _run(cli, tmp_path, catalogue, tasks, key=KEY):
    return cli(
        "run", "--models", "fake-api", "--tasks", tasks, "--limit", "3", "--no-perf",
        "--catalogue", str(catalogue), "--results-dir", str(tmp_path / "results"),
        "--reports-dir", str(tmp_path / "reports"), env={"SLM_TEST_KEY": key},
    )  # fmt: skip


def _cell(tmp_path, task):
    (run,) = (tmp_path / "results").iterdir()
    return json.loads((run / "cells" / "fake-api" / f"{task}.json").read_text())


def test_api_run_counts_tokens_and_cost_and_never_stores_the_key(cli, tmp_path, fake_api):
    catalogue = fake_api("--fail-first", "2", "--status", "429")  # a short 429 storm
    result = _run(cli, tmp_path, catalogue, "citizen_requests_gen_de,citizen_requests_de")
    assert result.returncode == 0, result.stderr
    gen = _cell(tmp_path, "citizen_requests_gen_de")
    assert gen["status"] == "ok"
    m = {x["metric"]: x for x in gen["measurements"] if x["phase"] == "task"}
    assert m["input_tokens"]["value"] == 300 and m["output_tokens"]["value"] == 6
    assert m["input_tokens"]["provenance"] == "reported:server-usage"
    assert m["api_cost"]["value"] == pytest.approx((300 * 0.15 + 6 * 0.60) / 1e6)
    (run,) = (tmp_path / "results").iterdir()
    sample = json.loads(
        (run / "samples" / "fake-api" / "citizen_requests_gen_de.jsonl").read_text().splitlines()[0]
    )
    assert sample["prediction"] == "Abfall" and sample["input_tokens"] is None  # no tokenizer
    mc = _cell(tmp_path, "citizen_requests_de")
    assert mc["status"] == "skipped" and "log-probabilities" in mc["error"]
    for path in tmp_path.rglob("*"):
        # Only the fake server's own log (key on its command line) is exempt; the model's
        # log, logs/fake-api.log, is not.
        if path.is_file() and path.parent != tmp_path:
            assert KEY not in path.read_text(errors="replace"), f"API key written to {path}"


def test_rejected_key_is_one_clear_error_per_cell(cli, tmp_path, fake_api):
    catalogue = fake_api()
    result = _run(cli, tmp_path, catalogue, "citizen_requests_gen_de", key="wrong")
    assert result.returncode == 1
    assert "refused the API key (HTTP 401)" in _cell(tmp_path, "citizen_requests_gen_de")["error"]


def test_unreachable_api_is_one_clear_error(cli, tmp_path, fake_api):
    catalogue = fake_api("--none")
    result = _run(cli, tmp_path, catalogue, "citizen_requests_gen_de")
    assert result.returncode == 1
    assert "cannot reach http://127.0.0.1:" in _cell(tmp_path, "citizen_requests_gen_de")["error"]


def test_server_errors_end_the_cell_and_the_run_goes_on(cli, tmp_path, fake_api):
    catalogue = fake_api("--fail-first", "100000", "--status", "500")
    result = _run(cli, tmp_path, catalogue, "citizen_requests_gen_de,short_answers_de")
    assert result.returncode == 1
    for task in ("citizen_requests_gen_de", "short_answers_de"):
        cell = _cell(tmp_path, task)
        assert cell["status"] == "error" and "500" in cell["error"], cell["error"]
