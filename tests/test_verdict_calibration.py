"""The relative verdict's error rates, checked by simulation (and exactly, for right/wrong).

A wrong "SLM sufficient" is a non-inferiority claim when the true difference is −δ or worse; a
wrong "LLM needed" is an inferiority claim when the true difference is 0. Each must happen in
at most 5 % of runs, at n = 5, 30, 200, whatever the accuracy level and the share of samples on
which the two models disagree (the nuisance parameters, swept here). The README quotes the
power figures this prints (`pytest -s tests/test_verdict_calibration.py`).
"""

import numpy as np
import pytest

from bench.analysis.stats.noninferiority import (
    _counts_against,
    discordant_counts,
    paired_noninferiority,
    pvalue_table,
)

ALPHA = 0.05
RUNS = 2000
SIZES = (5, 30, 200)
REFERENCE_ACCURACY = (0.2, 0.5, 0.8)
EXTRA_DISAGREEMENT = (0.0, 0.05, 0.2)  # 0: the candidate never wins (its errors ⊇ the reference's)


def cell_probabilities(reference: float, diff: float, extra: float):
    """(both right, only candidate, only reference, both wrong) for a true difference `diff`."""
    disagree = abs(diff) + extra
    only_c, only_r = (disagree + diff) / 2, (disagree - diff) / 2
    both = reference - only_r
    probs = np.array([both, only_c, only_r, 1 - both - only_c - only_r])
    return probs if probs.min() >= -1e-12 else None


def _lookup(n, delta, greater):
    b, c, p = pvalue_table(n, -delta, greater)
    index = np.full((n + 1, n + 1), -1)
    index[b.astype(int), c.astype(int)] = np.arange(len(b))
    return b, c, p, index


@pytest.mark.parametrize("delta", [0.10, 0.05])
def test_right_wrong_error_rates_at_most_alpha(delta):
    rng = np.random.default_rng(20261201)
    worst = {"sufficient": 0.0, "needed": 0.0}
    for n in SIZES:
        b, c, p_ni, index = _lookup(n, delta, greater=True)
        _, _, p_in, _ = _lookup(n, delta, greater=False)
        for ref in REFERENCE_ACCURACY:
            for extra in EXTRA_DISAGREEMENT:
                for diff, claim, pvals in ((-2 * delta, "sufficient", p_ni),
                                           (-delta, "sufficient", p_ni),
                                           (0.0, "needed", p_in)):  # fmt: skip
                    probs = cell_probabilities(ref, diff, extra)
                    if probs is None:
                        continue
                    tables = rng.multinomial(n, probs / probs.sum(), size=RUNS)
                    rejected = pvals[index[tables[:, 1], tables[:, 2]]] < ALPHA
                    simulated = rejected.mean()
                    # exact probability of the wrong claim under these true rates
                    rest = np.clip(1 - probs[1] - probs[2], 0, 1)
                    logp = (
                        np.log(np.arange(1, n + 1)).sum()
                        - _logfact(b) - _logfact(c) - _logfact(n - b - c)
                        + _xlogy(b, probs[1]) + _xlogy(c, probs[2]) + _xlogy(n - b - c, rest)
                    )  # fmt: skip
                    exact = np.exp(logp)[pvals < ALPHA].sum()
                    assert exact <= ALPHA + 1e-3, (n, ref, extra, diff, exact)
                    # Monte Carlo: within 3 standard errors of a rate that is at most α
                    assert simulated <= ALPHA + 3 * np.sqrt(ALPHA * (1 - ALPHA) / RUNS)
                    worst[claim] = max(worst[claim], simulated)
    print(f"\nδ={delta}: worst simulated wrong 'sufficient' {worst['sufficient']:.3f}, "
          f"wrong 'needed' {worst['needed']:.3f}")  # fmt: skip


def _logfact(k):
    from scipy.special import gammaln

    return gammaln(np.asarray(k, dtype=float) + 1)


def _xlogy(k, p):
    return np.where(k > 0, k * np.log(p) if p > 0 else -np.inf, 0.0)


@pytest.mark.parametrize("delta", [0.10, 0.05])
def test_power_at_n_200_is_printed_and_useful(delta):
    """Power to show 'sufficient' when the models are truly equal (10 % disagreement) and
    'needed' when the candidate is 2δ worse, at n = 200."""
    rng = np.random.default_rng(7)
    n = 200
    b, c, p_ni, index = _lookup(n, delta, greater=True)
    _, _, p_in, _ = _lookup(n, delta, greater=False)
    equal = rng.multinomial(n, cell_probabilities(0.8, 0.0, 0.1), size=RUNS)
    worse = rng.multinomial(n, cell_probabilities(0.8, -2 * delta, 0.1), size=RUNS)
    power_sufficient = (p_ni[index[equal[:, 1], equal[:, 2]]] < ALPHA).mean()
    power_needed = (p_in[index[worse[:, 1], worse[:, 2]]] < ALPHA).mean()
    print(f"\nδ={delta}, n=200: power 'sufficient' (equal models) {power_sufficient:.2f}, "
          f"'needed' (2δ worse) {power_needed:.2f}")  # fmt: skip
    if delta == 0.10:  # the default margin: useful power at the full-suite n
        assert power_sufficient > 0.8 and power_needed > 0.8


def f1_like_pairs(rng, n, diff, improve):
    """Reference scores: 30 % zero, 30 % one, 40 % uniform (mean 0.5). The candidate degrades a
    sample with probability q (score × U) and improves one with probability `improve`
    (score + (1 − score) × U), so the true mean difference is (improve − q) / 4 = diff."""
    q = improve - 4 * diff
    if not 0 <= q <= 1 or q + improve > 1:
        return None
    kind = rng.choice(3, size=n, p=[0.3, 0.3, 0.4])
    ref = np.where(kind == 0, 0.0, np.where(kind == 1, 1.0, rng.random(n)))
    event = rng.random(n)
    u = rng.random(n)
    cand = np.where(event < q, ref * u, np.where(event < q + improve, ref + (1 - ref) * u, ref))
    return cand, ref


@pytest.mark.parametrize("delta", [0.10, 0.05])
def test_f1_like_error_rates_at_most_alpha(delta):
    """The score-mass version on F1-like scores: counts rounded against each claim, then the
    same exact test (looked up in its table of p-values, as `paired_noninferiority` does)."""
    rng = np.random.default_rng(11)
    for n in SIZES:
        _, _, p_ni, index = _lookup(n, delta, greater=True)
        _, _, p_in, _ = _lookup(n, delta, greater=False)
        for improve in (0.0, 0.1, 0.3):
            for diff, claim in ((-delta, True), (-2 * delta, True), (0.0, False)):
                wrong = 0
                for _ in range(RUNS):
                    pair = f1_like_pairs(rng, n, diff, improve)
                    if pair is None:
                        break
                    wins, losses = discordant_counts(*pair)
                    b, c = _counts_against(wins, losses, n, claim_noninferior=claim)
                    pvals = p_ni if claim else p_in
                    wrong += pvals[index[b, c]] < ALPHA
                else:
                    bound = ALPHA + 3 * np.sqrt(ALPHA * (1 - ALPHA) / RUNS)
                    assert wrong / RUNS <= bound, (n, improve, diff, wrong / RUNS)


def test_f1_like_result_matches_the_table_lookup():
    rng = np.random.default_rng(5)
    cand, ref = f1_like_pairs(rng, 30, -0.1, 0.1)
    result = paired_noninferiority(list(cand), list(ref), 0.1)
    b, c = _counts_against(result.wins, result.losses, 30, claim_noninferior=True)
    _, _, p_ni, index = _lookup(30, 0.1, greater=True)
    assert result.p_noninferior == pytest.approx(p_ni[index[b, c]], abs=1e-12)
    assert not result.binary


def test_discordant_counts_are_score_mass():
    assert discordant_counts([1.0, 0.5, 0.0], [0.0, 1.0, 0.0]) == (1.0, 0.5)
