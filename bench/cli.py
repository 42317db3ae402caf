"""The command line, thin: parses, calls the API, prints. Nouns with verbs (`models list`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.errors import UserError

DEFAULT_MODELS = ["smollm2-135m-instruct", "gemma3-270m"]
DEFAULT_SUITE = "default"


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


def cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from bench.runner import RunRequest, resume_run, run_matrix, start_run

    t0 = time.perf_counter()
    if args.resume:
        store, req = resume_run(args.resume, args.catalogue)
    else:
        tasks, limit = args.tasks, args.limit
        if tasks is None or args.suite:
            from bench.suites import load_suites, resolve_suite

            name = args.suite or DEFAULT_SUITE
            suite_tasks, suite_limit = resolve_suite(name)
            tasks = tasks or suite_tasks
            limit = limit or suite_limit
            if args.perf is None:
                args.perf = load_suites()[name].perf
        req = RunRequest(
            models=args.models,
            tasks=tasks,
            limit=limit,
            results_dir=args.results_dir,
            seed=args.seed,
            country_iso_code=args.country.upper(),
            catalogue=args.catalogue,
            perf=_perf_config(args),
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
        t1 = time.perf_counter()
        path, path_de = write_reports(store.root, args.reports_dir / store.run_id, ["en", "de"])
        phases["report"] = time.perf_counter() - t1
    print("phase timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in phases.items()))
    for perf in store.perf_results():
        detail = perf.error or f"{len(perf.measurements)} measurements"
        print(f"performance scenario {perf.model}: {perf.status} ({detail})")
    failed = [c for c in outcome.cells if c.status == "error"]
    for cell in outcome.cells:
        if cell.status == "skipped":
            print(f"skipped: {cell.model} × {cell.task}: {cell.error}")
    for cell in failed:
        print(f"error: {cell.model} × {cell.task}: {cell.error}", file=sys.stderr)
    print(f"results: {store.root}")
    if not args.no_report:
        print(f"report: {path} (Deutsch: {path_de})")
    if failed:
        print(
            f"{len(failed)} of {len(outcome.cells)} cells failed; "
            f"resume with: slm-bench run --resume {store.root}",
            file=sys.stderr,
        )
    return 1 if failed else 0


def _perf_config(args: argparse.Namespace):
    """The scenario config when --perf or --perf-config is given, else None."""
    if args.perf is False or not (args.perf or args.perf_config):
        return None
    from pydantic import ValidationError

    from bench.config import read_yaml
    from bench.perf import PerfConfig

    data = read_yaml(args.perf_config) if args.perf_config else {}
    try:
        return PerfConfig.model_validate(data or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(map(str, err["loc"]))
        raise UserError(f"invalid {args.perf_config}: {loc}: {err['msg']}") from exc


def write_reports(run_dir: Path, folder: Path, langs, requirements=None, costs=None,
                  out: Path | None = None) -> list[Path]:  # fmt: skip
    """One report file per language: index.html (English), index.<lang>.html otherwise."""
    from bench.report import write_report

    paths = []
    for lang in langs:
        base = out or folder / "index.html"
        # English takes the plain name; other languages add theirs: index.de.html, r.de.html.
        target = (
            out
            if out and len(langs) == 1
            else (base if lang == "en" else base.with_suffix(f".{lang}{base.suffix}"))
        )
        paths.append(write_report(run_dir, target, lang, requirements, costs))
    return paths


def cmd_report(args: argparse.Namespace) -> int:
    from bench.analysis.requirements import load_costs, load_requirements
    from bench.store import open_run

    requirements, costs = load_requirements(args.requirements), load_costs(args.costs)
    store = open_run(args.run)
    langs = ["en", "de"] if args.lang == "all" else [args.lang]
    folder = Path("reports") / store.run_id
    for path in write_reports(store.root, folder, langs, requirements, costs, out=args.out):
        print(f"report: {path}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from bench.baseline import load_snapshot
    from bench.regress import compare, load_thresholds
    from bench.regress_format import to_junit, to_markdown, to_text
    from bench.store import atomic_write_text

    thresholds = load_thresholds(args.thresholds)
    result = compare(load_snapshot(args.baseline), load_snapshot(args.candidate), thresholds)
    print(to_text(result, changed_only=not args.all))
    if args.markdown:
        atomic_write_text(args.markdown, to_markdown(result))
    if args.junit:
        atomic_write_text(args.junit, to_junit(result))
    return 1 if result.regressions else 0


def cmd_history(args: argparse.Namespace) -> int:
    from bench.history import write_history

    print(f"history: {write_history(args.results, args.out, args.reports_dir)}")
    return 0


def cmd_baseline(args: argparse.Namespace) -> int:
    from bench.baseline import save_baseline
    from bench.store import open_run

    store = open_run(args.run)
    out = args.out or Path("results") / "baselines" / f"{store.run_id}.json"
    print(f"baseline: {save_baseline(store.root, out)}")
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

    if args.verb == "validate":
        return cmd_tasks_validate(args.names or [t.name for t in bundled_tasks()])

    rows = [
        [t.name, t.family, t.language, str(t.size or "?"), t.output_type, t.metric, t.claim]
        for t in bundled_tasks()
    ]
    _print_table(["name", "family", "lang", "n", "type", "metric", "claim"], rows)
    from bench.suites import load_suites, resolve_suite

    print("\nSuites (--suite NAME):")
    for name, suite in load_suites().items():
        tasks, limit = resolve_suite(name)
        cap = f", limit {limit}" if limit else ""
        print(f"  {name:<9} {len(tasks)} tasks{cap}: {suite.description}")
    print("\nAny task in lm-eval's registry also works by name, e.g. --tasks arc_easy.")
    return 0


def cmd_tasks_validate(names: list[str]) -> int:
    from bench.tasks import check_tasks
    from bench.validate import validate_all

    check_tasks(names)
    reports = validate_all(names)
    rows = []
    for r in reports:
        figures = ", ".join(f"{k}={v:.3f}" for k, v in r.figures.items())
        rows.append([r.task, str(r.n), "ok" if r.ok else "FAIL", figures])
    _print_table(["task", "n", "check", "baselines and figures"], rows)
    failed = [r for r in reports if not r.ok]
    for r in failed:
        for problem in r.problems:
            print(f"{r.task}: {problem}", file=sys.stderr)
    return 1 if failed else 0


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=False)).rstrip())


COMMANDS = {
    "run": cmd_run,
    "report": cmd_report,
    "compare": cmd_compare,
    "baseline": cmd_baseline,
    "history": cmd_history,
    "models": cmd_models,
    "tasks": cmd_tasks,
}


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
