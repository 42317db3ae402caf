"""The report's view of the performance scenario: latency table rows and figure data."""

from __future__ import annotations

from bench.report.numbers import Formatter
from bench.results.records import Metric, PerfResult, Phase

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
