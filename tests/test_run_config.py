"""One run configuration: defaults in one place, stored in run.json, read back by --resume."""

import json

import pytest

from bench.cli import build_parser
from bench.errors import UserError
from bench.results.migrations_runinfo import migrate_run_info_v1
from bench.results.records import HardwareInfo, RunInfo
from bench.results.store import RunStore
from bench.run.config import DEFAULT_COUNTRY, PerfConfig, RunConfig
from bench.run.runner import resume_run
from bench.run.worker import Job

HARDWARE = {"cpu_model": "c", "cpu_cores_logical": 2, "cpu_cores_physical": 1,
            "ram_total_gib": 1.0, "gpus": [], "platform": "p"}  # fmt: skip

V1_RUN_JSON = {
    "schema_version": 1,
    "run_id": "20261128-071225-de13",
    "started_at": "2026-11-28T07:12:25+00:00",
    "ended_at": "2026-11-28T07:13:30+00:00",
    "command": ["slm-bench", "run", "--limit", "3"],
    "models": ["gemma3-270m"],
    "model_specs": [],
    "tasks": ["citizen_requests_de", "citizen_requests_de"],
    "limit": 3,
    "perf": {"input_tokens": [128], "repetitions": 2},
    "seed": 1234,
    "country_iso_code": "FRA",
    "git_sha": "abc",
    "package_versions": {"lm-eval": "0.4"},
    "hardware": HARDWARE,
    "status": "ok",
}


def test_cli_leaves_unset_options_to_the_config():
    args = build_parser().parse_args(["run"])
    assert (args.models, args.seed, args.country, args.results_dir) == (None, None, None, None)
    config = RunConfig.from_options(tasks=["t"], models=args.models, seed=args.seed,
                                    country_iso_code=args.country, results_dir=None)  # fmt: skip
    assert config == RunConfig(tasks=["t"])
    assert config.seed == 1234 and config.country_iso_code == DEFAULT_COUNTRY == "DEU"
    run_parser = build_parser()._subparsers._group_actions[0].choices["run"]
    help_text = " ".join(run_parser.format_help().split())  # argparse wraps lines
    assert "default: 1234" in help_text and "default: DEU" in help_text


def test_config_checks_and_normalises_its_values():
    config = RunConfig(models=["a", "b", "a"], tasks=["t", "t"], country_iso_code="fra")
    assert (config.models, config.tasks, config.country_iso_code) == (["a", "b"], ["t"], "FRA")
    with pytest.raises(UserError, match="positive number of samples"):
        RunConfig.from_options(tasks=["t"], limit=0)
    with pytest.raises(UserError, match="no models given"):
        RunConfig.from_options(tasks=["t"], models=[])
    with pytest.raises(UserError, match="alpha-3"):
        RunConfig.from_options(tasks=["t"], country_iso_code="Germany")
    with pytest.raises(UserError, match="colour"):
        RunConfig.from_options(tasks=["t"], colour="red")
    for seed in (-1, 2**32):  # numpy's range: outside it every cell would fail in lm-eval
        with pytest.raises(UserError, match="seed"):
            RunConfig.from_options(tasks=["t"], seed=seed)
    assert RunConfig.from_options(tasks=["t"], seed=2**32 - 1).seed == 2**32 - 1


@pytest.mark.parametrize(
    "sizes",
    [
        {"input_tokens": []},
        {"input_tokens": [128, 0]},
        {"batch_sizes": [-4]},
        {"batch_output_tokens": 0},
    ],  # fmt: skip
)
def test_scenario_sizes_are_positive_and_given(sizes):
    from pydantic import ValidationError

    from bench.run.config import PerfConfig

    with pytest.raises(ValidationError):
        PerfConfig.model_validate(sizes)


def test_job_carries_the_run_config(tmp_path):
    from bench.catalogue.specs import load_catalogue

    config = RunConfig(tasks=["t"], perf=PerfConfig())
    spec = load_catalogue().get("gemma3-270m")
    job = Job(run_dir=str(tmp_path), model=spec, tasks=["t"], config=config)
    assert job.perf is None and job.model_copy(update={"run_perf": True}).perf == PerfConfig()
    assert Job.model_validate_json(job.model_dump_json()) == job


def _write_run(root, config):
    from bench.catalogue.specs import load_catalogue

    store = RunStore(root)
    specs = [load_catalogue().get(name) for name in config.models]  # as start_run records
    store.create(RunInfo(run_id=root.name, started_at="t", command=["x"], config=config,
                         model_specs=specs, git_sha=None, package_versions={},
                         hardware=HardwareInfo(**HARDWARE)))  # fmt: skip
    return store


def test_run_json_holds_the_config_and_resume_reads_it_back(tmp_path):
    config = RunConfig(models=["gemma3-270m"], tasks=["citizen_requests_de"], limit=2, seed=7,
                       country_iso_code="AUT", perf=PerfConfig(repetitions=2),
                       engine=["threads=1"], results_dir=tmp_path / "old")  # fmt: skip
    _write_run(tmp_path / "moved" / "r1", config)
    stored = json.loads((tmp_path / "moved" / "r1" / "run.json").read_text())
    assert stored["config"]["seed"] == 7 and "seed" not in stored
    store, resumed = resume_run(tmp_path / "moved" / "r1")
    assert resumed == config.model_copy(update={"results_dir": tmp_path / "moved"})
    assert store.read_info().limit == 2  # the shortcut readers such as the report use


def test_migrate_run_info_v1_moves_the_config_under_one_key():
    new = migrate_run_info_v1(V1_RUN_JSON)
    assert "models" in V1_RUN_JSON and "config" not in V1_RUN_JSON  # input untouched
    assert not {"models", "tasks", "limit", "perf", "seed", "country_iso_code"} & set(new)
    assert new["schema_version"] == 1 and new["hardware"] == HARDWARE
    info = RunInfo.model_validate(new)
    assert info.config.models == ["gemma3-270m"] and info.config.tasks == ["citizen_requests_de"]
    assert info.config.perf == PerfConfig(input_tokens=[128], repetitions=2)
    assert (info.seed, info.country_iso_code, info.limit) == (1234, "FRA", 3)
    assert migrate_run_info_v1(new) == new  # already new: unchanged
    no_perf = migrate_run_info_v1({**V1_RUN_JSON, "perf": None})
    assert RunInfo.model_validate(no_perf).config.perf is None


def test_store_reads_a_version_1_run_json(tmp_path):
    (tmp_path / "r1").mkdir()
    (tmp_path / "r1" / "run.json").write_text(json.dumps(V1_RUN_JSON))
    info = RunStore(tmp_path / "r1").read_info()
    assert info.config.country_iso_code == "FRA" and info.status == "ok"
