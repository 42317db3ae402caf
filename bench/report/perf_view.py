"""The report's view of the performance scenario and the load sweeps: rows and figure data."""

from __future__ import annotations

from collections.abc import Callable

from bench.analysis.capacity import cost_at_capacity, load_capacity
from bench.analysis.requirements import CostProfile
from bench.report.numbers import Formatter
from bench.results.records import LoadResult, Metric, PerfResult, Phase

ENERGY = (Metric.ENERGY_PER_REQUEST, Metric.ENERGY_PER_1K_OUTPUT_TOKENS)


def perf_view(results: list[PerfResult], fmt: Formatter | None = None) -> dict:
    """Rows per model × input/output length (in the reader's number format), figure series,
    provenance, failures."""
    fmt = fmt or Formatter("en")

    def _ms(seconds) -> str:
        return fmt(seconds * 1000, 0) if seconds is not None else "–"

    rows, series, problems, provenance = [], [], [], {}
    for res in results:
        if res.status != "ok":
            problems.append({"model": res.model, "status": res.status, "error": res.error})
            continue
        # Single-stream figures are those of the scenario without a batch size.
        by_lengths: dict[tuple[int, int], dict[Metric, object]] = {}
        throughput, memory = [], []
        for m in res.measurements:
            if m.phase != Phase.SCENARIO:
                continue
            if m.batch_size is None and m.input_tokens is not None:
                by_lengths.setdefault((m.input_tokens, m.output_tokens), {})[m.metric] = m
                if m.metric in ENERGY:
                    provenance[m.provenance] = m.is_estimate
            elif m.metric == Metric.OUTPUT_TOKENS_PER_S and m.value is not None:
                throughput.append((m.batch_size, m.value, m.ci_low, m.ci_high))
        for (n_in, n_out), ms in sorted(by_lengths.items()):
            ttft, tpot, e2e = ms.get(Metric.TTFT), ms.get(Metric.TPOT), ms.get(Metric.E2E)
            rss, energy = ms.get(Metric.PEAK_RSS), ms.get(Metric.ENERGY_PER_1K_OUTPUT_TOKENS)
            rows.append({
                "model": res.model, "input": n_in, "output": n_out,
                "ttft_p50": _ms(ttft.detail.get("p50")) if ttft else "–",
                "ttft_p95": _ms(ttft.detail.get("p95")) if ttft else "–",
                "tpot_p50": _ms(tpot.detail.get("p50")) if tpot else "–",
                "e2e_p95": _ms(e2e.detail.get("p95")) if e2e else "–",
                "e2e_cv": f"{fmt(e2e.detail['cv'] * 100, 1)} %"
                if e2e and e2e.detail.get("cv") is not None else "–",
                "n": e2e.n if e2e else "–",
                "peak_rss": fmt(rss.value, 0) if rss and rss.value else "–",
                # kWh per 1,000 tokens → Wh, to two significant digits (never 0.000)
                "wh_per_1k_tokens": fmt.sig(energy.value * 1000, 2) if energy and energy.value
                else "–",
            })  # fmt: skip
            if rss and rss.value:
                memory.append((n_in, rss.value))
        series.append({"model": res.model, "throughput": sorted(throughput),
                       "memory": sorted(memory)})  # fmt: skip
    return {"rows": rows, "series": series, "problems": problems,
            "energy_provenance": sorted(provenance),
            "energy_is_estimate": any(provenance.values())}  # fmt: skip


def load_view(results: list[LoadResult], costs: CostProfile,
              slo_for: Callable[[str], float | None]) -> dict:  # fmt: skip
    """Capacity at the SLO per model × task (`slo_for(task)`: the requirement's latency
    limit, else the sweep's own), with requests/s per money per hour and per kW, accuracy
    under load, the concurrency sweep, and the latency–throughput points of every rate sweep
    for the figure."""
    rows, series, problems = [], [], []
    for res in results:
        if res.status != "ok":
            problems.append({"model": res.model, "task": res.task, "status": res.status,
                             "error": res.error})  # fmt: skip
            continue
        slo = slo_for(res.task) or res.config.slo_s
        cap = load_capacity(res, slo)
        money = cost_at_capacity(cap.rps, cap.power_w, costs) if cap and cap.rps else None
        drops = [s.accuracy for s in res.steps if s.accuracy]
        worst = min(drops, key=lambda a: a.value - (a.reference_value or 0), default=None)
        metric = Metric.TTFT if res.config.slo_metric == "ttft" else Metric.E2E
        rows.append({
            "model": res.model, "task": res.task, "slo": f"p95 {res.config.slo_metric} ≤ {slo:g} s",
            "capacity": _rps(cap.rps if cap else None) + ("" if not cap or cap.bounded else " ≥"),
            "interval": f"{_rps(cap.ci_low)}–{_rps(cap.ci_high)}" if cap and cap.n_sweeps > 1
            else "–",
            "per_money_hour": _rps(money.rps_per_currency_hour) if money else "–",
            "per_kw": _rps(money.rps_per_kw) if money and money.rps_per_kw else "–",
            "per_1k": f"{money.per_1k:.4f}" if money else "–",
            "accuracy": "–" if worst is None else
            f"{worst.value:.3f} vs {worst.reference_value or 0:.3f} (n = {worst.paired_n}"
            + (f", McNemar p = {worst.mcnemar_p:.2f})" if worst.mcnemar_p is not None else ")"),
            "saturated": next((s.saturated for s in res.steps if s.saturated), None) or "–",
            "concurrency": _levels(res, metric),
            "tool": res.tool,
        })  # fmt: skip
        points = [(s.achieved_rps, s.p95(metric)) for s in res.steps if s.p95(metric)]
        series.append(
            {
                "label": f"{res.model} · {res.task}",
                "points": sorted(points),
                "slo": slo,
                "capacity": (cap.rps, slo) if cap and cap.rps and cap.bounded else None,
            }
        )
    return {"rows": rows, "series": series, "problems": problems}


def _levels(res: LoadResult, metric: Metric) -> str:
    """The concurrency sweep in one cell: per level (the serial pass is level 1), achieved
    requests/s and p95 latency; the level where it saturated is marked."""
    levels = [s for s in [res.serial, *res.concurrency_steps] if s and s.max_concurrency]
    if not res.concurrency_steps:
        return "–"
    return " · ".join(
        f"{s.max_concurrency}: {_rps(s.achieved_rps)}/s, p95 {_s(s.p95(metric))}"
        + (" (saturated)" if s.saturated else "")
        for s in levels
    )


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2g} s"


def _rps(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"
