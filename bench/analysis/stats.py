"""Confidence intervals for accuracies. Pure functions, no heavy imports."""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; well-behaved near 0, 1 and small n."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact ends, no rounding dust
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def mean_interval(values: Sequence[float], z: float = Z95) -> tuple[float, float]:
    """Normal-approximation interval for the mean of bounded scores (e.g. token F1)."""
    n = len(values)
    if n == 0:
        return (0.0, 1.0)
    mean = sum(values) / n
    if n == 1:
        return (mean, mean)
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    half = z * math.sqrt(var / n)
    return (mean - half, mean + half)


def score_interval(values: Sequence[float]) -> tuple[float, float]:
    """Wilson for right/wrong scores, normal approximation otherwise (kept inside [0, 1]
    when the scores are, as F1 and similar are)."""
    if all(v in (0.0, 1.0) for v in values):
        return wilson_interval(int(sum(values)), len(values))
    low, high = mean_interval(values)
    if all(0.0 <= v <= 1.0 for v in values):
        low, high = max(0.0, low), min(1.0, high)
    return (low, high)
