"""Capacity at an SLO from sweep points, and the cost of a request at that capacity."""

from __future__ import annotations

import pytest

from bench.analysis.capacity import SweepPoint, capacity, cost_at_capacity, sweep_capacity
from bench.analysis.requirements import CostProfile


def _sweep(*rows):
    return [SweepPoint(offered_rps=o, achieved_rps=a, p95_s=p, power_w=w) for o, a, p, w in rows]


SWEEP = _sweep((1, 1.0, 0.5, 100), (2, 2.0, 0.9, 120), (4, 3.0, 2.9, 140), (8, 3.1, 9.0, 150))


def test_capacity_interpolates_between_the_last_point_within_and_the_first_beyond():
    cap = sweep_capacity(SWEEP, slo_s=1.9)
    # p95 1.9 s lies halfway from 0.9 s (2 rps) to 2.9 s (3 rps)
    assert cap.rps == pytest.approx(2.5) and cap.bounded
    assert cap.power_w == pytest.approx(130)


def test_a_point_exactly_at_the_slo_is_within_it():
    assert sweep_capacity(SWEEP, slo_s=0.9).rps == pytest.approx(2.0)


def test_order_of_points_does_not_matter_and_later_points_do_not_bring_it_back():
    shuffled = [SWEEP[2], SWEEP[0], SWEEP[3], SWEEP[1]]
    assert sweep_capacity(shuffled, 1.9).rps == pytest.approx(2.5)
    # p95 drops again past saturation (requests failing fast): still capped at the crossing
    odd = [*SWEEP, SweepPoint(offered_rps=16, achieved_rps=1.0, p95_s=0.2)]
    assert sweep_capacity(odd, 1.9).rps == pytest.approx(2.5)


def test_slo_broken_at_the_lowest_rate_gives_no_capacity():
    cap = sweep_capacity(SWEEP, slo_s=0.1)
    assert cap.rps is None and cap.bounded


def test_never_leaving_the_slo_gives_a_lower_bound():
    cap = sweep_capacity(SWEEP, slo_s=60)
    assert cap.rps == pytest.approx(3.1) and not cap.bounded


def test_a_failed_step_crosses_the_slo_at_the_last_good_point():
    points = _sweep((1, 1.0, 0.5, None), (2, 0.0, None, None))
    assert sweep_capacity(points, 1.0).rps == pytest.approx(1.0)


def test_repeated_sweeps_give_a_mean_with_an_interval():
    other = _sweep((1, 1.0, 0.5, 100), (2, 2.0, 1.0, 120), (4, 3.0, 3.0, 140))
    cap = capacity([SWEEP, other], slo_s=1.9)
    first, second = 2.5, 2.0 + 0.9 / 2.0  # 1.9 s is 45 % of the way from 1.0 s to 3.0 s
    assert cap.rps == pytest.approx((first + second) / 2)
    assert cap.ci_low < cap.rps < cap.ci_high and cap.n_sweeps == 2 and cap.bounded


def test_no_sweep_within_the_slo_gives_none():
    cap = capacity([SWEEP], slo_s=0.1)
    assert cap.rps is None and cap.ci_low is None


def test_cost_at_capacity_is_busy_time_per_request_plus_its_energy():
    profile = CostProfile(hardware_price=8760.0, lifetime_years=1.0, utilisation=1.0,
                          electricity_per_kwh=0.5)  # fmt: skip
    cost = cost_at_capacity(rps=2.0, power_w=360.0, profile=profile)
    # 1 currency/h hardware; 7,200 requests an hour → 1/7.2 per 1,000 requests
    assert cost.hardware_per_1k == pytest.approx(1000 / 7200)
    # 360 W for 0.5 s = 180 J = 0.05 Wh per request → 0.05 kWh per 1,000
    assert cost.energy_kwh_per_1k == pytest.approx(0.05)
    assert cost.energy_per_1k == pytest.approx(0.025)
    assert cost.per_1k == pytest.approx(1000 / 7200 + 0.025)
    assert cost.per_hour == pytest.approx(1.0 + 0.36 * 0.5)
    assert cost.rps_per_currency_hour == pytest.approx(2.0 / 1.18)
    assert cost.rps_per_kw == pytest.approx(2.0 / 0.36)


def test_cost_at_capacity_without_power_has_no_energy_part():
    cost = cost_at_capacity(rps=1.0, power_w=None, profile=CostProfile())
    assert cost.energy_per_1k is None and cost.rps_per_kw is None
    assert cost.per_1k == pytest.approx(cost.hardware_per_1k)


def test_lower_utilisation_makes_each_busy_hour_dearer():
    cheap = cost_at_capacity(1.0, None, CostProfile(utilisation=1.0)).per_1k
    dear = cost_at_capacity(1.0, None, CostProfile(utilisation=0.25)).per_1k
    assert dear == pytest.approx(4 * cheap)


def test_zero_capacity_cannot_be_costed():
    with pytest.raises(ValueError):
        cost_at_capacity(0.0, None, CostProfile())
