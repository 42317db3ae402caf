"""Verdict logic, cost and break-even arithmetic, cascade simulation, profiles."""

import pytest

from bench.analysis.cascade import simulate
from bench.analysis.cost import break_even_requests_per_month, cost_per_1k, sensitivity
from bench.analysis.decide import Candidate, choose_reference, decide, samples_for_floor
from bench.analysis.requirements import (
    CostProfile,
    Requirement,
    load_costs,
    load_requirements,
)
from bench.catalogue.specs import load_catalogue
from bench.errors import UserError


def scores(right: int, n: int, offset: int = 0) -> dict[str, float]:
    """n samples h0…h{n-1}; `right` of them right, starting at `offset` (wrapping)."""
    return {f"h{i}": float((i - offset) % n < right) for i in range(n)}


def cand(model, size, sc=None, *, params=None, local=True, cost=1.0, memory=1000.0, items=200,
         latency=0.5):  # fmt: skip
    sc = sc or {}
    acc = sum(sc.values()) / len(sc) if sc else 0.0
    return Candidate(model=model, size_class=size, local=local, accuracy=acc, ci_low=0.0,
                     ci_high=1.0, n=len(sc), params_b=params or (70.0 if size == "llm" else 1.0),
                     items=items, latency_s=latency, memory_mib=memory, energy_wh_per_1k=1.0,
                     cost_per_1k=cost, scores=sc)  # fmt: skip


REL = Requirement()  # default: relative, δ = 0.10


# --- the reproductions of issue 13: each now gives the right verdict or inconclusive -----


def test_best_on_point_estimate_is_not_sufficient_without_evidence():
    # 3/5 vs 2/5 used to be "SLM sufficient": five samples prove nothing either way.
    d = decide("t", [cand("small", "slm", scores(3, 5)), cand("large", "llm", scores(2, 5))], REL)
    assert d.verdict == "inconclusive" and d.recommended is None


def test_zero_of_five_against_zero_of_five_is_not_equivalent():
    d = decide("t", [cand("small", "slm", scores(0, 5)), cand("large", "llm", scores(0, 5))], REL)
    assert d.verdict == "inconclusive"
    assert d.comparisons[0].test.lower < -0.10  # identical answers on 5 samples: wide interval


def test_three_identical_samples_are_not_equivalent_but_thirty_are():
    three = decide("t", [cand("s", "slm", scores(2, 3)), cand("l", "llm", scores(2, 3))], REL)
    assert three.verdict == "inconclusive"
    thirty = decide("t", [cand("s", "slm", scores(20, 30)), cand("l", "llm", scores(20, 30))], REL)
    assert thirty.verdict == "slm_sufficient" and thirty.recommended == "s"
    assert thirty.comparisons[0].test.supported_margin < 0.10


def test_verdict_rests_on_the_paired_test_not_on_separate_intervals():
    # Same accuracy (0.5) but the models disagree on every sample: not shown within δ.
    d = decide("t", [cand("s", "slm", scores(15, 30)), cand("l", "llm", scores(15, 30, 15))], REL)
    assert d.comparisons[0].test.difference == 0 and d.verdict == "inconclusive"


def test_llm_needed_when_the_slm_is_clearly_worse():
    d = decide("t", [cand("s", "slm", scores(6, 30)), cand("l", "llm", scores(27, 30))], REL)
    assert d.verdict == "llm_needed" and d.recommended == "l"
    assert d.comparisons[0].test.upper < -0.10


def test_more_samples_come_from_the_deciding_test_and_respect_the_task_size():
    # 165/200 against 170/200 (5 losses, no wins) used to be "about 0 more samples":
    # the exact test settles it at n = 200 (at most 5.2 points worse).
    d = decide("t", [cand("s", "slm", scores(165, 200)), cand("l", "llm", scores(170, 200))], REL)
    assert d.verdict == "slm_sufficient"
    assert d.comparisons[0].test.supported_margin == pytest.approx(0.052, abs=0.001)
    # one loss in 30: at these rates 61 shared samples decide — within the task's 600 items
    ref, mine = scores(29, 30), {**scores(29, 30), "h0": 0.0}
    d = decide("t", [cand("s", "slm", mine, items=600), cand("l", "llm", ref, items=600)], REL)
    assert d.verdict == "inconclusive" and d.samples_needed == 61 and not d.beyond_task
    # the same with a 50-item task: the task cannot settle it
    d = decide("t", [cand("s", "slm", mine, items=50), cand("l", "llm", ref, items=50)], REL)
    assert d.beyond_task and d.samples_needed is None


def test_more_samples_say_when_the_whole_task_would_not_settle_it():
    # exactly δ worse in expectation: no sample size decides
    ref = scores(30, 30)
    mine = {**ref, **{f"h{i}": 0.0 for i in range(3)}}
    d = decide("t", [cand("s", "slm", mine, items=40), cand("l", "llm", ref, items=40)], REL)
    assert d.verdict == "inconclusive" and d.beyond_task and d.samples_needed is None


def test_reference_defaults_to_the_best_llm_then_the_largest_model():
    a, b = (
        cand("a", "slm", scores(10, 20), params=0.1),
        cand("b", "slm", scores(12, 20), params=0.3),
    )
    big = cand("big", "llm", scores(18, 20), params=70.0)
    bigger = cand("bigger", "llm", scores(15, 20), params=405.0)
    assert choose_reference([a, b, big, bigger], None).model == "big"  # most accurate LLM
    only_small = choose_reference([a, b], None)
    assert only_small.model == "b" and only_small.chosen_by == "largest" and not only_small.is_llm
    assert choose_reference([a, b, big], "a").chosen_by == "named"
    # a run with only small models still gets verdicts, against the largest of them
    d = decide("t", [a, b], REL)
    assert d.verdict != "no_reference" and d.reference.model == "b"


def test_named_reference_that_did_not_run_the_task_gives_no_verdict():
    d = decide("t", [cand("a", "slm", scores(5, 10)), cand("b", "llm", scores(5, 10))],
               Requirement(reference="c"))  # fmt: skip
    assert d.verdict == "no_reference" and d.note == "missing"


def test_single_model_gives_no_relative_verdict():
    d = decide("t", [cand("a", "slm", scores(5, 10))], REL)
    assert d.verdict == "no_reference" and d.note == "single"


def test_hard_limits_exclude_models():
    ref = scores(30, 30)
    api = cand("api", "llm", ref, local=False)
    big = cand("big", "llm", ref, memory=60_000, params=24.0)
    small = cand("small", "slm", ref)
    d = decide("t", [api, big, small], Requirement(device="gpu-24gb"))
    assert "premises" in d.excluded["api"] and "MiB" in d.excluded["big"]
    assert d.recommended == "small" and d.verdict == "slm_sufficient"


def test_slow_slm_is_ruled_out_by_the_latency_limit():
    ref = scores(30, 30)
    d = decide("t", [cand("s", "slm", ref, latency=9.0), cand("l", "llm", ref, latency=1.0)],
               Requirement(max_latency_s=2.0))  # fmt: skip
    assert "latency" in d.excluded["s"] and d.verdict == "llm_needed" and d.recommended == "l"


def test_fixed_sequence_does_not_claim_a_smaller_slm_after_a_failure():
    ref = scores(30, 30)
    larger_slm = cand("mid", "slm", scores(20, 30), params=3.0)  # not shown within δ
    smaller_slm = cand("tiny", "slm", dict(ref), params=0.5)  # would be, on its own
    d = decide("t", [larger_slm, smaller_slm, cand("l", "llm", ref)], REL)
    assert d.verdict != "slm_sufficient"
    assert [c.tested for c in d.comparisons] == [True, False]


def test_absolute_requirement_uses_one_sided_wilson_bounds():
    # 0/5 against 0/5 used to pass a floor of 0; now the bound decides.
    floor = Requirement(min_accuracy=0.6)
    d = decide("t", [cand("s", "slm", scores(29, 30)), cand("l", "llm", scores(30, 30))], floor)
    assert d.verdict == "slm_sufficient" and d.check("s").low >= 0.6
    d = decide("t", [cand("s", "slm", scores(5, 30)), cand("l", "llm", scores(30, 30))], floor)
    assert d.verdict == "llm_needed" and d.recommended == "l"
    d = decide("t", [cand("s", "slm", scores(3, 5)), cand("l", "llm", scores(5, 5))], floor)
    assert d.verdict == "inconclusive" and d.beyond_task  # 0.6 on a floor of 0.6 never settles
    d = decide("t", [cand("s", "slm", scores(0, 30))], Requirement(min_accuracy=0.5))
    assert d.verdict == "none_meets"


def test_samples_for_floor():
    assert samples_for_floor(0.8, 0.6, 10, 200) is not None
    assert samples_for_floor(0.6, 0.6, 10, 200) is None  # on the floor: never settles
    assert samples_for_floor(0.8, 0.6, 10, 10) is None


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
        "defaults: {within_best: 0.02, on_premises: true}\n"  # the old name of margin
        "tasks:\n  citizen_requests_de: {min_accuracy: 0.9, device: laptop-16gb}\n"
    )
    prof = load_requirements(good)
    assert prof.for_task("citizen_requests_de").min_accuracy == 0.9
    assert prof.for_task("citizen_requests_de").memory_limit_mib() == 16 * 1024
    assert prof.for_task("other").margin == 0.02
    bad = tmp_path / "bad.yaml"
    bad.write_text("tasks:\n  x: {min_acuracy: 0.9}\n")
    with pytest.raises(UserError, match="min_acuracy"):
        load_requirements(bad)
    costs = tmp_path / "costs.yaml"
    costs.write_text("electricity_per_kwh: 0.4\nutilisation: 2\n")
    with pytest.raises(UserError, match="utilisation"):
        load_costs(costs)


def test_translation_files_have_the_same_keys():
    from bench.report.render import texts

    assert set(texts("en")) == set(texts("de"))


def test_multiple_choice_context_is_counted_once_per_request():
    from types import SimpleNamespace

    from bench.backends.base import MeteredCalls, Usage

    class Base:
        def loglikelihood(self, requests, disable_tqdm=False):
            return [(0.0, True)] * len(requests)

    class Counting(MeteredCalls, Base):
        usage = Usage()

        def tok_encode(self, text):
            return text.split()

    lm = Counting()
    context = "one two three four five six seven eight nine ten"  # 10 tokens
    options = [SimpleNamespace(args=(context, f" option{i}")) for i in range(8)]
    lm.loglikelihood(options)
    assert lm.usage.input_tokens == 10 + 8  # not 8 × 11


def test_capacity_and_break_even_beyond_it():
    from bench.analysis.cost import capacity_per_month

    profile = CostProfile(utilisation=0.5)
    # 0.5 × 730 h × 3600 s / 2 s per request = 657,000 requests per month
    assert capacity_per_month(profile, 2.0) == pytest.approx(657_000)
    assert capacity_per_month(profile, None) is None
