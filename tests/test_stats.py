import pytest

from bench.analysis.stats import (
    mean_interval,
    paired_noninferiority,
    score_interval,
    smallest_detectable_drop,
    wilson_interval,
)


def test_wilson_matches_published_values():
    # Wilson 95 % interval for 8/10 (Newcombe 1998, table I): 0.4902–0.9433.
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_stays_inside_unit_interval_at_extremes():
    assert wilson_interval(0, 5)[0] == 0.0
    assert wilson_interval(5, 5)[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_mean_interval_of_constant_scores_is_a_point():
    assert mean_interval([0.5, 0.5, 0.5]) == pytest.approx((0.5, 0.5))


def test_score_interval_picks_wilson_for_binary_scores():
    assert score_interval([1.0, 0.0, 1.0, 1.0]) == wilson_interval(3, 4)
    # F1-like scores: Wilson on the score mass, inside [0, 1] and never a point
    assert score_interval([0.5, 1.0]) == wilson_interval(1.5, 2)
    low, high = score_interval([0.5, 0.5, 0.5])
    assert 0.0 < low < 0.5 < high < 1.0


def test_wilson_equals_scipy():
    from scipy.stats import binomtest

    for k, n in [(0, 5), (3, 5), (8, 10), (170, 200), (30, 30)]:
        ci = binomtest(k, n).proportion_ci(method="wilson")
        assert wilson_interval(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_smallest_detectable_drop_of_exact_mcnemar():
    assert smallest_detectable_drop(3) is None  # 2 · 0.5^3 = 0.25: never significant
    assert smallest_detectable_drop(60) == pytest.approx(0.1)  # 6 losses, no wins: p = 0.031


def test_exact_noninferiority_without_discordant_pairs_has_the_closed_form_bound():
    # b = c = 0: the worst case puts all discordance on the reference's side, so the lower
    # bound is −(1 − α^(1/n)) — e.g. 30 identical answers rule out "10 points worse".
    r = paired_noninferiority([1.0] * 30, [1.0] * 30, margin=0.10)
    assert r.lower == pytest.approx(-(1 - 0.05 ** (1 / 30)), abs=1e-5)
    assert r.outcome == "noninferior"
    r3 = paired_noninferiority([1.0] * 3, [1.0] * 3, margin=0.10)
    assert r3.outcome == "undecided"  # three identical samples prove nothing


def test_exact_interval_is_close_to_published_asymptotic_ones():
    # Cavo et al. 2012 (Fagerland, Lydersen & Laake 2017, ch. 8): a=59, b=6, c=16, d=80;
    # Newcombe square-and-add 95 %: −0.1186 to −0.0046. Exact and asymptotic agree closely.
    x = [1.0] * 65 + [0.0] * 96
    y = [1.0] * 59 + [0.0] * 6 + [1.0] * 16 + [0.0] * 80
    r = paired_noninferiority(x, y, margin=0.10, alpha=0.025)
    assert r.difference == pytest.approx(-10 / 161)
    assert r.lower == pytest.approx(-0.1186, abs=0.01)
    assert r.upper == pytest.approx(-0.0046, abs=0.01)
