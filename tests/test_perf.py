"""Performance metric definitions on streams with known timestamps; the scenario on a fake
engine with controlled delays (pure timing logic; the real model runs in test_e2e)."""

import time

import pytest

from bench.results.records import Metric, PerfResult, Phase
from bench.run.perf import (
    PerfConfig,
    StreamTiming,
    filler_ids,
    percentile,
    run_scenario,
    summarise,
    t_value,
)


def test_stream_metrics_follow_the_definitions():
    # Submitted at 0; tokens arrive at 0.5 (first), 0.6, 0.8, 0.9; returned at 1.0.
    s = StreamTiming(start=0.0, token_times=[0.5, 0.6, 0.8, 0.9], end=1.0)
    assert s.ttft == pytest.approx(0.5)
    assert s.tpot == pytest.approx((0.9 - 0.5) / 3)  # first token excluded
    assert s.itls == pytest.approx([0.1, 0.2, 0.1])
    assert s.e2e == pytest.approx(1.0)
    assert StreamTiming(0.0, [0.3], 0.4).tpot is None


def test_percentiles_match_numpy_linear_interpolation():
    import numpy as np

    values = [0.3, 0.1, 0.7, 0.2, 0.9, 0.4]
    for q in (50, 90, 95, 99):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q))


def test_summary_has_mean_ci_percentiles_and_cv():
    m = summarise(Metric.TTFT, [1.0, 2.0, 3.0], input_tokens=8)
    assert (m.metric, m.phase, m.input_tokens) == (Metric.TTFT, Phase.SCENARIO, 8)
    assert m.value == pytest.approx(2.0) and m.n == 3 and m.unit == "s"
    half = t_value(3) * 1.0 / 3**0.5
    assert (m.ci_low, m.ci_high) == pytest.approx((2.0 - half, 2.0 + half))
    assert m.detail["p50"] == 2.0 and m.detail["cv"] == pytest.approx(0.5)
    assert summarise(Metric.E2E, []).value is None


class FakeEngine:
    """Prefill takes 1 ms per input token, each output token 2 ms (sleeps, no model)."""

    def prompt_ids(self, n, variant=0):
        return [variant, *range(n - 1)]

    def generate_stream(self, ids, new_tokens, on_token):
        time.sleep(len(ids) * 0.001)
        for _ in range(new_tokens):
            time.sleep(0.002)
            on_token()

    def generate_batch(self, batch, new_tokens):
        time.sleep(0.002 * new_tokens)


def test_scenario_measures_known_delays():
    cfg = PerfConfig(input_tokens=[20, 100], output_tokens=[10], batch_sizes=[1, 4],
                     batch_input_tokens=10, batch_output_tokens=10, repetitions=3, warmup=1,
                     idle_seconds=0)  # fmt: skip
    outcome = run_scenario(FakeEngine(), cfg, context_length=1000, country="DEU")
    out = PerfResult(
        run_id="r", model="m", status="ok", config=cfg, measurements=outcome.measurements
    )
    short, long = {"input_tokens": 20, "output_tokens": 10}, {"input_tokens": 100}
    # Sleeps set lower bounds; a loaded machine only adds time, so upper bounds are loose.
    ttft_short, ttft_long = (out.find(Metric.TTFT, **x).value for x in (short, long))
    assert 0.022 <= ttft_short < 0.1 and 0.102 <= ttft_long < 0.5 and ttft_long > ttft_short
    assert 0.002 <= out.find(Metric.TPOT, **long).value < 0.02
    assert 0.040 <= out.find(Metric.E2E, **short).value < 0.2
    # A batch of 4 takes as long as a batch of 1 here: four times the tokens per second.
    tps = {m.batch_size: m.value for m in out.select(Metric.OUTPUT_TOKENS_PER_S)}
    assert 3.0 < tps[4] / tps[1] < 5.0
    assert out.find(Metric.PEAK_RSS, **short).unit == "MiB"
    assert out.find(Metric.PEAK_RSS, **short).phase == Phase.SCENARIO
    assert out.find(Metric.ENERGY_PER_REQUEST, **short).provenance.split(":")[0] in {
        "measured",
        "estimated",
    }


def test_lengths_beyond_the_context_are_not_run():
    cfg = PerfConfig(input_tokens=[20, 5000], output_tokens=[4], batch_sizes=[1],
                     repetitions=1, warmup=0, idle_seconds=0)  # fmt: skip
    ms = run_scenario(FakeEngine(), cfg, context_length=512, country="DEU").measurements
    assert any(m.matches(Metric.TTFT, input_tokens=20, output_tokens=4) for m in ms)
    assert not any(m.input_tokens == 5000 for m in ms)


class RecordingEngine(FakeEngine):
    """Keeps every prompt it is sent; prompts come from `filler_ids` with a toy tokenizer."""

    def __init__(self):
        self.seen: list[list[int]] = []

    def prompt_ids(self, n, variant=0):
        return filler_ids(lambda text: [hash(w) % 50_000 for w in text.split()], n, variant)

    def generate_stream(self, ids, new_tokens, on_token):
        self.seen.append(list(ids))
        super().generate_stream([], new_tokens, on_token)

    def generate_batch(self, batch, new_tokens):
        self.seen += [list(ids) for ids in batch]


def test_every_scenario_request_gets_its_own_prompt_of_the_same_length():
    cfg = PerfConfig(input_tokens=[16, 64], output_tokens=[2], batch_sizes=[1, 4],
                     batch_input_tokens=32, batch_output_tokens=2, repetitions=3, warmup=1,
                     idle_seconds=0)  # fmt: skip
    engine = RecordingEngine()
    run_scenario(engine, cfg, context_length=1000, country="DEU")
    # warm-up + repetitions for each of 2 lengths, then (1 + 4) × (warm-up + repetitions)
    assert len(engine.seen) == 2 * 4 + 5 * 4
    assert len({tuple(p) for p in engine.seen}) == len(engine.seen)  # no two alike
    assert sorted({len(p) for p in engine.seen}) == [16, 32, 64]
    assert [len(p) for p in engine.seen[:4]] == [16] * 4


def test_filler_variants_differ_in_their_opening_and_keep_the_length():
    encode = list  # one "token" per character
    a, b = filler_ids(encode, 40, 0), filler_ids(encode, 40, 1)
    assert len(a) == len(b) == 40 and a[:12] != b[:12]  # within a prefix cache's first block
    assert filler_ids(encode, 40, 7) == filler_ids(encode, 40, 7)  # deterministic
