"""Verdict logic, cost and break-even arithmetic, cascade simulation, profiles."""

import pytest

from bench.analysis.cascade import simulate
from bench.analysis.cost import break_even_requests_per_month, cost_per_1k, sensitivity
from bench.analysis.decide import Candidate, decide, samples_needed
from bench.analysis.requirements import (
    CostProfile,
    Requirement,
    load_costs,
    load_requirements,
)
from bench.catalogue.specs import load_catalogue
from bench.errors import UserError


def cand(model, size, acc, lo, hi, n=200, local=True, cost=1.0, memory=1000.0, scores=None):
    return Candidate(model=model, size_class=size, local=local, accuracy=acc, ci_low=lo,
                     ci_high=hi, n=n, latency_s=0.5, memory_mib=memory,
                     energy_wh_per_1k=1.0, cost_per_1k=cost, scores=scores or {})  # fmt: skip


def test_slm_sufficient_when_its_interval_clears_the_threshold():
    d = decide("t", [cand("small", "slm", 0.90, 0.86, 0.93, cost=1),
                     cand("large", "llm", 0.92, 0.88, 0.95, cost=10)],
               Requirement(min_accuracy=0.85))  # fmt: skip
    assert d.verdict == "slm_sufficient" and d.recommended == "small"


def test_llm_needed_when_every_slm_is_clearly_below():
    d = decide("t", [cand("small", "slm", 0.60, 0.53, 0.67),
                     cand("large", "llm", 0.92, 0.88, 0.95, cost=10)],
               Requirement(min_accuracy=0.85))  # fmt: skip
    assert d.verdict == "llm_needed" and d.recommended == "large"
    assert "accuracy" in d.excluded["small"]


def test_inconclusive_estimates_more_samples():
    d = decide("t", [cand("small", "slm", 0.87, 0.80, 0.92, n=100),
                     cand("large", "llm", 0.95, 0.91, 0.98)],
               Requirement(min_accuracy=0.85))  # fmt: skip
    assert d.verdict == "inconclusive" and d.recommended == "small"
    assert d.more_samples == samples_needed(0.87, 0.85, 100) > 0


def test_no_model_meets_the_requirements():
    d = decide("t", [cand("small", "slm", 0.5, 0.4, 0.6)], Requirement(min_accuracy=0.9))
    assert d.verdict == "none_meets" and d.recommended is None


def test_hard_limits_exclude_models():
    api = cand("api", "llm", 0.99, 0.97, 1.0, local=False)
    big = cand("big", "llm", 0.98, 0.96, 0.99, memory=60_000)
    small = cand("small", "slm", 0.97, 0.95, 0.98)
    d = decide("t", [api, big, small], Requirement(within_best=0.05, device="gpu-24gb"))
    assert "premises" in d.excluded["api"] and "MiB" in d.excluded["big"]
    assert d.recommended == "small" and d.verdict == "slm_sufficient"


def test_paired_comparison_and_equivalence():
    same = {f"h{i}": float(i % 2) for i in range(100)}
    d = decide("t", [cand("small", "slm", 0.5, 0.4, 0.6, scores=same),
                     cand("large", "llm", 0.5, 0.4, 0.6, scores=dict(same))],
               Requirement(within_best=0.05))  # fmt: skip
    c = d.comparison
    assert c.n_shared == 100 and c.difference == 0 and c.p_value == 1.0 and c.equivalent


def test_samples_needed_matches_the_normal_formula():
    # z² p (1-p) / d² = 1.96² · 0.8 · 0.2 / 0.05² ≈ 245.9 → 246, minus the 100 we have.
    assert samples_needed(0.80, 0.75, 100) == 146
    assert samples_needed(0.8, 0.8, 100) is None


def test_self_hosted_cost_arithmetic():
    spec = load_catalogue().get("smollm2-135m-instruct")
    profile = CostProfile(hardware_price=8760.0, lifetime_years=1, utilisation=1.0,
                          electricity_per_kwh=0.5)  # fmt: skip
    # 1 €/h hardware; 3.6 s per request = 1 ms-hour → 0.001 € per request; 0.002 kWh → 0.001 €.
    c = cost_per_1k(spec, 3.6, 0.002, None, None, profile)
    assert c.hardware == pytest.approx(1.0) and c.energy == pytest.approx(1.0)
    assert c.per_1k == pytest.approx(2.0)


def test_api_cost_and_break_even():
    spec = load_catalogue().get("gpt-4o-mini")
    profile = CostProfile(usd_to_currency=1.0)
    c = cost_per_1k(spec, None, None, 1000, 100, profile)
    # 1000 in × 0.15/1M + 100 out × 0.60/1M = 0.00021 per request
    assert c.per_1k == pytest.approx(0.21)
    flat = CostProfile(hardware_price=1200.0, lifetime_years=1)  # 100 per month
    assert break_even_requests_per_month(flat, 0.01, 1.01) == pytest.approx(100_000)
    assert break_even_requests_per_month(flat, 2.0, 1.0) is None


def test_sensitivity_moves_with_the_assumptions():
    spec = load_catalogue().get("smollm2-135m-instruct")
    rows = sensitivity(spec, 1.0, 0.001, CostProfile())
    by = {(r["assumption"], r["factor"]): r["per_1k"] for r in rows}
    assert by[("hardware_price", 2.0)] > by[("hardware_price", 1.0)] > by[("hardware_price", 0.5)]
    assert by[("utilisation", 2.0)] < by[("utilisation", 1.0)]


def test_cascade_simulation():
    small = {"a": (1.0, 0.9), "b": (0.0, 0.3), "c": (1.0, 0.6), "d": (0.0, 0.2)}
    large = {"a": 1.0, "b": 1.0, "c": 0.0, "d": 1.0}
    points = {p.threshold: p for p in simulate(small, large, 1.0, 10.0, 0.1, 1.0, steps=10)}
    assert points[0.0].escalated == 0 and points[0.0].accuracy == 0.5
    assert points[0.5].escalated == 0.5 and points[0.5].accuracy == 1.0  # b, d escalated
    assert points[0.5].cost_per_1k == pytest.approx(6.0)
    assert points[1.0].escalated == 1.0 and points[1.0].accuracy == 0.75
    assert simulate({}, {}, None, None, None, None) == []


def test_profiles_load_and_reject_bad_input(tmp_path):
    good = tmp_path / "req.yaml"
    good.write_text(
        "defaults: {within_best: 0.02, on_premises: true}\n"
        "tasks:\n  citizen_requests_de: {min_accuracy: 0.9, device: laptop-16gb}\n"
    )
    prof = load_requirements(good)
    assert prof.for_task("citizen_requests_de").min_accuracy == 0.9
    assert prof.for_task("citizen_requests_de").memory_limit_mib() == 16 * 1024
    assert prof.for_task("other").within_best == 0.02
    bad = tmp_path / "bad.yaml"
    bad.write_text("tasks:\n  x: {min_acuracy: 0.9}\n")
    with pytest.raises(UserError, match="min_acuracy"):
        load_requirements(bad)
    costs = tmp_path / "costs.yaml"
    costs.write_text("electricity_per_kwh: 0.4\nutilisation: 2\n")
    with pytest.raises(UserError, match="utilisation"):
        load_costs(costs)


def test_relative_requirement_without_an_llm_has_no_reference():
    d = decide("t", [cand("a", "slm", 0.0, 0.0, 0.1), cand("b", "slm", 0.0, 0.0, 0.1)],
               Requirement(within_best=0.05))  # fmt: skip
    assert d.verdict == "no_reference" and d.threshold == 0.0


def test_translation_files_have_the_same_keys():
    from bench.report.render import texts

    assert set(texts("en")) == set(texts("de"))
