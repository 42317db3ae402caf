"""What each `slm-bench` command does: calls the API and prints. The parser is in `cli`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.errors import UserError
from bench.taskkit.suites import DEFAULT_SUITE


def cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from bench.run.config import RunConfig
    from bench.run.executors import get_executor
    from bench.run.runner import resume_run, run_matrix, start_run
    from bench.run.stopping import stopping_cleanly

    t0 = time.perf_counter()
    executor = get_executor(args.executor, args.ray_address, args.pack)
    if args.resume:
        _check_resume_alone(args)
        store, config = resume_run(args.resume)
    else:
        if args.suite is not None and not args.suite.strip():
            raise UserError("--suite needs a suite name; see slm-bench tasks list")
        if args.tasks == []:
            raise UserError("--tasks needs at least one task name; see slm-bench tasks list")
        tasks, limit, suite_perf, suite_load = args.tasks, args.limit, None, False
        if tasks is None or args.suite:
            from bench.taskkit.suites import load_suites, resolve_suite

            name = args.suite or DEFAULT_SUITE
            suite_tasks, suite_limit = resolve_suite(name)
            tasks = tasks or suite_tasks
            limit = limit or suite_limit
            suite_perf = load_suites()[name].perf_config()
            suite_load = load_suites()[name].load
            if args.perf is None:
                args.perf = suite_perf is not None
        # Options left unset are None: RunConfig's own defaults apply.
        config = RunConfig.from_options(
            models=args.models,
            tasks=tasks,
            limit=limit,
            results_dir=args.results_dir,
            seed=args.seed,
            country_iso_code=args.country,
            catalogue=args.catalogue,
            perf=_perf_config(args, suite_perf),
            load=_load_config(args, suite_load),
            engine=args.engine,
            reference=args.reference,
            request_probe=args.request_probe,
            request_probe_seconds=args.request_probe_seconds,
        )
        _note_duplicates("model", args.models)
        _note_duplicates("task", args.tasks)
        store, _ = start_run(config)
    specs = store.read_info().model_specs  # as run, on resume too: not today's catalogue
    phases = {"checks and setup": time.perf_counter() - t0}
    print(
        f"run {store.run_id}: {len(config.models)} model(s) × {len(config.tasks)} task(s)"
        f"{f', limit {config.limit}' if config.limit else ''} → {store.root}"
    )
    _print_precisions(specs)

    bar = tqdm(total=len(config.models) * len(config.tasks), unit="cell", dynamic_ncols=True)

    def on_cell(cell, skipped: int = 0) -> None:
        if cell is None:
            bar.update(skipped)
            return
        bar.update(1)
        metric = cell.metric()
        shown = f"{metric.name}={metric.value:.3f}" if metric else cell.error
        tqdm.write(f"  {cell.model} × {cell.task}: {cell.status} {shown}")

    from bench.run.progress import Watcher, progress_shower

    show = progress_shower(bar, interactive=sys.stderr.isatty())
    with stopping_cleanly(store):  # disk full or Ctrl-C: one line with the resume command
        try:
            with Watcher(store.root / "progress", show):
                outcome = run_matrix(store, config, progress=on_cell, executor=executor)
        finally:
            bar.close()
        phases.update(outcome.phase_seconds)
        paths: list[Path] = []
        if not args.no_report:
            paths, phases["report"] = _run_report(store, config, args.reports_dir)
        print("phase timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in phases.items()))
        info = store.read_info()  # keep them with the run: where the time went, per machine
        info.phase_seconds = {
            **(info.phase_seconds or {}),
            **{k: round(v, 1) for k, v in phases.items()},
        }
        store.write_info(info)
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
    if paths:
        print(f"report: {paths[0]} (Deutsch: {paths[1]})")
    if failed:
        print(
            f"{len(failed)} of {len(outcome.cells)} cells failed; "
            f"resume with: slm-bench run --resume {store.root}",
            file=sys.stderr,
        )
    return 1 if failed else 0


def _run_report(store, config, reports_dir: Path) -> tuple[list[Path], float]:
    """Write the run's English and German reports; their paths and the seconds it took."""
    from bench.analysis.requirements import load_requirements, with_reference

    requirements = with_reference(load_requirements(None), config.reference)
    t1 = time.perf_counter()
    paths = write_reports(store.root, reports_dir / store.run_id, ["en", "de"], requirements)
    return paths, time.perf_counter() - t1


RUN_FLAGS = {"models": "--models", "tasks": "--tasks", "suite": "--suite", "limit": "--limit",
             "seed": "--seed", "country": "--country", "catalogue": "--catalogue",
             "reference": "--reference", "perf": "--perf", "perf_config": "--perf-config",
             "load": "--load", "load_config": "--load-config",
             "results_dir": "--results-dir", "request_probe": "--request-probe",
             "request_probe_seconds": "--request-probe-seconds"}  # fmt: skip
"""Options that configure a new run; `--resume` takes them all from run.json instead."""


def _check_resume_alone(args: argparse.Namespace) -> None:
    """Refuse run flags beside --resume: they would be silently ignored otherwise."""
    given = [flag for key, flag in RUN_FLAGS.items() if getattr(args, key, None) is not None]
    given += ["--engine"] if args.engine else []
    if given:
        raise UserError(
            f"--resume continues a run exactly as it was configured (its run.json); drop "
            f"{', '.join(given)}, or start a new run to change them"
        )


def _note_duplicates(kind: str, names: list[str] | None) -> None:
    """Say once that repeated names run once (the config drops the repeats)."""
    repeated = sorted({n for n in names or [] if names.count(n) > 1})
    if repeated:
        print(f"note: {kind}(s) given more than once run once: {', '.join(repeated)}")


def _print_precisions(specs) -> None:
    """Say up front which precision each model runs in (`auto` depends on the machine)."""
    from bench.backends.precision import precision_lines

    for line in precision_lines(specs):
        print(line)


def _perf_config(args: argparse.Namespace, suite_perf=None):
    """The scenario config when --perf or --perf-config is given, else None.

    Sizes come from --perf-config, else from the suite (`suite_perf`), else the full defaults.
    """
    if args.perf is False or not (args.perf or args.perf_config):
        return None
    from bench.run.config import PerfConfig

    if not args.perf_config and suite_perf is not None:
        return suite_perf
    return _yaml_config(args.perf_config, PerfConfig)


def _load_config(args: argparse.Namespace, suite_load: bool = False):
    """The load sweep's config when --load or --load-config is given or the suite asks for
    it, else None."""
    if not (args.load or args.load_config or suite_load):
        return None
    from bench.run.config import LoadConfig

    return _yaml_config(args.load_config, LoadConfig)


def _yaml_config(path: Path | None, cls):
    """`cls` from the YAML file at `path` (defaults without one); one line when invalid."""
    from pydantic import ValidationError

    from bench.catalogue.specs import read_yaml

    data = read_yaml(path) if path else {}
    try:
        return cls.model_validate(data or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(map(str, err["loc"]))
        raise UserError(f"invalid {path}: {loc}: {err['msg']}") from exc


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
    from bench.analysis.requirements import (
        check_reference,
        check_tasks_in_run,
        load_costs,
        load_requirements,
        with_reference,
    )
    from bench.results.store import check_output_file, open_run

    check_output_file(args.out, "--out")
    requirements, costs = load_requirements(args.requirements), load_costs(args.costs)
    store = open_run(args.run)
    info = store.read_info()
    requirements = with_reference(requirements, args.reference or info.config.reference)
    check_reference(requirements, [s.name for s in store.read_info().model_specs])
    for note in check_tasks_in_run(requirements, info.config.tasks, args.requirements):
        print(note, file=sys.stderr)
    langs = ["en", "de"] if args.lang == "all" else [args.lang]
    folder = Path("reports") / store.run_id
    for path in write_reports(store.root, folder, langs, requirements, costs, out=args.out):
        print(f"report: {path}")
        if args.pdf:
            from bench.report.pdf import write_pdf

            print(f"report: {write_pdf(path)}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from bench.ci.regress import compare, load_thresholds
    from bench.ci.regress_format import to_junit, to_markdown, to_text
    from bench.results.baseline import load_snapshot
    from bench.results.store import atomic_write_text, check_output_file

    check_output_file(args.markdown, "--markdown")
    check_output_file(args.junit, "--junit")
    thresholds = load_thresholds(args.thresholds)
    result = compare(load_snapshot(args.baseline), load_snapshot(args.candidate), thresholds)
    print(to_text(result, changed_only=not args.all))
    if args.markdown:
        atomic_write_text(args.markdown, to_markdown(result))
    if args.junit:
        atomic_write_text(args.junit, to_junit(result))
    return 1 if result.regressions else 0


def cmd_history(args: argparse.Namespace) -> int:
    from bench.ci.history import write_history
    from bench.results.store import check_output_file

    check_output_file(args.out, "--out")
    print(f"history: {write_history(args.results, args.out, args.reports_dir)}")
    return 0


def cmd_baseline(args: argparse.Namespace) -> int:
    from bench.results.baseline import save_baseline
    from bench.results.store import check_output_file, open_run

    store = open_run(args.run)
    out = args.out or Path("results") / "baselines" / f"{store.run_id}.json"
    check_output_file(out, "--out")
    print(f"baseline: {save_baseline(store.root, out)}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from bench.catalogue.specs import load_catalogue

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
        from bench.backends import BACKENDS

        print("\nAnother backend or precision for the same model: NAME@BACKEND[-fp32|-bf16|-fp16]")
        brows = [
            [
                "@" + b.name,
                ", ".join(b.sources),
                "yes" if b.precision else "no",
                "yes" if b.scenario else "no",
                "yes" if b.loglikelihood else "no",
                b.summary,
            ]
            for b in BACKENDS.values()
        ]
        header = ["backend", "sources", "precision", "scenario", "multiple choice", "what"]
        _print_table(header, brows)
        return 0
    from bench.catalogue.weights import local_folder

    catalogue = load_catalogue()
    for name in args.names:
        spec = catalogue.get(name)
        t0 = time.perf_counter()
        folder = local_folder(spec)
        print(f"{name}: {folder} ({time.perf_counter() - t0:.1f}s)")
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from bench.taskkit.registry import bundled_tasks

    if args.verb == "validate":
        return cmd_tasks_validate(args.names or [t.name for t in bundled_tasks()])

    rows = [
        [t.name, t.family, t.language, str(t.size or "?"), t.output_type, t.metric, t.claim]
        for t in bundled_tasks()
    ]
    _print_table(["name", "family", "lang", "n", "type", "metric", "claim"], rows)
    from bench.taskkit.suites import load_suites, resolve_suite

    print("\nSuites (--suite NAME):")
    for name, suite in load_suites().items():
        tasks, limit = resolve_suite(name)
        cap = f", limit {limit}" if limit else ""
        print(f"  {name:<9} {len(tasks)} tasks{cap}: {suite.description}")
    print("\nAny task in lm-eval's registry also works by name, e.g. --tasks arc_easy.")
    return 0


def cmd_tasks_validate(names: list[str]) -> int:
    from bench.taskkit.registry import check_tasks
    from bench.taskkit.validate import validate_all

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
