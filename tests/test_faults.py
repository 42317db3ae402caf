"""Faults a hostile or clumsy user, a flaky API or a broken disk produce: each ends in one
clear line (exit 2) or a recorded error, never a traceback, a leaked secret or a lost cell.

API faults run against the loopback fake server (tests/fake_openai_server.py); pure logic
runs on fakes; nothing here loads a model.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # test_regress helpers

from bench.backends.server import ManagedServer, free_port

FAKE = str(Path(__file__).with_name("fake_openai_server.py"))
KEY = "sk-fault-SECRET-0815"


def _no_traceback(result) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


# --- secrets -------------------------------------------------------------------------------


@pytest.fixture
def api(tmp_path):
    """Start the fake server with its flags and an API catalogue entry pointing at it."""
    servers = []

    def start(*flags: str, timeout_s: float = 10, max_retries: int = 1) -> Path:
        port = free_port()
        cmd = [sys.executable, FAKE, str(port), "--key", KEY, *flags]
        log = tmp_path / "server" / "fake.log"  # holds the key on its command line
        log.parent.mkdir(exist_ok=True)
        servers.append(ManagedServer(cmd, port, log).start())
        catalogue = tmp_path / "catalogue.yaml"
        catalogue.write_text(f"""
models:
  - name: fault-api
    family: fake
    params_b: null
    backend: openai
    source: {{kind: api, base_url: "http://127.0.0.1:{port}/v1", model_id: fake,
              api_key_env: SLM_FAULT_KEY, max_retries: {max_retries}, timeout_s: {timeout_s},
              concurrency: 4}}
    context_length: 8192
    chat: true
""")
        return catalogue

    yield start
    for server in servers:
        server.stop()


def _api_run(cli, tmp_path, catalogue, limit="4", tasks="citizen_requests_gen_de"):
    return cli(
        "run", "--models", "fault-api", "--tasks", tasks, "--limit", limit, "--no-perf",
        "--catalogue", str(catalogue), "--results-dir", str(tmp_path / "results"),
        "--reports-dir", str(tmp_path / "reports"), env={"SLM_FAULT_KEY": KEY},
    )  # fmt: skip


def _leaks(tmp_path: Path) -> list[Path]:
    """Every file under the run and report folders holding the key, byte for byte."""
    roots = [tmp_path / "results", tmp_path / "reports"]
    files = [p for root in roots for p in root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files)  # the model's log was written and read
    return [p for p in files if KEY.encode() in p.read_bytes()]


def _cell(tmp_path, task="citizen_requests_gen_de") -> dict:
    (run,) = (tmp_path / "results").iterdir()
    return json.loads((run / "cells" / "fault-api" / f"{task}.json").read_text())


MASKED_HEADER = "'Authorization': 'Bearer ***'"
"""What the log holds where the key leaked before: lm-eval logging aiohttp's request headers."""
RETRIED = "retried"


@pytest.mark.parametrize(
    ("flags", "timeout_s", "status", "logged"),
    [
        (("--fail-first", "100000", "--status", "500"), 10, "error", MASKED_HEADER),  # 5xx
        (("--fail-first", "100000", "--status", "401"), 10, "error", MASKED_HEADER),  # refused
        # Retried: which requests meet the failures depends on timing (on a loaded machine the
        # log may hold none), so these check the masking where a failure was logged.
        (("--fail-first", "3", "--status", "429"), 10, "ok", RETRIED),  # then retried
        (("--fail-first", "2", "--status", "503"), 10, "ok", RETRIED),  # 5xx, retried
        (("--fail-first", "100000", "--status", "200", "--delay", "3"), 0.5, "error", "Timeout"),
        (("--echo-auth",), 10, "ok", None),  # the server sends the key back as the answer
    ],
    ids=["5xx", "401", "429-retry", "5xx-retry", "timeout", "echoed-key"],
)
def test_no_secret_in_any_file_on_api_faults(cli, tmp_path, api, flags, timeout_s, status, logged):
    catalogue = api(*flags, timeout_s=timeout_s)
    result = _api_run(cli, tmp_path, catalogue)
    assert KEY not in result.stdout + result.stderr
    assert _leaks(tmp_path) == []
    assert _cell(tmp_path)["status"] == status, _cell(tmp_path).get("error")
    if timeout_s < 1:  # 0.5 s kept as 0.5 s: the 3 s answers time out instead of arriving
        assert "Timeout" in _cell(tmp_path)["error"]
    (log,) = (tmp_path / "results").glob("*/logs/fault-api.log")
    if logged == RETRIED:
        logged = MASKED_HEADER if "API request failed" in log.read_text() else None
    if logged:  # the path that leaked was taken, and scrubbed: the test is not vacuous
        assert logged in log.read_text(), log.read_text()[-2000:]
    if "--echo-auth" in flags:  # the echoed key reached the samples masked, not raw
        (samples,) = (tmp_path / "results").glob("*/samples/fault-api/*.jsonl")
        assert "Bearer ***" in samples.read_text()


def test_max_retries_means_retries(cli, tmp_path, api):
    catalogue = api("--fail-first", "100000", "--status", "500", max_retries=2)
    _api_run(cli, tmp_path, catalogue, limit="1")
    requests = (tmp_path / "server" / "fake.log").read_text().count("completion request")
    assert requests == 3  # 1 request + 2 retries


def test_redaction_covers_records_handlers_and_streams(capsys):
    from bench.run import redact

    redact.add_secrets(["sk-unit-SECRET-1"])
    assert redact.scrub("key sk-unit-SECRET-1 here") == "key *** here"
    headers = "{'Authorization': 'Bearer abc.def', 'api-key': 'xyz123', 'X-Api-Key': 'q'}"
    assert "abc.def" not in redact.scrub(headers) and "xyz123" not in redact.scrub(headers)
    assert "Authorization: Bearer ***" in redact.scrub("Authorization: Bearer abcdef")
    record = logging.LogRecord("x", logging.ERROR, "f", 1, "got %s", ("sk-unit-SECRET-1",), None)
    assert redact.redact_record(record).getMessage() == "got ***"
    stream = redact.RedactingStream(sys.stdout)
    stream.write("Bearer sk-unit-SECRET-1\n")
    assert "SECRET" not in capsys.readouterr().out
    # Records keep their data (no header guessing) but never a known key.
    assert redact.mask("api_key: abc sk-unit-SECRET-1") == "api_key: abc ***"


def test_records_never_hold_a_known_key(tmp_path):
    from bench.results.store import atomic_write_text
    from bench.run import redact

    redact.add_secrets(["sk-unit-SECRET-2"])
    atomic_write_text(tmp_path / "r.jsonl", '{"prediction": "Bearer sk-unit-SECRET-2"}\n')
    assert (tmp_path / "r.jsonl").read_text() == '{"prediction": "Bearer ***"}\n'


# --- names that become paths ---------------------------------------------------------------

ENTRY = """
models:
  - name: {name}
    family: fake
    params_b: 1.0
    backend: openai
    source: {{kind: api, base_url: "http://127.0.0.1:9/v1", model_id: fake}}
    context_length: 8192
    chat: true
    price: {{input_per_1m_tokens: {price}, output_per_1m_tokens: 1.0, as_of: {as_of}}}
"""


def _catalogue(tmp_path, name="ok-model", price="0.5", as_of="2024-07") -> Path:
    path = tmp_path / "cat.yaml"
    path.write_text(ENTRY.format(name=name, price=price, as_of=as_of))
    return path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--models", "../../escaped-model"], "model name '../../escaped-model' may hold only"),
        (["--models", "sub/dir-model"], "model name 'sub/dir-model' may hold only"),
        (["--tasks", "../x"], "task name '../x' may hold only"),
        (["--tasks", "citizen_requests_de,a..b"], "task name 'a..b' may hold only"),
        (["--models=-rf"], "model name '-rf' may hold only"),
        (["--models", "a" * 200], "longer than 128 characters"),
    ],
)
def test_names_that_would_escape_the_run_folder_are_one_line(cli, tmp_path, args, expected):
    result = cli("run", *args, "--results-dir", str(tmp_path / "r"), "--no-report")
    assert result.returncode == 2 and expected in result.stderr, result.stderr
    _no_traceback(result)
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"name": "../../escaped-model"}, "may hold only letters"),
        ({"price": "-1"}, "greater than or equal to 0"),
        ({"as_of": "yesterday"}, "as_of must be a date"),
    ],
)
def test_catalogue_entries_are_checked(tmp_path, entry, expected):
    from bench.catalogue.specs import load_catalogue
    from bench.errors import UserError

    with pytest.raises(UserError, match=expected):
        load_catalogue(_catalogue(tmp_path, **entry))
    assert load_catalogue(_catalogue(tmp_path, as_of="2024-07-18")).get("ok-model").price


def test_store_refuses_paths_outside_the_run_folder(tmp_path):
    from bench.errors import UserError
    from bench.results.store import RunStore

    store = RunStore(tmp_path / "run")
    bad = [("../x", "t"), ("m", "../../t"), ("a/b", "t"), ("", "t"), ("m..", "t"), ("m", "/t")]
    for model, task in bad:
        with pytest.raises(UserError):
            store.cell_path(model, task)
    with pytest.raises(UserError):
        store.log_path("..")
    (tmp_path / "run").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "run" / "cells").symlink_to(tmp_path / "outside")  # a link that leads out
    with pytest.raises(UserError, match="outside the run folder"):
        store.cell_path("m", "t")


def test_run_ids_are_checked(tmp_path, cli):
    bad = tmp_path / "bad run$"
    bad.mkdir()
    result = cli("report", str(bad))
    assert result.returncode == 2 and "run id name 'bad run$'" in result.stderr, result.stderr
    _no_traceback(result)


# --- the gate ------------------------------------------------------------------------------


def _gate_snaps(tmp_path, cand_cells):
    from test_regress import _cell, _snap

    base = _snap([_cell(scores={f"h{i}": 1.0 for i in range(40)})])
    cand = _snap(cand_cells(_cell))
    (tmp_path / "base.json").write_text(base.model_dump_json())
    (tmp_path / "cand.json").write_text(cand.model_dump_json())
    return base, cand


def test_gate_fails_a_cell_with_fewer_shared_samples(cli, tmp_path):
    from bench.ci.regress import Thresholds, compare

    # The same answers, but only 30 of the baseline's 40 samples: a truncated run.
    base, cand = _gate_snaps(tmp_path, lambda c: [c(scores={f"h{i}": 1.0 for i in range(30)})])
    [finding] = compare(base, cand, Thresholds()).regressions
    assert finding.quantity == "samples"
    assert "10 of the baseline's 40 samples missing" in finding.detail
    result = cli("compare", str(tmp_path / "base.json"), str(tmp_path / "cand.json"))
    assert result.returncode == 1 and "samples missing" in result.stdout, result.stdout


def test_gate_exits_2_on_a_candidate_without_cells(cli, tmp_path):
    _gate_snaps(tmp_path, lambda c: [])
    result = cli("compare", str(tmp_path / "base.json"), str(tmp_path / "cand.json"))
    assert result.returncode == 2 and "candidate run has no results" in result.stderr
    _no_traceback(result)


def test_gate_fails_errored_and_missing_cells(tmp_path):
    from bench.ci.regress import Thresholds, compare

    base, cand = _gate_snaps(tmp_path, lambda c: [c(status="error", scores={}), c(task="x")])
    reasons = [f.detail for f in compare(base, cand, Thresholds()).regressions]
    assert reasons == ["was ok, now error: None"]


# --- corrupt records -----------------------------------------------------------------------

RUN_V1 = Path(__file__).parent / "fixtures" / "run_v1"
MODEL = "smollm2-135m-instruct"


@pytest.fixture
def run_copy(tmp_path):
    """A copy of a small recorded run under tmp/results/, to damage."""
    import shutil

    run = tmp_path / "results" / "20260101-000000-abcd"
    shutil.copytree(RUN_V1, run)
    return run


CORRUPTIONS = {
    "cell-null": ("cells/{m}/citizen_requests_de.json", "null"),
    "cell-list": ("cells/{m}/citizen_requests_de.json", "[1, 2]"),
    "cell-truncated": ("cells/{m}/citizen_requests_de.json", '{"run_id": "x", "mod'),
    "samples-truncated": ("samples/{m}/citizen_requests_de.jsonl", '{"doc_id": 0, "doc'),
    "run-json-list": ("run.json", "[]"),
}


@pytest.mark.parametrize("damage", sorted(CORRUPTIONS))
@pytest.mark.parametrize("command", ["report", "compare", "baseline"])
def test_unreadable_records_are_one_line_naming_the_file(cli, tmp_path, run_copy, damage, command):
    rel, text = CORRUPTIONS[damage]
    (run_copy / rel.format(m=MODEL)).write_text(text)
    args = {
        "report": ["report", str(run_copy), "--out", str(tmp_path / "r.html"), "--lang", "en"],
        "compare": ["compare", str(run_copy), str(run_copy)],
        "baseline": ["baseline", "save", str(run_copy), "--out", str(tmp_path / "b.json")],
    }[command]
    result = cli(*args)
    assert result.returncode == 2, result.stderr
    _no_traceback(result)
    [line] = result.stderr.strip().splitlines()
    assert Path(rel.format(m=MODEL)).name in line and "unreadable" in line, line


def test_history_lists_unreadable_runs(cli, tmp_path, run_copy):
    import shutil

    bad = run_copy.parent / "20260101-000001-bad0"
    shutil.copytree(run_copy, bad)
    (bad / "samples" / MODEL / "citizen_requests_de.jsonl").write_text('{"trunc')
    out = tmp_path / "history.html"
    result = cli("history", str(run_copy.parent), "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text()
    assert "Runs not read" in page and "20260101-000001-bad0" in page


def test_resume_moves_unreadable_records_aside_and_redoes_them(run_copy, monkeypatch):
    from bench.results.store import RunStore
    from bench.run import runner

    store = RunStore(run_copy)
    cell = store.cell_path(MODEL, "citizen_requests_de")
    samples = store.samples_path(MODEL, "short_answers_de")
    cell.write_text("null")
    samples.write_text('{"doc_id": 0, "tru')
    redone = []

    class Recording:  # an executor that only notes which tasks it was handed
        def run(self, units, store, config, on_cell=None):
            redone.extend(t for unit in units for t in unit.tasks)
            return {}

    _, config = runner.resume_run(run_copy)
    runner.run_matrix(store, config.model_copy(update={"perf": None}), executor=Recording())
    assert sorted(redone) == ["citizen_requests_de", "short_answers_de"]
    assert cell.with_name(cell.name + ".corrupt").read_text() == "null"  # kept, never deleted
    assert samples.with_name(samples.name + ".corrupt").exists()


@pytest.mark.parametrize(
    "target", ["{tmp}", "{tmp}/afile/x.html", "/proc/slm-bench-nope/x.html"], ids=str
)
def test_output_paths_are_checked_before_any_work(cli, tmp_path, run_copy, target):
    (tmp_path / "afile").write_text("")
    out = target.format(tmp=tmp_path)
    for args in (
        ["report", str(run_copy), "--out", out],
        ["compare", str(run_copy), str(run_copy), "--markdown", out],
        ["compare", str(run_copy), str(run_copy), "--junit", out],
        ["history", str(run_copy.parent), "--out", out],
        ["baseline", "save", str(run_copy), "--out", out],
    ):
        result = cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        _no_traceback(result)
        assert len(result.stderr.strip().splitlines()) == 1 and out in result.stderr
        assert result.stdout == ""  # nothing was compared or rendered first


def test_yaml_profiles_that_are_lists_are_one_line(tmp_path):
    from bench.analysis.requirements import load_requirements
    from bench.ci.regress import load_thresholds
    from bench.errors import UserError

    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    for load in (load_thresholds, load_requirements):
        with pytest.raises(UserError, match="got a list"):
            load(path)


HUB_ENTRY = """
models:
  - name: hub-local
    family: fake
    params_b: 0.1
    backend: hf
    source: {{kind: hub, repo_id: "{repo_id}"}}
    context_length: 2048
    chat: true
"""


@pytest.mark.parametrize(
    ("repo_id", "expected"),
    [
        ("{tmp}/no-such-model", "looks like a local folder, but there is no folder at"),
        ("./no-such-model", "looks like a local folder, but there is no folder at"),
        ("bad id!!", "is neither a local folder nor a Hugging Face repo id"),
    ],
)
def test_hub_repo_id_that_is_a_missing_path_is_one_line(cli, tmp_path, repo_id, expected):
    catalogue = tmp_path / "hub.yaml"
    catalogue.write_text(HUB_ENTRY.format(repo_id=repo_id.format(tmp=tmp_path)))
    result = cli("run", "--models", "hub-local", "--catalogue", str(catalogue), "--tasks",
                 "citizen_requests_de", "--results-dir", str(tmp_path / "r"))  # fmt: skip
    assert result.returncode == 2 and expected in result.stderr, result.stderr
    _no_traceback(result)
    assert len(result.stderr.strip().splitlines()) == 1


def test_hub_repo_id_may_be_an_existing_local_folder(tmp_path):
    from bench.catalogue.specs import load_catalogue
    from bench.catalogue.weights import local_folder

    (tmp_path / "saved").mkdir()
    catalogue = tmp_path / "hub.yaml"
    catalogue.write_text(HUB_ENTRY.format(repo_id=tmp_path / "saved"))
    assert local_folder(load_catalogue(catalogue).get("hub-local")) == tmp_path / "saved"


def test_resume_with_a_model_without_its_catalogue_entry_is_one_line(cli, run_copy):
    info = json.loads((run_copy / "run.json").read_text())
    info["models"] = [MODEL, "mystery-model"]  # run.json has no spec for it
    (run_copy / "run.json").write_text(json.dumps(info))
    result = cli("run", "--resume", str(run_copy), "--no-report")
    assert result.returncode == 2, result.stderr
    assert "names model(s) mystery-model without their catalogue entries" in result.stderr
    _no_traceback(result)


def test_resume_uses_the_runs_own_specs_not_todays_catalogue(cli, run_copy):
    # The model is renamed throughout the run folder: today's catalogue does not know the
    # name, yet resume works from the entry run.json recorded (every cell is done already).
    info = json.loads((run_copy / "run.json").read_text())
    info["models"] = ["renamed-smollm2"]
    info["model_specs"][0]["name"] = "renamed-smollm2"
    (run_copy / "run.json").write_text(json.dumps(info))
    for folder in ("cells", "samples"):
        (run_copy / folder / MODEL).rename(run_copy / folder / "renamed-smollm2")
    (run_copy / "perf" / f"{MODEL}.json").rename(run_copy / "perf" / "renamed-smollm2.json")
    result = cli("run", "--resume", str(run_copy), "--no-report")
    assert result.returncode == 0, result.stderr
    assert "precision renamed-smollm2" in result.stdout
    _no_traceback(result)


# --- validation that bites -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--country", "ZZZ"], "unknown --country code 'ZZZ'"),
        (["--country", "DEX"], "did you mean"),
        (["--suite", ""], "--suite needs a suite name"),
        (["--tasks", ""], "--tasks needs at least one task name"),
        (["--limit", "99999999999999999999999"], "positive number of samples up to 10,000,000"),
        (["--limit", "0"], "positive number of samples up to 10,000,000"),
        (["--seed", "-1"], "--seed: Input should be greater than or equal to 0"),
        (["--engine", "max_model_len=-5"], "max_model_len: Input should be greater than 0"),
    ],
)
def test_run_flags_are_checked_before_any_work(cli, tmp_path, args, expected):
    result = cli("run", "--models", MODEL, *args, "--results-dir", str(tmp_path / "r"))
    assert result.returncode == 2 and expected in result.stderr, result.stderr
    _no_traceback(result)
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_resume_with_run_flags_is_refused(cli, run_copy):
    result = cli("run", "--resume", str(run_copy), "--models", MODEL, "--limit", "50")
    assert result.returncode == 2, result.stderr
    assert "drop --models, --limit" in result.stderr
    _no_traceback(result)
    # every option stored in run.json's config counts, the probe's too
    result = cli("run", "--resume", str(run_copy), "--request-probe", "3", "--no-report")
    assert result.returncode == 2 and "drop --request-probe," in result.stderr, result.stderr


def test_scenario_sizes_are_checked_before_any_work(cli, tmp_path):
    sizes = tmp_path / "perf.yaml"
    sizes.write_text("input_tokens: [128, 0]\n")
    result = cli("run", "--models", MODEL, "--tasks", "citizen_requests_de", "--perf-config",
                 str(sizes), "--results-dir", str(tmp_path / "r"))  # fmt: skip
    assert result.returncode == 2 and "input_tokens.1: Input should be greater" in result.stderr
    _no_traceback(result)
    assert not (tmp_path / "r").exists()


def test_duplicate_names_are_noted_once(cli, tmp_path):
    # Stops at the unknown task, after the note: nothing runs.
    result = cli("run", "--models", f"{MODEL},{MODEL},{MODEL}", "--tasks", "a,a,nope_task_x",
                 "--results-dir", str(tmp_path / "r"))  # fmt: skip
    assert result.returncode == 2
    assert result.stdout.count(f"note: model(s) given more than once run once: {MODEL}") == 1
    assert "note: task(s) given more than once run once: a" in result.stdout


def test_requirements_name_only_tasks_and_devices_that_exist(tmp_path, run_copy, cli):
    req = tmp_path / "req.yaml"
    req.write_text("tasks:\n  citizen_requests_de: {device: laptop-99gb}\n")
    result = cli("report", str(run_copy), "--requirements", str(req), "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "unknown device 'laptop-99gb'" in result.stderr
    req.write_text("tasks:\n  citizen_request_de: {min_accuracy: 0.5}\n")
    result = cli("report", str(run_copy), "--requirements", str(req), "--out", str(tmp_path / "x"))
    assert result.returncode == 2, result.stderr
    assert (
        "did you mean citizen_requests_de" in result.stderr and "not in this run" in result.stderr
    )
    _no_traceback(result)
    # a profile written for a larger suite: its other tasks are named, not silently dropped
    req.write_text("tasks:\n  knowledge_en: {min_accuracy: 0.5}\n")
    result = cli("report", str(run_copy), "--requirements", str(req), "--out", str(tmp_path / "x"))
    assert result.returncode == 0, result.stderr
    assert "requirements for 'knowledge_en' apply to no task of this run" in result.stderr
    # a task no registry knows (ours or lm-eval's) is an error, not a note
    req.write_text("tasks:\n  knowledge_ent_xyz: {min_accuracy: 0.5}\n")
    result = cli("report", str(run_copy), "--requirements", str(req), "--out", str(tmp_path / "x"))
    assert result.returncode == 2, result.stderr
    assert "requirements for a task that does not exist: unknown task 'knowledge_ent_xyz'" in (
        result.stderr
    )
    assert "did you mean knowledge_en" in result.stderr
    _no_traceback(result)


def test_api_source_keeps_fractional_timeouts_and_counts_retries():
    from bench.backends.openai_api import api_lm
    from bench.catalogue.specs import load_catalogue

    spec = load_catalogue().get("gpt-4o-mini")
    lm = api_lm(spec, base_url="http://127.0.0.1:9/v1", model_id="m", key="", logprobs=False,
                tokenizer=None, concurrency=2, timeout_s=0.5, max_retries=2)  # fmt: skip
    assert lm.timeout == 0.5 and lm.max_retries == 3  # lm-eval's counts attempts


# --- a full disk, a vanished run folder, Ctrl-C, a killed worker ----------------------------
# A full disk is injected through the store's one write function ($SLM_BENCH_FAULT_ENOSPC, a
# glob of paths whose write fails with ENOSPC), in this process or the model process.

GEN_TASKS = "citizen_requests_gen_de,citizen_requests_gen_en"


def test_a_failed_write_is_one_line_and_leaves_the_old_file(tmp_path, monkeypatch):
    from bench.results.writes import FAULT_ENV, WriteFailed, atomic_write_text

    target = tmp_path / "cell.json"
    target.write_text("old")
    monkeypatch.setenv(FAULT_ENV, "*/cell.json")
    with pytest.raises(WriteFailed, match=f"disk full while writing {target}$") as err:
        atomic_write_text(target, "new")
    assert err.value.full and target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["cell.json"]  # no temp file left


def test_a_deleted_run_folder_is_never_recreated(tmp_path):
    import shutil

    from bench.results.records import CellResult
    from bench.results.store import RunFolderGone, RunStore

    store = RunStore(tmp_path / "run")
    (tmp_path / "run" / "cells").mkdir(parents=True)
    shutil.rmtree(tmp_path / "run")
    cell = CellResult(run_id="run", model="m", task="t", status="ok")
    for write in (
        lambda: store.write_cell(cell, []),
        lambda: store.folder_for(store.log_path("m")),
    ):
        with pytest.raises(RunFolderGone, match="deleted or moved during the run"):
            write()
    assert not (tmp_path / "run").exists()


def test_resume_on_a_full_disk_fails_the_write_check(cli, run_copy):
    from bench.results.store import RunStore

    size = RunStore(run_copy).cell_bytes()
    result = cli("run", "--resume", str(run_copy), env={"SLM_BENCH_FAULT_ENOSPC": "*"})
    assert result.returncode == 2, result.stderr
    assert f"cannot write results to {run_copy}: disk full (tried {size // 1024} KiB)" in (
        result.stderr
    )
    _no_traceback(result)


def _run_status(run: Path) -> str:
    return json.loads((run / "run.json").read_text())["status"]


def test_disk_full_mid_run_stops_in_one_line_and_resume_finishes(cli, tmp_path, api):
    catalogue = api()
    full = "*/samples/fault-api/citizen_requests_gen_en.jsonl"  # the second task's write
    result = cli("run", "--models", "fault-api", "--tasks", GEN_TASKS, "--limit", "2",
                 "--request-probe", "0", "--catalogue", str(catalogue), "--results-dir",
                 str(tmp_path / "results"), "--no-report",
                 env={"SLM_FAULT_KEY": KEY, "SLM_BENCH_FAULT_ENOSPC": full})  # fmt: skip
    (run,) = (tmp_path / "results").iterdir()
    assert result.returncode == 2, result.stderr
    _no_traceback(result)
    [line] = result.stderr.strip().splitlines()[-1:]
    assert line == (
        f"slm-bench: error: disk full while writing {run}/samples/fault-api/"
        "citizen_requests_gen_en.jsonl; finished cells are kept; free space and run "
        f"slm-bench run --resume {run}"
    )
    assert _run_status(run) == "interrupted"
    cells = run / "cells" / "fault-api"
    assert [p.name for p in cells.iterdir()] == ["citizen_requests_gen_de.json"]  # kept
    resumed = cli("run", "--resume", str(run), "--no-report", env={"SLM_FAULT_KEY": KEY})
    assert resumed.returncode == 0, resumed.stderr
    assert sorted(p.name for p in cells.iterdir()) == [
        "citizen_requests_gen_de.json",
        "citizen_requests_gen_en.json",
    ]
    assert _run_status(run) == "ok"


def test_disk_full_in_the_runner_marks_the_run_interrupted(cli, tmp_path, api):
    result = cli("run", "--models", "fault-api", "--tasks", GEN_TASKS, "--limit", "2",
                 "--catalogue", str(api()), "--results-dir", str(tmp_path / "results"),
                 env={"SLM_FAULT_KEY": KEY, "SLM_BENCH_FAULT_ENOSPC": "*/jobs/*"})  # fmt: skip
    (run,) = (tmp_path / "results").iterdir()
    assert result.returncode == 2 and "disk full while writing" in result.stderr
    assert f"free space and run slm-bench run --resume {run}" in result.stderr
    _no_traceback(result)
    assert _run_status(run) == "interrupted"


def _start_slow_run(tmp_path, catalogue) -> tuple:
    """A run of two tasks against a slow fake API, in its own process group (as a terminal
    starts it); returns the process and a function waiting for the first cell."""
    import os
    import subprocess
    import time

    from conftest import REPO

    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", "run", "--models", "fault-api", "--tasks", GEN_TASKS,
         "--limit", "2", "--request-probe", "0", "--catalogue", str(catalogue),
         "--results-dir", str(tmp_path / "results"), "--no-report"],
        cwd=REPO, env={**os.environ, "SLM_FAULT_KEY": KEY}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip

    def first_cell(timeout: float = 240) -> Path:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = list((tmp_path / "results").glob("*/cells/fault-api/*.json"))
            if found:
                return found[0].parents[2]
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        raise AssertionError("no cell landed")

    return proc, first_cell


def test_a_run_folder_deleted_mid_run_stops_the_run(tmp_path, api):
    import shutil

    proc, first_cell = _start_slow_run(tmp_path, api("--slow", "3"))
    run = first_cell()
    shutil.rmtree(run)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    assert f"the run folder {run} was deleted or moved during the run; it is not recreated" in err
    assert not run.exists()  # neither the worker nor the runner made it again


def test_ctrl_c_marks_the_run_interrupted_and_names_the_resume_command(tmp_path, api):
    import os
    import signal

    proc, first_cell = _start_slow_run(tmp_path, api("--slow", "3"))
    run = first_cell()
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the whole process group
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f"slm-bench: interrupted; finished cells are kept; resume with: "
        f"slm-bench run --resume {run}"
    )
    assert _run_status(run) == "interrupted"


def test_a_killed_worker_names_the_signal_and_its_last_real_line(tmp_path, api):
    import os
    import signal

    import psutil

    proc, first_cell = _start_slow_run(tmp_path, api("--slow", "3"))
    run = first_cell()
    (worker,) = [p for p in psutil.Process(proc.pid).children()
                 if "bench.run.worker" in " ".join(p.cmdline())]  # fmt: skip
    os.kill(worker.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    error = json.loads((run / "cells/fault-api/citizen_requests_gen_en.json").read_text())["error"]
    assert error.startswith("model process killed by signal 9 (SIGKILL)"), error
    assert "last output: " in error and "%|" not in error and "it/s" not in error


def test_exit_reason_skips_progress_bars(tmp_path):
    from bench.run.executors.local import exit_reason

    log = tmp_path / "m.log"
    log.write_text(
        "old run's last line\n[slm-bench] task citizen_requests_de\n"
        "Running loglikelihood requests:   0%|          | 0/16 [00:00<?, ?it/s]\r"
        "Running loglikelihood requests:  50%|█████     | 8/16 [00:01<00:01, 5.1it/s]\r"
        "100%|██████████| 16/16 [00:03<00:00, 4.9it/s]\n"
    )
    start = len("old run's last line\n")
    assert exit_reason(-9, log, start) == (
        "model process killed by signal 9 (SIGKILL), e.g. by the out-of-memory killer; "
        "last output: [slm-bench] task citizen_requests_de"
    )
    assert exit_reason(3, log, log.stat().st_size) == "model process exited with code 3 (no output)"
    assert exit_reason(-15, log, 0).startswith("model process killed by signal 15 (SIGTERM);")
