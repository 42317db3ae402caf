"""The command line, thin: parses, calls the API, prints. Nouns with verbs (`models list`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.errors import UserError

DEFAULT_MODELS = ["smollm2-135m-instruct", "gemma3-270m"]
DEFAULT_TASKS = [
    "citizen_requests_de",
    "citizen_requests_en",
    "short_answers_de",
    "short_answers_en",
]


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got '{value}'") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of samples, got {number}")
    return number


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
        default=DEFAULT_MODELS,
        help=f"comma-separated model names (default: {','.join(DEFAULT_MODELS)})",
    )
    run.add_argument(
        "--tasks",
        type=_csv,
        default=DEFAULT_TASKS,
        help="comma-separated task names: ours or any lm-eval task "
        f"(default: {','.join(DEFAULT_TASKS)})",
    )
    run.add_argument(
        "--limit", type=_limit, default=None, help="evaluate only the first N samples of each task"
    )
    run.add_argument(
        "--results-dir",
        type=Path,
        default=Path("results"),
        help="where run folders go (default: results)",
    )
    run.add_argument(
        "--reports-dir",
        type=Path,
        default=Path("reports"),
        help="where reports go (default: reports)",
    )
    run.add_argument("--seed", type=int, default=1234, help="random seed (default: 1234)")
    run.add_argument(
        "--country", default="DEU", help="ISO 3166 alpha-3 code of the grid for CO2 (default: DEU)"
    )
    run.add_argument(
        "--catalogue",
        type=Path,
        default=None,
        help="extra model catalogue YAML, merged over the built-in one",
    )
    run.add_argument(
        "--resume",
        type=Path,
        default=None,
        metavar="RUN_DIR",
        help="continue an earlier run: cells already ok are kept",
    )
    run.add_argument("--no-report", action="store_true", help="skip writing the HTML report")

    report = sub.add_parser("report", help="render the HTML report of a run folder")
    report.add_argument("run", type=Path, help="run folder (or run id under ./results)")
    report.add_argument(
        "--out", type=Path, default=None, help="output file (default: reports/<run-id>/index.html)"
    )

    models = sub.add_parser("models", help="the model catalogue")
    models_sub = models.add_subparsers(dest="verb", metavar="VERB", required=True)
    mlist = models_sub.add_parser("list", help="print the catalogue as a table")
    mlist.add_argument("--catalogue", type=Path, default=None)
    prep = models_sub.add_parser("prepare", help="convert embedded models into the cache")
    prep.add_argument("names", nargs="*", default=DEFAULT_MODELS)

    tasks = sub.add_parser("tasks", help="the bundled tasks")
    tasks_sub = tasks.add_subparsers(dest="verb", metavar="VERB", required=True)
    tasks_sub.add_parser("list", help="print the bundled tasks as a table")
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from bench.runner import RunRequest, resume_run, run_matrix, start_run

    t0 = time.perf_counter()
    if args.resume:
        store, req = resume_run(args.resume, args.catalogue)
    else:
        req = RunRequest(
            models=args.models,
            tasks=args.tasks,
            limit=args.limit,
            results_dir=args.results_dir,
            seed=args.seed,
            country_iso_code=args.country.upper(),
            catalogue=args.catalogue,
        )
        store, _ = start_run(req)
    phases = {"checks and setup": time.perf_counter() - t0}
    print(
        f"run {store.run_id}: {len(req.models)} model(s) × {len(req.tasks)} task(s)"
        f"{f', limit {req.limit}' if req.limit else ''} → {store.root}"
    )

    bar = tqdm(total=len(req.models) * len(req.tasks), unit="cell", dynamic_ncols=True)

    def on_cell(cell, skipped: int = 0) -> None:
        if cell is None:
            bar.update(skipped)
            return
        bar.update(1)
        metric = cell.metric()
        shown = f"{metric.name}={metric.value:.3f}" if metric else cell.error
        tqdm.write(f"  {cell.model} × {cell.task}: {cell.status} {shown}")

    try:
        outcome = run_matrix(store, req, progress=on_cell)
    finally:
        bar.close()
    phases.update(outcome.phase_seconds)
    if not args.no_report:
        from bench.report import write_report

        t1 = time.perf_counter()
        path = write_report(store.root, args.reports_dir / store.run_id / "index.html")
        phases["report"] = time.perf_counter() - t1
    print("phase timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in phases.items()))
    failed = [c for c in outcome.cells if c.status != "ok"]
    for cell in failed:
        print(f"error: {cell.model} × {cell.task}: {cell.error}", file=sys.stderr)
    print(f"results: {store.root}")
    if not args.no_report:
        print(f"report: {path}")
    if failed:
        print(
            f"{len(failed)} of {len(outcome.cells)} cells failed; "
            f"resume with: slm-bench run --resume {store.root}",
            file=sys.stderr,
        )
    return 1 if failed else 0


def cmd_report(args: argparse.Namespace) -> int:
    from bench.report import write_report
    from bench.store import open_run

    store = open_run(args.run)
    out = args.out or Path("reports") / store.run_id / "index.html"
    print(f"report: {write_report(store.root, out)}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from bench.config import load_catalogue

    if args.verb == "list":
        rows = [
            [
                m.name,
                m.family,
                "?" if m.params_b is None else f"{m.params_b:g}",
                m.size_class,
                f"{m.context_length:,}",
                m.backend,
                m.source.kind,
                "local" if m.local else "remote",
            ]
            for m in load_catalogue(args.catalogue).models
        ]
        _print_table(
            ["name", "family", "params (B)", "class", "context", "backend", "source", "runs"], rows
        )
        return 0
    from bench.weights import local_folder

    catalogue = load_catalogue()
    for name in args.names:
        spec = catalogue.get(name)
        t0 = time.perf_counter()
        folder = local_folder(spec)
        print(f"{name}: {folder} ({time.perf_counter() - t0:.1f}s)")
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from bench.tasks import bundled_tasks

    rows = [
        [t.name, t.family, t.language, str(t.size or "?"), t.output_type, t.metric, t.claim]
        for t in bundled_tasks()
    ]
    _print_table(["name", "family", "lang", "n", "type", "metric", "claim"], rows)
    print("\nAny task in lm-eval's registry also works by name, e.g. --tasks arc_easy.")
    return 0


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=False)).rstrip())


COMMANDS = {"run": cmd_run, "report": cmd_report, "models": cmd_models, "tasks": cmd_tasks}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `slm-bench` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"slm-bench: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "slm-bench: interrupted; finished cells are kept (resume with --resume)",
            file=sys.stderr,
        )
        return 130
