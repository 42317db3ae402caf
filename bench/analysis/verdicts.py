"""From a run folder to decisions: candidates per task, costs, verdicts, cascades.

Glue between the stored records and the pure logic in `decide`, `cost` and `cascade`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from bench.analysis import figures as fig
from bench.analysis.capacity import load_capacity
from bench.analysis.cascade import CascadePoint, simulate
from bench.analysis.cost import (
    Cost,
    break_even_requests_per_month,
    capacity_per_month,
    cost_per_1k,
    sensitivity,
)
from bench.analysis.decide import Candidate, Decision, decide
from bench.analysis.facts import run_facts
from bench.analysis.requirements import CostProfile, RequirementsProfile
from bench.catalogue.specs import ModelSpec
from bench.results.records import Metric
from bench.results.store import RunStore


@dataclass
class RunDecisions:
    """Everything the summary, money and cascade sections show."""

    decisions: list[Decision]
    costs: dict[tuple[str, str], Cost]
    candidates: dict[str, list[Candidate]]
    break_even: list[dict] = field(default_factory=list)
    sensitivity: list[dict] = field(default_factory=list)
    cascades: dict[str, tuple[str, str, list[CascadePoint]]] = field(default_factory=dict)
    latency_basis: dict[tuple[str, str], str] = field(default_factory=dict)
    """(model, task) → what the verdict's latency rests on, e.g. 'task requests, n = 20'."""
    memory_basis: dict[tuple[str, str], str] = field(default_factory=dict)
    """(model, task) → what the verdict's memory rests on (GPU memory for a GPU device)."""


def _num(row, key) -> float | None:
    """A recorded or derived figure of a summary row (see bench.analysis.figures)."""
    return fig.figure(row, key)


def _per(row, key: str, n: int) -> float | None:
    """A cell total divided by its number of samples."""
    return fig.per_sample(fig.figure(row, key), n)


def _p95_latency(store: RunStore, model: str, task: str, input_tokens: float | None):
    """(p95 s, basis in words, source, n): the end-to-end p95 of the task's own requests (the
    request probe); without the probe, the perf scenario's at the input length nearest the
    task's; (None, …, 'batched', None) when neither ran."""
    p95, requests, basis = fig.request_latency(store.read_cell(model, task))
    if p95 is not None:
        return p95, basis, "probe", requests
    neither = (None, "neither the request probe nor the scenario ran", "batched", None)
    perf = store.read_perf(model)
    if not perf or perf.status != "ok":
        return neither
    points = [(m.input_tokens, m.output_tokens, m.n, m.detail["p95"])
              for m in perf.select(Metric.E2E, batch_size=None)
              if m.input_tokens and m.detail.get("p95") is not None]  # fmt: skip
    if not points:
        return neither
    target = input_tokens or points[0][0]
    n_in, n_out, n, p95 = min(points, key=lambda p: abs(math.log(p[0]) - math.log(max(target, 1))))
    return p95, (f"synthetic scenario ({n_in} input, {n_out} output tokens, n = {n}): "
                 "the request probe did not run"), "scenario", n  # fmt: skip


BATCHED = "batched: lm-eval's model time per sample"
"""The basis of a self-hosted cost without a load sweep."""


def _at_capacity(store: RunStore, model: str, task: str, slo_s: float | None):
    """(busy seconds per request, kWh per request, basis) at the capacity a load sweep
    measured for this model and task, or None where no sweep ran or none was within the SLO.
    Used instead of lm-eval's batched time per sample wherever it exists."""
    result = store.read_load(model, task)
    cap = load_capacity(result, slo_s)
    if cap is None or not cap.rps:
        return None
    slo = slo_s if slo_s is not None else result.config.slo_s
    energy = cap.power_w / cap.rps / 3.6e6 if cap.power_w is not None else None
    bound = "" if cap.bounded else ", at least: the sweep never left the SLO"
    basis = (f"load sweep: capacity {cap.rps:.3g} requests/s with p95 {result.config.slo_metric}"
             f" ≤ {slo:g} s{bound} ({result.tool})")  # fmt: skip
    return 1.0 / cap.rps, energy, basis


def build(store: RunStore, table: pd.DataFrame, req: RequirementsProfile,
          costs: CostProfile) -> RunDecisions:  # fmt: skip
    """Decisions for every task of the run."""
    info = store.read_info()
    specs: dict[str, ModelSpec] = {s.name: s for s in info.model_specs}
    facts = run_facts(info)
    out = RunDecisions(decisions=[], costs={}, candidates={})
    ok = table.dropna(subset=["accuracy"]) if not table.empty else table
    for task in dict.fromkeys(ok.task) if not ok.empty else []:  # in the table's order
        cands = []
        for _, r in ok[ok.task == task].iterrows():
            spec = specs.get(r.model)
            if spec is None:
                continue
            n = int(r.n)
            energy, tin, tout = (_per(r, key, n) for key in ("energy", "input_tokens",
                                                              "output_tokens"))  # fmt: skip
            cost = cost_per_1k(spec, _num(r, "latency_per_sample"), energy, tin, tout, costs)
            if spec.local:
                cost.basis = BATCHED
            swept = _at_capacity(store, r.model, task, req.for_task(task).max_latency_s)
            if swept and spec.local:  # what one request costs when the machine is kept busy
                cost = cost_per_1k(spec, swept[0], swept[1], tin, tout, costs)
                cost.basis = swept[2]
            out.costs[(r.model, task)] = cost
            scores = {s.doc_hash: s.scores.get(r.metric, 0.0)
                      for s in store.samples(r.model, task)}  # fmt: skip
            latency, basis, source, requests = _p95_latency(store, r.model, task, tin)
            if latency is None:
                latency = _num(r, "latency_per_sample")
                basis = "batched mean per sample: neither the request probe nor the scenario ran"
            out.latency_basis[(r.model, task)] = basis
            memory, out.memory_basis[(r.model, task)] = fig.memory_for_device(
                r, req.for_task(task).device
            )
            cands.append(Candidate(
                model=r.model, size_class=spec.size_class, local=spec.local,
                accuracy=float(r.accuracy), ci_low=float(r.ci_low), ci_high=float(r.ci_high),
                n=n, params_b=spec.params_b, items=facts.of(task).test_size,
                latency_s=latency, latency_basis=basis, memory_mib=memory,
                latency_source=source, latency_n=requests,
                energy_wh_per_1k=_num(r, "energy_wh_per_1k"), cost_per_1k=cost.per_1k,
                cost_basis=cost.basis if cost.per_1k is not None else None,
                scores=scores,
            ))  # fmt: skip
        out.candidates[task] = cands
        out.decisions.append(decide(task, cands, req.for_task(task)))
        rows = ok[ok.task == task]
        metrics = dict(zip(rows.model, rows.metric, strict=True))
        mean_latency = {m: _num(r, "latency_per_sample") for m, (_, r) in
                        zip(rows.model, rows.iterrows(), strict=True)}  # fmt: skip
        out.cascades.update(_cascade(store, task, cands, specs, metrics, mean_latency))
    out.break_even, out.sensitivity = _money(store, ok, specs, costs, out.decisions, req)
    return out


def _cascade(store, task, cands, specs, metrics, mean_latency) -> dict:
    """Smallest model first, largest model on escalation, if confidences exist."""
    if len(cands) < 2:
        return {}
    by_size = sorted(cands, key=lambda c: specs[c.model].params_b or math.inf)
    small, large = by_size[0], by_size[-1]
    samples = store.samples(small.model, task)
    if not samples or samples[0].confidence is None:
        return {}
    metric = metrics[small.model]  # the primary metric, as the verdict scores it
    small_map = {s.doc_hash: (s.scores.get(metric, 0.0), s.confidence) for s in samples}
    # means blend linearly (a p95 does not): mean model time per request of each model
    points = simulate(small_map, large.scores, small.cost_per_1k, large.cost_per_1k,
                      mean_latency[small.model], mean_latency[large.model], steps=10)  # fmt: skip
    return {task: (small.model, large.model, points)} if points else {}


def _money(store, ok: pd.DataFrame, specs, costs: CostProfile, decisions: list[Decision],
           req: RequirementsProfile):  # fmt: skip
    """Per task, the recommended model when it runs locally (the cheapest that meets the
    task's requirements): break-even against each priced API model of the run, with the
    volume compared with what the measured machine can serve; sensitivity per such model.
    API token counts come from this run (counted once per request): an estimate for the API."""
    if ok.empty:
        return [], []
    apis = run_facts(store.read_info()).price_models  # as priced when the run started
    even, chosen = [], {}
    for d in decisions:
        spec = specs.get(d.recommended)
        if spec is None or not spec.local:
            continue
        rows = ok[(ok.model == d.recommended) & (ok.task == d.task)]
        if rows.empty:
            continue
        r = rows.iloc[0]
        n = int(r.n)
        seconds = _num(r, "latency_per_sample")
        energy = _per(r, "energy", n)
        basis = BATCHED
        if swept := _at_capacity(store, d.recommended, d.task, req.for_task(d.task).max_latency_s):
            seconds, energy, basis = swept
        own = cost_per_1k(spec, seconds, energy, None, None, costs)
        chosen.setdefault(d.recommended, []).append((seconds, energy))
        capacity = capacity_per_month(costs, seconds)
        for api in apis:
            api_cost = cost_per_1k(api, None, None, _per(r, "input_tokens", n),
                                   _per(r, "output_tokens", n), costs)  # fmt: skip
            if api_cost.per_1k is None:
                continue
            volume = break_even_requests_per_month(costs, own.energy or 0.0, api_cost.per_1k)
            even.append({"task": d.task, "model": d.recommended, "api": api.name,
                         "own_per_1k": own.per_1k, "api_per_1k": api_cost.per_1k,
                         "volume": volume, "capacity": capacity,
                         "beyond_capacity": volume is not None and capacity is not None
                         and volume > capacity, "as_of": api.price.as_of,
                         "basis": basis})  # fmt: skip
    sens = []
    for model, figures in chosen.items():
        seconds = [s for s, _ in figures if s is not None]
        energies = [e for _, e in figures if e is not None]
        mean_s = sum(seconds) / len(seconds) if seconds else None
        mean_e = sum(energies) / len(energies) if energies else None
        sens += [{**row, "model": model} for row in sensitivity(specs[model], mean_s, mean_e,
                                                                 costs)]  # fmt: skip
    return even, sens
