"""The command line, thin: parses and dispatches to `bench.commands`. Nouns with verbs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.catalogue.specs import DEFAULT_MODELS
from bench.commands import COMMANDS
from bench.errors import UserError
from bench.run.config import MAX_LIMIT, RunConfig
from bench.taskkit.suites import DEFAULT_SUITE

REFERENCE_HELP = (
    "model that relative verdicts compare with (default: the most accurate LLM in the run, "
    "else the largest model)"
)


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got '{value}'") from None
    if not 1 <= number <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(
            f"must be a positive number of samples up to {MAX_LIMIT:,}, got {value}"
        )
    return number


def _default(field: str) -> str:
    """RunConfig's default for `field`, for help texts (the value itself lives there only)."""
    info = RunConfig.model_fields[field]
    value = info.default_factory() if info.default_factory else info.default
    return ",".join(value) if isinstance(value, list) else str(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slm-bench",
        description="Run tasks against a matrix of models and record accuracy, latency, "
        "memory and energy, so you can decide whether a small model is good enough.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="run a model × task matrix and write results + report")
    run.add_argument(
        "--models",
        type=_csv,
        default=None,
        help=f"comma-separated model names (default: {_default('models')})",
    )
    run.add_argument(
        "--tasks",
        type=_csv,
        default=None,
        help="comma-separated task names: ours or any lm-eval task (overrides --suite)",
    )
    run.add_argument(
        "--suite",
        default=None,
        help=f"named task group from tasks/suites.yaml (default: {DEFAULT_SUITE}); "
        "see `slm-bench tasks list`",
    )
    run.add_argument(
        "--limit",
        type=_limit,
        default=None,
        help="evaluate only the first N samples of each task (overrides the suite's limit)",
    )
    run.add_argument(
        "--results-dir",
        type=Path,
        default=None,
        help=f"where run folders go (default: {_default('results_dir')})",
    )
    run.add_argument(
        "--reports-dir",
        type=Path,
        default=Path("reports"),
        help="where reports go (default: reports)",
    )
    run.add_argument(
        "--seed", type=int, default=None, help=f"random seed (default: {_default('seed')})"
    )
    run.add_argument(
        "--country",
        default=None,
        help=f"ISO 3166 alpha-3 code of the grid for CO2 (default: {_default('country_iso_code')})",
    )
    run.add_argument(
        "--catalogue",
        type=Path,
        default=None,
        help="extra model catalogue YAML, merged over the built-in one",
    )
    run.add_argument(
        "--engine",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="vLLM or llama.cpp engine setting for this run, e.g. --engine max_model_len=4096 "
        "(repeatable; keys: max_model_len, tensor_parallel_size, gpu_memory_utilization, "
        "enforce_eager, kv_cache_space_gib, max_num_seqs; threads for llama.cpp)",
    )
    run.add_argument(
        "--resume",
        type=Path,
        default=None,
        metavar="RUN_DIR",
        help="continue an earlier run: cells already ok are kept",
    )
    run.add_argument("--no-report", action="store_true", help="skip writing the HTML report")
    run.add_argument("--reference", default=None, metavar="MODEL", help=REFERENCE_HELP)
    run.add_argument(
        "--perf",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the latency / throughput scenario per model (TTFT, TPOT, throughput); "
        "default: as the suite says (on for 'default' and 'full')",
    )
    run.add_argument(
        "--perf-config", type=Path, default=None, help="YAML overriding the scenario's sizes"
    )
    run.add_argument(
        "--load",
        action="store_true",
        default=None,
        help="per generative task, a load sweep with vLLM's `vllm bench serve`: the task's "
        "prompts at rising Poisson rates, then at rising concurrency, until saturation; "
        "capacity at the latency SLO "
        "(server backends: @vllm-server)",
    )
    run.add_argument(
        "--load-config", type=Path, default=None, help="YAML overriding the load sweep's settings"
    )
    run.add_argument(
        "--request-probe",
        type=int,
        default=None,
        metavar="N",
        help="time the first N documents of each task one request at a time, as users wait "
        f"(default: {_default('request_probe')}; 0: off)",
    )
    run.add_argument(
        "--request-probe-seconds",
        type=float,
        default=None,
        metavar="S",
        help="start no new probe request after S seconds per task "
        f"(default: {_default('request_probe_seconds')})",
    )
    run.add_argument(
        "--executor",
        choices=["local", "ray"],
        default="local",
        help="where models run: local (one fresh process per model, here) or ray (a Ray "
        "cluster; see the README's 'Scale out on Ray')",
    )
    run.add_argument(
        "--ray-address",
        default=None,
        metavar="ADDRESS",
        help="Ray cluster to use: auto, host:port or ray://host:port (default: start a local Ray)",
    )
    run.add_argument(
        "--pack",
        action="store_true",
        help="with --executor ray: let models share nodes (figures are labelled contended)",
    )

    report = sub.add_parser("report", help="render the HTML report of a run folder")
    report.add_argument("run", type=Path, help="run folder (or run id under ./results)")
    report.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output file (default: reports/<run-id>/index.html; German adds .de: index.de.html)",
    )
    report.add_argument(
        "--lang",
        choices=["en", "de", "all"],
        default="all",
        help="report language (default: all — English and German files)",
    )
    report.add_argument(
        "--requirements",
        type=Path,
        default=None,
        help="requirements profile YAML (see examples/requirements.yaml)",
    )
    report.add_argument(
        "--costs", type=Path, default=None, help="cost profile YAML (see examples/costs.yaml)"
    )
    report.add_argument("--reference", default=None, metavar="MODEL", help=REFERENCE_HELP)
    report.add_argument(
        "--pdf", action="store_true", help="also write index.pdf / index.de.pdf (needs chromium)"
    )

    comp = sub.add_parser(
        "compare",
        help="compare a candidate run with a baseline; exit 1 on regression",
        description="Compare per model × task × metric. Exit codes: 0 no regression, "
        "1 regression, 2 usage or input error.",
    )
    comp.add_argument("baseline", type=Path, help="baseline file or run folder")
    comp.add_argument("candidate", type=Path, help="candidate run folder (or baseline file)")
    comp.add_argument(
        "--thresholds",
        type=Path,
        default=None,
        help="YAML overriding alpha and per-figure thresholds",
    )
    comp.add_argument("--markdown", type=Path, default=None, help="also write Markdown here")
    comp.add_argument("--junit", type=Path, default=None, help="also write JUnit XML here")
    comp.add_argument("--all", action="store_true", help="show unchanged rows too")

    hist = sub.add_parser("history", help="trend page over many runs (HTML)")
    hist.add_argument(
        "results",
        type=Path,
        nargs="?",
        default=Path("results"),
        help="folder of run folders (default: results)",
    )
    hist.add_argument("--out", type=Path, default=Path("reports") / "history.html")
    hist.add_argument(
        "--reports-dir",
        type=Path,
        default=Path("reports"),
        help="where the runs' reports are, for the links (default: reports)",
    )

    base = sub.add_parser("baseline", help="committable baselines of runs")
    base_sub = base.add_subparsers(dest="verb", metavar="VERB", required=True)
    save = base_sub.add_parser("save", help="write the compact baseline of a run")
    save.add_argument("run", type=Path, help="run folder (or run id under ./results)")
    save.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output file (default: results/baselines/<run-id>.json)",
    )

    models = sub.add_parser("models", help="the model catalogue")
    models_sub = models.add_subparsers(dest="verb", metavar="VERB", required=True)
    mlist = models_sub.add_parser("list", help="print the catalogue as a table")
    mlist.add_argument("--catalogue", type=Path, default=None)
    prep = models_sub.add_parser("prepare", help="convert embedded models into the cache")
    prep.add_argument("names", nargs="*", default=DEFAULT_MODELS)

    tasks = sub.add_parser("tasks", help="the bundled tasks")
    tasks_sub = tasks.add_subparsers(dest="verb", metavar="VERB", required=True)
    tasks_sub.add_parser("list", help="print the bundled tasks and suites")
    val = tasks_sub.add_parser(
        "validate", help="lint bundled tasks (schema, gold self-test, baselines)"
    )
    val.add_argument("names", nargs="*", help="tasks to check (default: all bundled tasks)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `slm-bench` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UserError as exc:
        interrupted = exc.exit_code == 130  # Ctrl-C during a run (bench.run.stopping)
        print(f"slm-bench: {'' if interrupted else 'error: '}{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "slm-bench: interrupted; finished cells are kept (resume with --resume)",
            file=sys.stderr,
        )
        return 130
