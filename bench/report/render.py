"""Build the report's data from a run folder and render it with Jinja2 (autoescaped)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from bench.analysis.families import effective_lengths, long_context_table, rag_table
from bench.analysis.table import summary, tidy
from bench.report.figures import long_context_figure, perf_figure, trade_off_figure
from bench.report.perf_view import perf_view
from bench.store import RunStore, atomic_write_text, open_run

EXAMPLES_PER_CELL = 5


def _fmt(value, digits: int = 2, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}{suffix}"


def _fmt_len(value) -> str:
    if value is None or value != value:
        return "–"
    return f"{int(value):,}"


def _with_derived(df: pd.DataFrame) -> pd.DataFrame:
    """Add per-sample energy/CO2 figures so models with different n compare fairly."""
    df = df.copy()
    for col in [
        "accuracy",
        "energy",
        "co2",
        "n",
        "latency_per_sample",
        "peak_rss",
        "tokens_per_s",
        "load_time",
        "wall_time",
    ]:
        if col not in df:
            df[col] = float("nan")
    n = df["n"].astype(float)
    df["energy_wh_per_1k"] = df["energy"].astype(float) * 1e3 / n * 1e3
    df["co2_g_per_1k"] = df["co2"].astype(float) * 1e3 / n * 1e3
    # Energy per correct answer: what a right answer costs (undefined when none is right).
    acc = df["accuracy"].astype(float).where(df["accuracy"].astype(float) > 0)
    df["energy_wh_per_1k_correct"] = df["energy_wh_per_1k"] / acc
    return df


def _provenance(store: RunStore, name: str) -> list[str]:
    found = {m.provenance for c in store.cells() for m in c.measurements if m.name == name}
    return sorted(found)


def build_context(store: RunStore) -> dict:
    """Everything the template shows, computed from the run folder."""
    info = store.read_info()
    df = tidy(store)
    table = _with_derived(summary(df)) if not df.empty else pd.DataFrame()
    rows_by_task: dict[str, list[dict]] = {}
    for _, r in table.iterrows():
        ok = isinstance(r.get("accuracy"), float) and not math.isnan(r.get("accuracy"))
        rows_by_task.setdefault(r.task, []).append(
            {
                "model": r.model,
                "size_class": (r.size_class or "").upper(),
                "params_b": _fmt(r.params_b, 3) if r.params_b == r.params_b else "?",
                "ok": ok,
                "error": r.get("error"),
                "status": r.get("status") if isinstance(r.get("status"), str) else "ok",
                "metric": r.get("metric"),
                "accuracy": _fmt(r.get("accuracy"), 3),
                "ci": f"{_fmt(r.get('ci_low'), 3)}–{_fmt(r.get('ci_high'), 3)}" if ok else "",
                "n": int(r.n) if ok else "",
                "latency": _fmt(r.get("latency_per_sample"), 3),
                "tokens_per_s": _fmt(r.get("tokens_per_s"), 1),
                "peak_rss": _fmt(r.get("peak_rss"), 0),
                "energy": _fmt(r.get("energy_wh_per_1k"), 2),
                "co2": _fmt(r.get("co2_g_per_1k"), 2),
                "energy_correct": _fmt(r.get("energy_wh_per_1k_correct"), 2),
                "load_time": _fmt(r.get("load_time"), 1),
            }
        )
    examples = []
    for cell in store.cells():
        if cell.status != "ok":
            continue
        samples = store.samples(cell.model, cell.task)[:EXAMPLES_PER_CELL]
        examples.append({"model": cell.model, "task": cell.task, "samples": samples})
    energy_prov = _provenance(store, "energy")
    curves = long_context_table(table) if not table.empty else pd.DataFrame()
    effective = effective_lengths(curves)
    rag = rag_table(table) if not table.empty else pd.DataFrame()
    perf = perf_view(store.perf_results())
    return {
        "info": info,
        "rows_by_task": rows_by_task,
        "figure_svg": trade_off_figure(table) if not table.empty else None,
        "long_context_svg": long_context_figure(curves),
        "perf": perf,
        "perf_svg": perf_figure(perf["series"]),
        "effective": [
            {
                **r,
                "effective_length": _fmt_len(r["effective_length"]),
                "longest_run": _fmt_len(r["longest_run"]),
                "skipped_from": _fmt_len(r["skipped_from"]),
            }
            for r in effective.to_dict("records")
        ],
        "rag": [
            {
                "model": r["model"],
                "lang": r["lang"],
                **{k: _fmt(r.get(k), 3) for k in ("retrieved", "gold", "closed", "recall")},
            }
            for r in rag.to_dict("records")
        ],
        "examples": examples,
        "energy_provenance": energy_prov,
        "energy_is_estimate": any(p.startswith("estimated") for p in energy_prov),
        "memory_provenance": _provenance(store, "peak_rss"),
        "n_cells": len(store.cells()),
        "n_failed": sum(c.status != "ok" for c in store.cells()),
    }


def write_report(run_dir: str | Path, out: str | Path) -> Path:
    """Render the report of `run_dir` into the self-contained HTML file `out`."""
    store = open_run(run_dir)
    env = Environment(
        loader=PackageLoader("bench.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    html = env.get_template("report.html.j2").render(**build_context(store))
    out = Path(out)
    atomic_write_text(out, html)
    return out
