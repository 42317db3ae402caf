"""The report's view of the performance scenario: latency table rows and figure data."""

from __future__ import annotations

import re

from bench.results.records import PerfResult

TAG = re.compile(r"^(?P<kind>ttft|tpot|itl|e2e|peak_rss|energy_per_request|"
                 r"energy_per_1k_output_tokens)@(?P<n_in>\d+)in_(?P<n_out>\d+)out$")  # fmt: skip
BATCH = re.compile(r"^output_tokens_per_s@batch(?P<size>\d+)$")


def _ms(value) -> str:
    return "–" if value is None else f"{value * 1000:,.0f}"


def perf_view(results: list[PerfResult]) -> dict:
    """Rows per model × input/output length, figure series, provenance, failures."""
    rows, series, problems, provenance = [], [], [], set()
    for res in results:
        if res.status != "ok":
            problems.append({"model": res.model, "status": res.status, "error": res.error})
            continue
        by_tag: dict[tuple[int, int], dict] = {}
        throughput, memory = [], []
        for m in res.measurements:
            if (t := TAG.match(m.name)) is not None:
                key = (int(t["n_in"]), int(t["n_out"]))
                by_tag.setdefault(key, {})[t["kind"]] = m
                if t["kind"].startswith("energy"):
                    provenance.add(m.provenance)
            elif (b := BATCH.match(m.name)) is not None and m.value is not None:
                throughput.append((int(b["size"]), m.value, m.ci_low, m.ci_high))
        for (n_in, n_out), ms in sorted(by_tag.items()):
            ttft, tpot, e2e = ms.get("ttft"), ms.get("tpot"), ms.get("e2e")
            rss, energy = ms.get("peak_rss"), ms.get("energy_per_1k_output_tokens")
            rows.append({
                "model": res.model, "input": n_in, "output": n_out,
                "ttft_p50": _ms(ttft.detail.get("p50")) if ttft else "–",
                "ttft_p95": _ms(ttft.detail.get("p95")) if ttft else "–",
                "tpot_p50": _ms(tpot.detail.get("p50")) if tpot else "–",
                "e2e_p95": _ms(e2e.detail.get("p95")) if e2e else "–",
                "e2e_cv": f"{e2e.detail['cv']:.1%}" if e2e and e2e.detail.get("cv") is not None
                else "–",
                "n": e2e.n if e2e else "–",
                "peak_rss": f"{rss.value:,.0f}" if rss and rss.value else "–",
                "wh_per_1k_tokens": f"{energy.value * 1000:.3f}" if energy and energy.value
                else "–",
            })  # fmt: skip
            if rss and rss.value:
                memory.append((n_in, rss.value))
        series.append({"model": res.model, "throughput": sorted(throughput),
                       "memory": sorted(memory)})  # fmt: skip
    return {"rows": rows, "series": series, "problems": problems,
            "energy_provenance": sorted(provenance)}  # fmt: skip
