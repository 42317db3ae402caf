"""Verdicts: per task, is a small model good enough, which model to take, and how sure we are.

Every verdict is a claim with an error rate of at most 5 % (one-sided), checked by simulation
in tests/test_verdict_calibration.py. Two kinds of requirement:

- **Relative** (default): a candidate is good enough when it is at most δ worse than a
  **reference model** on the same samples. The reference is the one the profile or
  `--reference` names; else the most accurate LLM in the run; else the largest model (and the
  report says it is not an LLM). Each smaller model (SLM) is tested against it with the exact
  paired non-inferiority test (`bench.analysis.stats.noninferiority`).
- **Absolute** (`min_accuracy`): a model meets it when the one-sided 95 % Wilson lower bound
  of its accuracy is at or above the floor, and fails it when the upper bound is below.

Verdicts: **slm_sufficient** (some SLM shown good enough), **llm_needed** (every SLM shown
short — by more than δ, below the floor, or ruled out by a hard limit), **inconclusive**
(neither shown; with the samples that would settle it, if the task has that many),
**none_meets** (no model can be recommended), **no_reference** (a relative requirement with
fewer than two models, or a named reference that did not run the task).

Several SLMs are tested in a fixed order, largest first, stopping at the first that is not
shown good enough (fixed-sequence testing), so the chance of any wrong "sufficient" stays at
α however many SLMs a run holds. Models ruled out by hard limits (remote API when data must
stay in the house, memory, latency, energy, cost) are not recommended.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from bench.analysis.requirements import Requirement
from bench.analysis.stats import (
    NonInferiority,
    paired_noninferiority,
    samples_to_decide,
    wilson_bounds,
)

ALPHA = 0.05
"""Error rate of each one-sided claim."""
Z_ONE_SIDED = 1.6448536269514722
"""Normal quantile of a one-sided 95 % bound."""


@dataclass
class Candidate:
    """One model's figures on one task, as the decision needs them."""

    model: str
    size_class: str
    local: bool
    accuracy: float
    ci_low: float
    ci_high: float
    n: int
    params_b: float | None = None
    items: int | None = None
    """Items the task has (caps 'how many more samples')."""
    latency_s: float | None = None
    """p95 latency per request, the figure `max_latency_s` is judged on."""
    latency_basis: str | None = None
    """What `latency_s` rests on, in words, e.g. 'task requests, n = 20'."""
    latency_source: str | None = None
    """'probe' (the task's own requests), 'scenario' or 'batched' (for the report's texts)."""
    latency_n: int | None = None
    """Requests the latency rests on."""
    memory_mib: float | None = None
    energy_wh_per_1k: float | None = None
    cost_per_1k: float | None = None
    cost_basis: str | None = None
    """What `cost_per_1k` rests on, in words: a load sweep's capacity, lm-eval's batched time
    per sample, or an API price (the cost ordering may mix them; the report names each)."""
    scores: dict[str, float] = field(default_factory=dict)
    """Per-sample primary scores by document hash (for pairing)."""


@dataclass
class Reference:
    """The model relative requirements compare with, and how it was chosen."""

    model: str
    chosen_by: str
    """'named' (profile or --reference), 'best_llm' or 'largest' (no LLM in the run)."""
    is_llm: bool
    params_b: float | None


@dataclass
class Comparison:
    """One candidate against the reference on their shared samples."""

    model: str
    test: NonInferiority
    tested: bool = True
    """False when fixed-sequence testing stopped before this candidate."""


@dataclass
class AbsoluteCheck:
    """One model against an absolute floor (one-sided 95 % Wilson bounds)."""

    model: str
    low: float
    high: float
    n: int
    outcome: str
    """'meets', 'fails' or 'undecided'."""


@dataclass
class Decision:
    """The verdict for one task and what it rests on."""

    task: str
    verdict: str
    mode: str
    """'relative' or 'absolute'."""
    margin: float | None
    """δ of a relative requirement."""
    threshold: float | None
    """Floor of an absolute requirement."""
    recommended: str | None
    excluded: dict[str, str]
    reference: Reference | None = None
    comparisons: list[Comparison] = field(default_factory=list)
    checks: list[AbsoluteCheck] = field(default_factory=list)
    deciding: str | None = None
    """The candidate the verdict's numbers are about (recommended SLM, or the nearest one)."""
    samples_needed: int | None = None
    """Total shared samples that would settle an inconclusive verdict at the observed rates."""
    beyond_task: bool = False
    """True when even every item of the task would not settle it."""
    note: str | None = None
    """Why there is no verdict (no_reference)."""

    def comparison(self, model: str | None) -> Comparison | None:
        """The comparison of `model` with the reference, if any."""
        return next((c for c in self.comparisons if c.model == model), None)

    def check(self, model: str | None) -> AbsoluteCheck | None:
        """The absolute check of `model`, if any."""
        return next((c for c in self.checks if c.model == model), None)


def exclusion(c: Candidate, req: Requirement) -> str | None:
    """Why a hard limit rules the model out, or None."""
    if req.on_premises and not c.local:
        return "remote API, data must stay on premises"
    limit = req.memory_limit_mib()
    if limit and c.memory_mib and c.memory_mib > limit:
        return f"needs {c.memory_mib:,.0f} MiB > {limit:,.0f} MiB"
    if req.max_latency_s and c.latency_s and c.latency_s > req.max_latency_s:
        return f"p95 latency {c.latency_s:.2f} s > {req.max_latency_s:.2f} s"
    if (
        req.max_energy_wh_per_1k
        and c.energy_wh_per_1k
        and c.energy_wh_per_1k > req.max_energy_wh_per_1k
    ):
        return f"energy {c.energy_wh_per_1k:.2f} Wh/1k > {req.max_energy_wh_per_1k:.2f}"
    if req.max_cost_per_1k is not None and c.cost_per_1k and c.cost_per_1k > req.max_cost_per_1k:
        return f"cost {c.cost_per_1k:.2f}/1k > {req.max_cost_per_1k:.2f}"
    return None


def choose_reference(candidates: list[Candidate], named: str | None) -> Reference | None:
    """The named model; else the most accurate LLM; else the largest model. None if absent."""
    by_name = {c.model: c for c in candidates}
    if named:
        c = by_name.get(named)
        return Reference(named, "named", c.size_class == "llm", c.params_b) if c else None
    llms = [c for c in candidates if c.size_class == "llm"]
    if llms:
        c = max(llms, key=lambda c: (c.accuracy, c.params_b or 0.0, c.model))
        return Reference(c.model, "best_llm", True, c.params_b)
    if not candidates:
        return None
    c = max(candidates, key=lambda c: (c.params_b or 0.0, c.accuracy, c.model))
    return Reference(c.model, "largest", False, c.params_b)


def _cheapest(cands: list[Candidate]) -> Candidate:
    return min(cands, key=lambda c: (c.cost_per_1k if c.cost_per_1k is not None else math.inf,
                                     c.latency_s or math.inf, c.model))  # fmt: skip


def _largest_first(cands: list[Candidate]) -> list[Candidate]:
    """The fixed testing order: by size, largest first (fixed before looking at accuracy)."""
    return sorted(cands, key=lambda c: (-(c.params_b or 0.0), c.model))


def decide(task: str, candidates: list[Candidate], req: Requirement,
           reference: str | None = None) -> Decision:  # fmt: skip
    """The verdict for one task (`reference` overrides the profile's)."""
    excluded = {c.model: why for c in candidates if (why := exclusion(c, req))}
    if req.min_accuracy is not None:
        return _absolute(task, candidates, req, excluded)
    return _relative(task, candidates, req, excluded, reference or req.reference)


def _relative(task, candidates, req: Requirement, excluded, named) -> Decision:
    margin = req.margin
    base = {"task": task, "mode": "relative", "margin": margin, "threshold": None,
            "excluded": excluded}  # fmt: skip
    ref = choose_reference(candidates, named)
    if ref is None or len(candidates) < 2:
        note = "missing" if named and ref is None else "single"
        return Decision(verdict="no_reference", recommended=None, note=note, **base)
    ref_cand = next(c for c in candidates if c.model == ref.model)
    slms = [c for c in candidates if c.size_class == "slm" and c.model != ref.model]
    if not slms:
        return Decision(verdict="no_reference", recommended=None, note="no_slm", reference=ref,
                        **base)  # fmt: skip
    allowed = [c for c in slms if c.model not in excluded]
    comparisons = []
    shown, stopped = [], False
    for c in _largest_first(allowed):
        shared = sorted(set(c.scores) & set(ref_cand.scores))
        mine, theirs = [c.scores[h] for h in shared], [ref_cand.scores[h] for h in shared]
        test = paired_noninferiority(mine, theirs, margin, ALPHA)
        if test is None:
            continue
        comparisons.append(Comparison(c.model, test, tested=not stopped))
        if not stopped and test.outcome == "noninferior":
            shown.append(c)
        else:
            stopped = True  # fixed sequence: later candidates are reported, not claimed
    dec = Decision(verdict="inconclusive", recommended=None, reference=ref,
                   comparisons=comparisons, **base)  # fmt: skip
    ref_allowed = ref.model not in excluded
    if shown:
        choice = _cheapest(shown)
        dec.verdict, dec.recommended, dec.deciding = "slm_sufficient", choice.model, choice.model
    elif all(cmp.test.outcome == "inferior" for cmp in comparisons):
        # every SLM worse by more than δ, or ruled out by a hard limit
        dec.verdict = "llm_needed" if ref_allowed else "none_meets"
        dec.recommended = ref.model if ref_allowed else None
        dec.deciding = max(comparisons, key=lambda c: c.test.upper).model if comparisons else None
    else:
        nearest = max(comparisons, key=lambda c: c.test.lower) if comparisons else None
        if nearest is None:
            dec.verdict = "none_meets" if not ref_allowed else "llm_needed"
            dec.recommended = ref.model if ref_allowed else None
            return dec
        dec.deciding = nearest.model
        cand = next(c for c in candidates if c.model == nearest.model)
        items = cand.items or nearest.test.n
        needed, reachable = samples_to_decide(nearest.test, items)
        dec.samples_needed, dec.beyond_task = needed, not reachable
    return dec


def absolute_check(c: Candidate, threshold: float) -> AbsoluteCheck:
    """One-sided 95 % Wilson bounds on the score mass against the floor."""
    mass = sum(c.scores.values()) if c.scores else c.accuracy * c.n
    n = len(c.scores) or c.n
    low, high = (float(x) for x in wilson_bounds(mass, n, Z_ONE_SIDED))
    outcome = "meets" if low >= threshold else "fails" if high < threshold else "undecided"
    return AbsoluteCheck(c.model, low, high, n, outcome)


def samples_for_floor(accuracy: float, threshold: float, n: int, items: int) -> int | None:
    """Smallest N in (n, items] at which the observed accuracy's one-sided bound clears or
    misses the floor; None when even `items` samples would not settle it."""
    if items <= n:
        return None
    sizes = np.arange(n + 1, items + 1)
    low, high = wilson_bounds(accuracy * sizes, sizes, Z_ONE_SIDED)
    settled = (low >= threshold) | (high < threshold)
    return int(sizes[np.argmax(settled)]) if settled.any() else None


def _absolute(task, candidates, req: Requirement, excluded) -> Decision:
    threshold = float(req.min_accuracy)
    allowed = [c for c in candidates if c.model not in excluded]
    checks = {c.model: absolute_check(c, threshold) for c in candidates}
    dec = Decision(task=task, verdict="inconclusive", mode="absolute", margin=None,
                   threshold=threshold, recommended=None, excluded=excluded,
                   checks=list(checks.values()))  # fmt: skip
    slms = [c for c in allowed if c.size_class == "slm"]
    llms = [c for c in allowed if c.size_class == "llm"]
    shown = []
    for c in _largest_first(slms):  # fixed sequence, as in the relative case
        if checks[c.model].outcome != "meets":
            break
        shown.append(c)
    llms_meeting = [c for c in llms if checks[c.model].outcome == "meets"]
    if shown:
        choice = _cheapest(shown)
        dec.verdict, dec.recommended, dec.deciding = "slm_sufficient", choice.model, choice.model
    elif all(checks[c.model].outcome == "fails" for c in slms):
        if llms_meeting:
            choice = _cheapest(llms_meeting)
            dec.verdict, dec.recommended = "llm_needed", choice.model
            dec.deciding = max(slms, key=lambda c: c.accuracy).model if slms else None
        elif all(checks[c.model].outcome == "fails" for c in llms):
            dec.verdict = "none_meets"
            best = max(allowed, key=lambda c: c.accuracy, default=None)
            dec.deciding = best.model if best else None  # the nearest miss, for the sentence
    if dec.verdict == "inconclusive":
        open_ = [c for c in allowed if checks[c.model].outcome == "undecided"] or [
            c for c in slms if checks[c.model].outcome != "fails"
        ]
        near = max(open_, key=lambda c: (c.size_class == "slm", checks[c.model].high))
        dec.deciding = near.model
        items = near.items or near.n
        needed = samples_for_floor(near.accuracy, threshold, near.n, items)
        dec.samples_needed, dec.beyond_task = needed, needed is None
    return dec
