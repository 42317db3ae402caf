"""Intervals for one model's accuracy and tests for two runs of one model (CI's `compare`).

Scores are per-sample values in [0, 1] (right/wrong, or F1-like). scipy where it has the
method (Wilson is written out vectorised and tested equal to scipy's).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Z95 = 1.959963984540054
"""Two-sided 95 % normal quantile."""


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def wilson_bounds(successes, n, z: float):
    """Wilson score interval, vectorised; `successes` may be fractional (sum of [0, 1] scores).

    For right/wrong scores this is scipy's `binomtest(...).proportion_ci("wilson")` (tested);
    for a mean of [0, 1] scores it is conservative, since such scores vary at most p(1 − p).
    """
    s, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, s / n, 0.0)
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.where(s <= 0, 0.0, np.maximum(0.0, centre - half))  # exact ends, no dust
        high = np.where(s >= n, 1.0, np.minimum(1.0, centre + half))
    return np.where(n > 0, low, 0.0), np.where(n > 0, high, 1.0)


def wilson_interval(successes: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion; well-behaved near 0, 1 and small n."""
    low, high = wilson_bounds(successes, n, _z(confidence))
    return float(low), float(high)


def mean_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """t-interval for the mean of unbounded scores (scipy's t quantile)."""
    from scipy.stats import t

    n = len(values)
    if n == 0:
        return (0.0, 1.0)
    mean = sum(values) / n
    if n == 1:
        return (mean, mean)
    sd = float(np.std(values, ddof=1))
    half = float(t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def score_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """Interval for a mean score: Wilson on the sum for scores in [0, 1] (exactly Wilson for
    right/wrong scores, conservative for F1-like ones, never collapsing to a point), a
    t-interval otherwise."""
    if values and all(0.0 <= v <= 1.0 for v in values):
        return wilson_interval(float(sum(values)), len(values), confidence)
    return mean_interval(values, confidence)


def is_binary(values: Sequence[float]) -> bool:
    """True when every score is 0 or 1 (right/wrong)."""
    return all(v in (0.0, 1.0) for v in values)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value from the discordant counts b and c (scipy binomtest)."""
    from scipy.stats import binomtest

    if b + c == 0:
        return 1.0
    return float(binomtest(min(b, c), b + c, 0.5).pvalue)


def paired_bootstrap_interval(
    diffs: Sequence[float], confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """BCa bootstrap interval of the mean of paired differences (scipy, seeded); a constant
    sample gives that constant — callers needing a non-collapsing interval use
    `paired_difference`."""
    from scipy.stats import bootstrap

    values = np.asarray(diffs, dtype=float)
    if len(values) < 2 or np.all(values == values[0]):
        m = float(values.mean()) if len(values) else 0.0
        return (m, m)
    res = bootstrap((values,), np.mean, confidence_level=confidence, method="BCa",
                    n_resamples=2000, random_state=np.random.default_rng(seed))  # fmt: skip
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def smallest_detectable_drop(n: int, alpha: float = 0.05) -> float | None:
    """The smallest drop in accuracy an exact two-sided McNemar test at `alpha` can flag on n
    shared right/wrong samples: k losses and no wins with 2·0.5^k < alpha, i.e. k/n. None when
    even n losses out of n would not be significant."""
    k = math.ceil(math.log2(2 / alpha) + 1e-12)
    while 2 * 0.5**k >= alpha:
        k += 1
    return k / n if n >= k else None
