"""Bad input ends in one clear line and exit code 2, never a traceback; listings work."""

import pytest


def _one_line_error(result, pattern: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert any(pattern in ln for ln in lines), result.stderr


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["run", "--models", "smollm2-135m"], "did you mean smollm2-135m-instruct"),
        (["run", "--tasks", "citizen_request_de"], "did you mean citizen_requests_de"),
        (["run", "--limit", "0"], "positive number"),
        (["run", "--limit", "-3"], "positive number"),
        (["run", "--limit", "ten"], "whole number"),
        (["run", "--models", "llama-3.2-1b-instruct"], "huggingface-cli download"),
        (["run", "--models", "gpt-4o-mini"], "OPENAI_API_KEY"),
        (["run", "--models", "smollm2-135m-instruct@vlm"], "did you mean vllm"),
        (["run", "--models", "gpt-4o-mini@vllm"], "cannot run on 'vllm'"),
        (["run", "--engine", "max_model_len"], "KEY=VALUE"),
        (["report", "/nonexistent/run"], "not a run folder"),
    ],
)
def test_bad_input_is_one_line(cli, args, pattern):
    _one_line_error(cli(*args), pattern)


def test_unwritable_results_dir_fails_before_loading(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = cli("run", "--limit", "1", "--results-dir", str(blocker / "results"))
    _one_line_error(result, "cannot write results")


def test_malformed_catalogue_names_the_file(cli, tmp_path):
    bad = tmp_path / "models.yaml"
    bad.write_text("models: [\n")
    _one_line_error(cli("run", "--catalogue", str(bad)), "malformed YAML in")


def test_models_list_shows_catalogue(cli):
    result = cli("models", "list")
    assert result.returncode == 0
    assert "smollm2-135m-instruct" in result.stdout and "gpt-4o-mini" in result.stdout
    assert "remote" in result.stdout


def test_tasks_list_shows_bundled_tasks(cli):
    result = cli("tasks", "list")
    assert result.returncode == 0
    for name in ["citizen_requests_de", "short_answers_en"]:
        assert name in result.stdout


def test_help_lists_commands(cli):
    out = cli("--help").stdout
    for word in ["run", "report", "models", "tasks"]:
        assert word in out


def test_import_bench_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, bench, bench.cli, bench.catalogue.specs, bench.results.records, "
        "bench.run.runner; "
        "heavy = [m for m in ('torch', 'transformers', 'vllm', 'lm_eval') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
