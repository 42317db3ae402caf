"""Build the report's data from a run folder and render it with Jinja2 (autoescaped).

One template, texts from `i18n/<lang>.yaml`, numbers formatted for the reader's locale. Only
the run folder is read: task facts and API prices come from its run.json (`analysis.facts`).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from bench.analysis import figures as fig
from bench.analysis.facts import run_facts
from bench.analysis.families import family_overview, pooled_by_family, rag_table, task_sort_key
from bench.analysis.long_context import effective_lengths, long_context_table
from bench.analysis.requirements import CostProfile, RequirementsProfile
from bench.analysis.table import summary, tidy
from bench.analysis.verdicts import build
from bench.report.backends_view import model_rows, variant_groups
from bench.report.context import ReportContext, texts
from bench.report.family_view import family_view, overview_alt
from bench.report.figures import (
    load_figure,
    long_context_figure,
    overview_figure,
    perf_figure,
    trade_off_figure,
)
from bench.report.long_context_view import effective_rows
from bench.report.names import metric_name, task_title
from bench.report.numbers import Formatter
from bench.report.perf_view import load_view, perf_view
from bench.report.summary_view import (
    cascade_view,
    money_view,
    requirements_lines,
    summary_header,
    summary_rows,
)
from bench.results.records import CellResult, Measurement, Metric, Phase
from bench.results.store import RunStore, atomic_write_text, open_run

EXAMPLES_PER_CELL = 5
LANGUAGES = ("en", "de")
__all__ = ["LANGUAGES", "ReportContext", "build_context", "texts", "write_report"]


SHOWN = [fig.ACCURACY, fig.N, fig.LOAD_TIME, Metric.ENERGY, Metric.CO2,
         Metric.LATENCY_PER_SAMPLE, Metric.PEAK_RSS, Metric.TOKENS_PER_S, Metric.INPUT_TOKENS,
         Metric.OUTPUT_TOKENS]  # fmt: skip
"""Summary columns the report reads; missing ones (e.g. no energy meter) are added empty."""


def _with_derived(df: pd.DataFrame) -> pd.DataFrame:
    """Per-sample figures (see bench.analysis.figures) so models with different n compare."""
    df = df.copy()
    for col in SHOWN:
        if col not in df:
            df[col] = float("nan")
    return fig.with_derived(df)


def _provenance(cells: list[CellResult], metric: Metric) -> list[Measurement]:
    """One task-phase measurement of `metric` per distinct provenance."""
    found = {m.provenance: m for c in cells for m in c.measurements
             if m.matches(metric, phase=Phase.TASK)}  # fmt: skip
    return [found[p] for p in sorted(found)]


def _task_rows(table: pd.DataFrame, t: dict, fmt: Formatter,
               currency: str) -> dict[str, list[dict]]:  # fmt: skip
    rows_by_task: dict[str, list[dict]] = {}
    for _, r in table.iterrows():
        ok = isinstance(r.get("accuracy"), float) and not math.isnan(r.get("accuracy"))
        score, ci = fmt.estimate(r.get("accuracy"), r.get("ci_low"), r.get("ci_high"))
        rows_by_task.setdefault(r.task, []).append({
            "model": r.model, "size_class": (r.size_class or "").upper(),
            "params_b": fmt.sig(r.params_b, 3) if r.params_b == r.params_b else "?",
            "ok": ok, "error": r.get("error"),
            "status": r.get("status") if isinstance(r.get("status"), str) else "ok",
            "metric": metric_name(r.get("metric"), t) if ok else None,
            # The score's digits are those its interval supports; the rest have no interval
            # here and keep two or three significant digits.
            "accuracy": score, "ci": ci, "n": int(r.n) if ok else "",
            "latency": fmt.sig(r.get(Metric.LATENCY_PER_SAMPLE), 2),
            "tokens_per_s": fmt.sig(r.get(Metric.TOKENS_PER_S), 3),
            "peak_rss": fmt(r.get(Metric.PEAK_RSS), 0),
            "energy": fmt.sig(r.get(fig.ENERGY_WH_PER_1K), 2),
            "co2": fmt.sig(r.get(fig.CO2_G_PER_1K), 2),
            "energy_correct": fmt.sig(r.get(fig.ENERGY_WH_PER_1K_CORRECT), 2),
            "cost": fmt.money(r.get("cost_per_1k"), currency),
            "load_time": fmt.sig(r.get(fig.LOAD_TIME), 2),
        })  # fmt: skip
    return rows_by_task


def build_context(
    store: RunStore,
    lang: str = "en",
    requirements: RequirementsProfile | None = None,
    costs: CostProfile | None = None,
) -> ReportContext:
    """Everything the template shows, computed from the run folder alone."""
    requirements = requirements or RequirementsProfile()
    costs = costs or CostProfile()
    t, fmt = texts(lang), Formatter(lang)
    info = store.read_info()
    facts = run_facts(info)
    df = tidy(store)
    order = task_sort_key(facts)
    table = _with_derived(summary(df)) if not df.empty else pd.DataFrame()
    if not table.empty:
        # Reading order: by family, language and input length (needle_de_2048 before _16384).
        rank = {task: i for i, task in enumerate(sorted(set(table.task), key=order))}
        table = (
            table.assign(_rank=table.task.map(rank))
            .sort_values(["_rank", "model"])
            .drop(columns="_rank")
            .reset_index(drop=True)
        )
    decisions = build(store, table, requirements, costs) if not table.empty else None
    if decisions:
        table["cost_per_1k"] = [
            (c.per_1k if (c := decisions.costs.get((r.model, r.task))) else None)
            for r in table.itertuples()
        ]
    curves = long_context_table(table, facts) if not table.empty else pd.DataFrame()
    lengths = effective_lengths(curves)
    long_tasks = {name for name, f in facts.tasks.items() if f.family == "long_context"}
    rag = rag_table(table, facts) if not table.empty else pd.DataFrame()
    perf_results = store.perf_results()
    perf = perf_view(perf_results, fmt)
    load = load_view(store.load_results(), costs,
                     lambda task: requirements.for_task(task).max_latency_s)  # fmt: skip
    cells = store.cells()
    energy_prov = _provenance(cells, Metric.ENERGY)
    labels = {k: t[k] for k in ("fig_latency", "fig_energy", "fig_memory", "fig_cost", "fig_ci",
                                "fig_front")}  # fmt: skip
    labels["fig_cost"] = f"{labels['fig_cost']} ({costs.currency})"
    # Needle tasks are left out of the overview: the long-context curve shows them.
    pooled = (pooled_by_family(table[~table.task.isin(long_tasks)],
                               {name: f.family for name, f in facts.tasks.items()})
              if not table.empty else pd.DataFrame())  # fmt: skip
    rows_by_task = _task_rows(table, t, fmt, costs.currency)
    # Readers see tasks by their titles; identifiers only in the method section.
    titles = {name: task_title(facts.of(name), t)
              for name in dict.fromkeys([*table.get("task", []), *info.tasks])}  # fmt: skip
    summary_view = (
        summary_rows(
            decisions,
            requirements,
            t,
            fmt,
            costs.currency,
            facts,
            any(m.is_estimate for m in energy_prov),
        )
        if decisions
        else []
    )
    return ReportContext(
        t=t, lang=lang, info=info, currency=costs.currency,
        cost_text=t["method_cost"].format(
            hw=fmt(costs.hardware_price, 0), cur=costs.currency, years=fmt(costs.lifetime_years, 1),
            util=fmt(costs.utilisation * 100, 0), kwh=fmt(costs.electricity_per_kwh, 2)),
        requirements=requirements, costs=costs,
        summary=summary_view,
        summary_header=summary_header(decisions, t, fmt) if decisions else [],
        requirements_text=requirements_lines(requirements, t, fmt, titles),
        # Nothing decidable (only SLMs, only relative requirements): one line says so.
        summary_undecided=bool(summary_view)
        and all(r["kind"] == "no_reference" for r in summary_view),
        has_llm=any(s.size_class == "llm" for s in info.model_specs),
        money=money_view(decisions, t, fmt, costs.currency, titles) if decisions else None,
        cascades=cascade_view(decisions, t, fmt, titles) if decisions else None,
        rows_by_task=rows_by_task,
        task_titles=titles,
        knowledge_rows={k: v for k, v in rows_by_task.items()
                        if facts.of(k).family == "knowledge"},
        families=family_view(family_overview(table, facts, lengths),
                             list(dict.fromkeys(table.model)), t, fmt, titles)
        if not table.empty else None,
        overview_svg=overview_figure(pooled, t["family_labels"], labels),
        overview_alt=overview_alt(pooled, t["family_labels"], t, fmt),
        figure_svg=trade_off_figure(table[~table.task.isin(long_tasks)], labels, titles)
        if not table.empty else None,
        long_context_svg=long_context_figure(curves),
        perf=perf, perf_svg=perf_figure(perf["series"]),
        load=load, load_svg=load_figure(load["series"]),
        variants=variant_groups(info.model_specs, table, perf_results, fmt),
        models_as_run=model_rows(info.model_specs),
        effective=effective_rows(lengths, t, fmt),
        rag=[{"model": r["model"], "lang": r["lang"],
              **{k: fmt(r.get(k), 2) for k in ("retrieved", "gold", "closed", "recall")}}
             for r in rag.to_dict("records")],
        examples=[
            {"model": c.model, "task": c.task,
             "samples": store.samples(c.model, c.task)[:EXAMPLES_PER_CELL]}
            for c in sorted(cells, key=lambda c: (c.model, order(c.task))) if c.status == "ok"
        ],
        not_run=[c for c in cells if c.status != "ok"],
        energy_provenance=[m.provenance for m in energy_prov],
        energy_is_estimate=any(m.is_estimate for m in energy_prov),
        memory_provenance=[m.provenance for m in _provenance(cells, Metric.PEAK_RSS)],
        n_cells=len(cells), n_failed=sum(c.status == "error" for c in cells),
        nodes=_nodes(cells),
        facts_derived=facts.derived,
    )  # fmt: skip


def _nodes(cells: list[CellResult]) -> list[dict]:
    """Cells of a cluster run grouped by their node's hardware fingerprint."""
    groups: dict[str, dict] = {}
    for c in cells:
        if c.node is None:
            continue
        g = groups.setdefault(
            c.node.fingerprint,
            {
                "fingerprint": c.node.fingerprint,
                "hosts": set(),
                "cpu": c.node.hardware.cpu_model if c.node.hardware else "",
                "cells": 0,
                "contended": 0,
            },
        )
        g["hosts"].add(c.node.hostname)
        g["cells"] += 1
        g["contended"] += bool(c.contended)
    return [{**g, "hosts": ", ".join(sorted(g["hosts"]))} for g in groups.values()]  # fmt: skip


def write_report(run_dir: str | Path, out: str | Path, lang: str = "en",
                 requirements: RequirementsProfile | None = None,
                 costs: CostProfile | None = None) -> Path:  # fmt: skip
    """Render the report of `run_dir` in `lang` into the self-contained HTML file `out`."""
    store = open_run(run_dir)
    env = Environment(loader=PackageLoader("bench.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))  # fmt: skip
    context = build_context(store, lang, requirements, costs)
    html = env.get_template("report.html.j2").render(**context.template_vars())
    out = Path(out)
    atomic_write_text(out, html)
    return out
