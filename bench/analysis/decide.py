"""Verdicts: per task, is a small model good enough, which model to take, and how sure we are.

For each task the requirement gives an accuracy threshold (absolute, or the best model's
accuracy less δ) and optional limits. Models that break a hard limit (remote when data must
stay on premises, too much memory, too slow, too much energy, too dear) are out. Among the
rest, the recommended model is the cheapest whose accuracy reaches the threshold. The verdict:

- **slm_sufficient**: the recommendation is an SLM and its 95 % interval lies above the
  threshold;
- **llm_needed**: only LLMs reach the threshold and every SLM's interval lies below it;
- **inconclusive**: the intervals straddle the threshold; the number of further samples that
  would settle it is estimated;
- **none_meets**: no model meets the requirements;
- **no_reference**: the requirement is relative ("as good as the best within δ") but the run
  has no LLM to be measured against, so "good enough" cannot be judged — set `min_accuracy`
  or add an LLM.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bench.analysis.requirements import Requirement
from bench.analysis.stats import Z95
from bench.ci.regress import mcnemar_exact, paired_bootstrap


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
    latency_s: float | None = None
    memory_mib: float | None = None
    energy_wh_per_1k: float | None = None
    cost_per_1k: float | None = None
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class PairedComparison:
    """Best SLM against best LLM on the samples both answered."""

    slm: str
    llm: str
    n_shared: int
    difference: float
    ci: tuple[float, float] | None
    p_value: float | None
    equivalent: bool
    test: str


@dataclass
class Decision:
    """The verdict for one task and what it rests on."""

    task: str
    verdict: str
    threshold: float
    recommended: str | None
    excluded: dict[str, str]
    more_samples: int | None = None
    comparison: PairedComparison | None = None


def samples_needed(accuracy: float, threshold: float, n: int) -> int | None:
    """Further samples until the 95 % interval no longer straddles the threshold (normal
    approximation, assuming the accuracy stays where it is). None when it sits on it."""
    gap = abs(accuracy - threshold)
    if gap < 1e-9:
        return None
    p = min(max(accuracy, 0.01), 0.99)
    return max(0, math.ceil(Z95**2 * p * (1 - p) / gap**2) - n)


def exclusion(c: Candidate, req: Requirement) -> str | None:
    """Why a hard limit rules the model out, or None."""
    if req.on_premises and not c.local:
        return "remote API, data must stay on premises"
    limit = req.memory_limit_mib()
    if limit and c.memory_mib and c.memory_mib > limit:
        return f"needs {c.memory_mib:,.0f} MiB > {limit:,.0f} MiB"
    if req.max_latency_s and c.latency_s and c.latency_s > req.max_latency_s:
        return f"latency {c.latency_s:.2f} s > {req.max_latency_s:.2f} s"
    if (
        req.max_energy_wh_per_1k
        and c.energy_wh_per_1k
        and c.energy_wh_per_1k > req.max_energy_wh_per_1k
    ):
        return f"energy {c.energy_wh_per_1k:.2f} Wh/1k > {req.max_energy_wh_per_1k:.2f}"
    if req.max_cost_per_1k is not None and c.cost_per_1k and c.cost_per_1k > req.max_cost_per_1k:
        return f"cost {c.cost_per_1k:.2f}/1k > {req.max_cost_per_1k:.2f}"
    return None


def compare_paired(slm: Candidate, llm: Candidate, delta: float) -> PairedComparison | None:
    """McNemar for right/wrong scores, paired bootstrap otherwise; equivalence within δ."""
    shared = sorted(set(slm.scores) & set(llm.scores))
    if not shared:
        return None
    a = [slm.scores[h] for h in shared]
    b = [llm.scores[h] for h in shared]
    diffs = [x - y for x, y in zip(a, b, strict=True)]
    ci = paired_bootstrap(diffs)
    p, test = None, "paired bootstrap"
    if all(v in (0.0, 1.0) for v in a + b):
        p = mcnemar_exact(sum(1 for x, y in zip(a, b, strict=True) if x > y),
                          sum(1 for x, y in zip(a, b, strict=True) if y > x))  # fmt: skip
        test = "McNemar (exact)"
    return PairedComparison(
        slm=slm.model, llm=llm.model, n_shared=len(shared), difference=sum(diffs) / len(diffs),
        ci=ci, p_value=p, equivalent=-delta <= ci[0] and ci[1] <= delta, test=test,
    )  # fmt: skip


def decide(task: str, candidates: list[Candidate], req: Requirement) -> Decision:
    """The verdict for one task."""
    if not candidates:
        return Decision(task, "none_meets", float("nan"), None, {})
    best = max(c.accuracy for c in candidates)
    relative = req.min_accuracy is None
    threshold = req.min_accuracy if not relative else max(0.0, best - (req.within_best or 0))
    if relative and not any(c.size_class == "llm" for c in candidates):
        return Decision(task, "no_reference", threshold, None, {})
    excluded = {c.model: why for c in candidates if (why := exclusion(c, req))}
    allowed = [c for c in candidates if c.model not in excluded]
    for c in allowed:
        if c.accuracy < threshold:
            excluded[c.model] = f"accuracy {c.accuracy:.3f} < {threshold:.3f}"
    meeting = [c for c in allowed if c.accuracy >= threshold]
    delta = req.within_best or 0.05
    slms = sorted((c for c in candidates if c.size_class == "slm"), key=lambda c: -c.accuracy)
    llms = sorted((c for c in candidates if c.size_class == "llm"), key=lambda c: -c.accuracy)
    comparison = compare_paired(slms[0], llms[0], delta) if slms and llms else None
    if not meeting:
        return Decision(task, "none_meets", threshold, None, excluded, comparison=comparison)
    key = lambda c: (c.cost_per_1k if c.cost_per_1k is not None else math.inf,  # noqa: E731
                     c.latency_s or math.inf, c.model)  # fmt: skip
    slm_meeting = sorted((c for c in meeting if c.size_class == "slm"), key=key)
    choice = slm_meeting[0] if slm_meeting else sorted(meeting, key=key)[0]
    if choice.size_class == "slm":
        sure = choice.ci_low >= threshold or relative and choice.accuracy == best
        verdict = "slm_sufficient" if sure else "inconclusive"
    else:
        allowed_slms = [c for c in allowed if c.size_class == "slm"]
        sure = all(c.ci_high < threshold for c in allowed_slms)
        verdict = "llm_needed" if sure else "inconclusive"
    more = None
    if verdict == "inconclusive":
        near = (
            choice
            if choice.size_class == "slm"
            else max((c for c in allowed if c.size_class == "slm"), key=lambda c: c.accuracy)
        )
        more = samples_needed(near.accuracy, threshold, near.n)
    return Decision(task, verdict, threshold, choice.model, excluded, more, comparison)
