"""Paired non-inferiority: is a candidate at most δ worse than a reference on the same samples?

The verdicts rest on this test. For right/wrong scores the paired table has b samples only
the candidate got right and c only the reference got right; Δ = p_b − p_c is the difference
of accuracies. We test H0: Δ ≤ −δ (rejecting it shows non-inferiority) and H0: Δ ≥ −δ
(rejecting it shows the candidate is worse by more than δ) with an **exact unconditional**
test: Tango's (1998) score statistic orders the tables, and the p-value is the largest tail
probability over the nuisance parameter on the boundary Δ = −δ (Chan, Tang, Tang, Tang & Chan,
2003). Its error rate is at most α for every nuisance value — asymptotic intervals (Wald,
Newcombe, Tango's own) reach 7–13 % in the one-sided use here when discordance is rare and one-
directional, which is common between a small and a large model (tests/test_verdict_calibration).

F1-like scores in [0, 1] enter as score mass (b = Σ (x − y)⁺, c = Σ (y − x)⁺), rounded against
the claim being tested; the simulation test checks its error rate on F1-like data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

NUISANCE_GRID = 200
"""Points on the boundary over which the p-value is maximised (the tail is smooth in them)."""


def tango_z(b, c, n: int, d0: float):
    """Tango's score statistic for H: Δ = d0 from discordant counts b, c of n (vectorised).

    Large values are evidence for Δ > d0. The restricted MLE of p_c under Δ = d0 is the root
    of Tango's quadratic (Tango 1998, Stat Med 17:891, eq. 6)."""
    b, c = np.asarray(b, dtype=float), np.asarray(c, dtype=float)
    qa = 2 * n
    qb = -b - c + (2 * n - b + c) * d0
    qc = -c * d0 * (1 - d0)
    p_c = (np.sqrt(np.maximum(qb * qb - 4 * qa * qc, 0.0)) - qb) / (2 * qa)
    var = n * (2 * p_c + d0 * (1 - d0))
    safe = np.where(var > 0, var, 1.0)
    diff = b - c - n * d0
    edge = np.where(diff > 0, np.inf, np.where(diff < 0, -np.inf, 0.0))
    return np.where(var > 0, diff / np.sqrt(safe), edge)


@lru_cache(maxsize=8)
def _tables(n: int):
    """Every (b, c) with b + c ≤ n and its log multinomial coefficient."""
    from scipy.special import gammaln

    b, c = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = b + c <= n
    b, c = b[keep].astype(float), c[keep].astype(float)
    log_coef = gammaln(n + 1) - gammaln(b + 1) - gammaln(c + 1) - gammaln(n - b - c + 1)
    return b, c, log_coef


def _xlogy(x, y: float):
    return np.where(x > 0, x * math.log(y) if y > 0 else -np.inf, 0.0)


def exact_pvalue(b: int, c: int, n: int, d0: float, greater: bool) -> float:
    """Exact unconditional p-value for H0: Δ ≤ d0 (greater=True) or H0: Δ ≥ d0 (False).

    The largest probability, over p_b on the boundary p_b − p_c = d0, of a table at least as
    extreme (by Tango's statistic) as the observed one."""
    if n == 0:
        return 1.0
    d0 = min(max(d0, -1 + 1e-9), 1 - 1e-9)
    tb, tc, log_coef = _tables(n)
    sign = 1.0 if greater else -1.0
    stat = sign * tango_z(tb, tc, n, d0)
    observed = sign * float(tango_z(b, c, n, d0))
    extreme = stat >= observed - 1e-9
    if not extreme.any():
        return 0.0
    eb, ec, ecoef = tb[extreme], tc[extreme], log_coef[extreme]
    worst = 0.0
    for p_b in np.linspace(max(0.0, d0), (1 + d0) / 2, NUISANCE_GRID):
        p_c = p_b - d0
        rest = max(1.0 - p_b - p_c, 0.0)
        logp = ecoef + _xlogy(eb, p_b) + _xlogy(ec, p_c) + _xlogy(n - eb - ec, rest)
        worst = max(worst, float(np.exp(logp).sum()))
    return min(worst, 1.0)


def pvalue_table(n: int, d0: float, greater: bool):
    """`exact_pvalue` for every table of size n at once: (b, c, p) arrays (for simulations)."""
    tb, tc, log_coef = _tables(n)
    sign = 1.0 if greater else -1.0
    stat = sign * tango_z(tb, tc, n, d0)
    order = np.argsort(-stat, kind="stable")
    ranked = stat[order]
    # index of the last table at least as extreme as each table (ties included)
    last = np.searchsorted(-ranked, -stat + 1e-9, side="right") - 1
    worst = np.zeros(len(tb))
    for p_b in np.linspace(max(0.0, d0), (1 + d0) / 2, NUISANCE_GRID):
        p_c = p_b - d0
        rest = max(1.0 - p_b - p_c, 0.0)
        logp = log_coef + _xlogy(tb, p_b) + _xlogy(tc, p_c) + _xlogy(n - tb - tc, rest)
        worst = np.maximum(worst, np.cumsum(np.exp(logp)[order])[last])
    return tb, tc, np.minimum(worst, 1.0)


def _bound(b: int, c: int, n: int, alpha: float, lower: bool) -> float:
    """One-sided exact confidence bound for Δ: the edge of the d0 whose H0 is rejected."""
    observed = (b - c) / n
    lo, hi = (-1.0, observed) if lower else (observed, 1.0)
    for _ in range(22):  # ~1e-6 resolution on [-1, 1]
        mid = (lo + hi) / 2
        rejected = exact_pvalue(b, c, n, mid, greater=lower) < alpha
        if lower:
            lo, hi = (mid, hi) if rejected else (lo, mid)
        else:
            lo, hi = (lo, mid) if rejected else (mid, hi)
    return lo if lower else hi


def discordant_counts(candidate: Sequence[float], reference: Sequence[float]):
    """Score mass where the candidate beat the reference (wins) and the reverse (losses)."""
    x, y = np.asarray(candidate, dtype=float), np.asarray(reference, dtype=float)
    return float(np.clip(x - y, 0, None).sum()), float(np.clip(y - x, 0, None).sum())


@dataclass(frozen=True)
class NonInferiority:
    """Candidate against reference on n shared samples, at margin δ (one-sided, level α)."""

    n: int
    """Shared samples."""
    candidate: float
    """Candidate's mean score on them."""
    reference: float
    """Reference's mean score on them."""
    margin: float
    """δ: how much worse than the reference still counts as good enough."""
    alpha: float
    """Error rate of each one-sided claim."""
    wins: float
    """Samples (score mass) the candidate got right and the reference did not."""
    losses: float
    """Samples (score mass) the reference got right and the candidate did not."""
    p_noninferior: float
    """p-value of H0 'worse by δ or more'; below α shows the candidate good enough."""
    p_inferior: float
    """p-value of H0 'worse by less than δ'; below α shows the reference is needed."""
    lower: float
    """One-sided (1 − α) lower confidence bound of the difference (candidate − reference)."""
    upper: float
    """One-sided (1 − α) upper confidence bound of the difference."""
    binary: bool
    """Right/wrong scores (exact); otherwise F1-like score mass."""

    @property
    def difference(self) -> float:
        """Observed difference of mean scores (candidate − reference)."""
        return self.candidate - self.reference

    @property
    def outcome(self) -> str:
        """'noninferior', 'inferior' or 'undecided' at margin δ."""
        if self.p_noninferior < self.alpha:
            return "noninferior"
        if self.p_inferior < self.alpha:
            return "inferior"
        return "undecided"

    @property
    def supported_margin(self) -> float:
        """The largest shortfall the data rules out: 'at most this much worse' (≥ 0)."""
        return max(0.0, -self.lower)


def _counts_against(wins: float, losses: float, n: int, claim_noninferior: bool):
    """Round score mass to counts against the claim under test, so rounding never helps it."""
    if claim_noninferior:
        b, c = math.floor(wins + 1e-9), math.ceil(losses - 1e-9)
    else:
        b, c = math.ceil(wins - 1e-9), math.floor(losses + 1e-9)
    if b + c > n:  # only possible through rounding up; give the excess back
        if claim_noninferior:
            c = n - b
        else:
            b = n - c
    return b, c


def paired_noninferiority(
    candidate: Sequence[float], reference: Sequence[float], margin: float, alpha: float = 0.05
) -> NonInferiority | None:
    """Exact paired non-inferiority of `candidate` against `reference` at margin δ."""
    if len(candidate) != len(reference):
        raise ValueError("paired scores must have the same length")
    n = len(candidate)
    if n == 0:
        return None
    wins, losses = discordant_counts(candidate, reference)
    binary = all(v in (0.0, 1.0) for v in list(candidate) + list(reference))
    b_ni, c_ni = _counts_against(wins, losses, n, claim_noninferior=True)
    b_in, c_in = _counts_against(wins, losses, n, claim_noninferior=False)
    return NonInferiority(
        n=n, candidate=float(np.mean(candidate)), reference=float(np.mean(reference)),
        margin=margin, alpha=alpha, wins=wins, losses=losses,
        p_noninferior=exact_pvalue(b_ni, c_ni, n, -margin, greater=True),
        p_inferior=exact_pvalue(b_in, c_in, n, -margin, greater=False),
        lower=_bound(b_ni, c_ni, n, alpha, lower=True),
        upper=_bound(b_in, c_in, n, alpha, lower=False),
        binary=binary,
    )  # fmt: skip


def samples_to_decide(
    result: NonInferiority, max_n: int, limit: int = 1000
) -> tuple[int | None, bool]:
    """Shared samples needed for a decision at the observed rates: (N, within reach).

    Scales the observed discordant rates to N and finds the smallest N ≤ min(max_n, limit)
    whose table decides at δ. (None, False) when even that many would not settle it."""
    n = result.n
    cap = min(max_n, limit)
    rate_w, rate_l = result.wins / n, result.losses / n

    def decides(size: int) -> bool:
        w, loss = round(rate_w * size), round(rate_l * size)
        if w + loss > size:
            return False
        return (
            exact_pvalue(w, loss, size, -result.margin, greater=True) < result.alpha
            or exact_pvalue(w, loss, size, -result.margin, greater=False) < result.alpha
        )

    if cap <= n or not decides(cap):
        return None, False
    lo, hi = n, cap  # decides(hi) holds; find the smallest such size
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if decides(mid) else (mid, hi)
    return hi, True
