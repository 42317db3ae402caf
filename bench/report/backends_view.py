"""The report's view of how each model ran (backend, precision, quantisation), and of the
same model through several backends side by side: what a backend or quantisation costs in
accuracy and saves in latency, memory and energy, on the tasks every variant completed."""

from __future__ import annotations

import math

import pandas as pd

from bench.analysis import figures as fig
from bench.catalogue.specs import ModelSpec
from bench.results.records import Metric, PerfResult, Phase


def _mean(values) -> float | None:
    values = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    return sum(values) / len(values) if values else None


def _ttft_p50(perf: PerfResult | None) -> float | None:
    """Single-stream TTFT p50 at the shortest input the scenario ran (seconds)."""
    if perf is None or perf.status != "ok":
        return None
    ttfts = [m for m in perf.select(Metric.TTFT, batch_size=None) if m.detail.get("p50")]
    shortest = min(ttfts, key=lambda m: m.input_tokens or 0, default=None)
    return shortest.detail["p50"] if shortest else None


def _best_throughput(perf: PerfResult | None) -> float | None:
    if perf is None or perf.status != "ok":
        return None
    values = [m.value for m in perf.select(Metric.OUTPUT_TOKENS_PER_S, phase=Phase.SCENARIO)
              if m.batch_size is not None and m.value]  # fmt: skip
    return max(values, default=None)


def model_rows(specs: list[ModelSpec]) -> list[dict]:
    """One row per model as run: backend, precision and quantisation."""
    return [{"model": s.name, "backend": s.backend, "dtype": s.dtype,
             "quantization": s.quantization or "–", "context": s.context_length}
            for s in specs]  # fmt: skip


def variant_groups(specs: list[ModelSpec], table: pd.DataFrame, perf: list[PerfResult],
                   fmt) -> list[dict]:  # fmt: skip
    """Models run through more than one backend or precision, compared on shared tasks."""
    by_base: dict[str, list[ModelSpec]] = {}
    for spec in specs:
        by_base.setdefault(spec.base_name, []).append(spec)
    perf_by_model = {p.model: p for p in perf}
    groups = []
    for base, variants in by_base.items():
        if len(variants) < 2 or table.empty:
            continue
        names = [v.name for v in variants]
        rows = table[table.model.isin(names) & table.accuracy.notna()]
        per_task = rows.groupby("task").model.nunique()
        shared = sorted(per_task[per_task == len(names)].index)
        out = []
        for spec in variants:
            own = rows[(rows.model == spec.name) & rows.task.isin(shared)]
            p = perf_by_model.get(spec.name)
            ttft = _ttft_p50(p)
            out.append({
                "model": spec.name, "backend": spec.backend, "dtype": spec.dtype,
                "quantization": spec.quantization or "–",
                "accuracy": fmt(_mean(own.accuracy), 3),
                "latency": fmt.sig(_mean(own[Metric.LATENCY_PER_SAMPLE]), 2),
                "peak_rss": fmt(own[Metric.PEAK_RSS].max() if len(own) else None, 0),
                "energy": fmt.sig(_mean(own[fig.ENERGY_WH_PER_1K]), 2),
                "load_time": fmt(_mean(own[fig.LOAD_TIME]), 1),
                "ttft_ms": fmt(ttft * 1000 if ttft else None, 0),
                "throughput": fmt(_best_throughput(p), 1),
            })  # fmt: skip
        groups.append({"base": base, "tasks": shared, "rows": out})
    return groups
