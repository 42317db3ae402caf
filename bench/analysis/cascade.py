"""Cascade what-if: the small model answers, and escalates to the large one when unsure.

From per-sample logs of two models on the same samples: for each confidence threshold t the
small model keeps the samples where its confidence ≥ t and hands the rest to the large model.
Blended accuracy, cost and latency follow from the per-sample scores and the per-request
figures (the large model is only paid for the escalated share; the small one always runs).
Confidence exists for multiple-choice tasks (probability of the chosen option).
"""

from __future__ import annotations

from dataclasses import dataclass


def _blend(small: float | None, large: float | None, share: float) -> float | None:
    """The small model always runs; the large one on the escalated share."""
    return small + share * large if small is not None and large is not None else None


@dataclass
class CascadePoint:
    """The blended outcome at one threshold."""

    threshold: float
    escalated: float
    accuracy: float
    cost_per_1k: float | None
    latency_s: float | None


def simulate(small: dict[str, tuple[float, float]], large: dict[str, float],
             small_cost: float | None, large_cost: float | None, small_latency: float | None,
             large_latency: float | None, steps: int = 20) -> list[CascadePoint]:  # fmt: skip
    """`small` maps doc hash → (score, confidence), `large` doc hash → score (shared docs)."""
    shared = sorted(set(small) & set(large))
    if not shared:
        return []
    points = []
    for i in range(steps + 1):
        t = i / steps
        up = [h for h in shared if small[h][1] < t]
        esc = len(up) / len(shared)
        up_set = set(up)
        acc = sum(large[h] if h in up_set else small[h][0] for h in shared) / len(shared)
        cost = _blend(small_cost, large_cost, esc)
        latency = _blend(small_latency, large_latency, esc)
        points.append(CascadePoint(t, esc, acc, cost, latency))
    return points
