import pytest

from bench.analysis.stats import mean_interval, score_interval, wilson_interval


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
    low, high = mean_interval([0.5, 1.0])
    assert score_interval([0.5, 1.0]) == (max(0.0, low), min(1.0, high))  # F1 stays in [0, 1]
