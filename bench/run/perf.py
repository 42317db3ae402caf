"""The latency / throughput scenario, run in the model process beside the accuracy tasks.

Definitions (as in vLLM's benchmarks and MLPerf Inference):
- **TTFT**, time to first token: from the call that submits the request to the arrival of
  the first generated token (includes tokenised-prompt prefill).
- **TPOT**, time per output token: (arrival of last token − arrival of first token) /
  (output tokens − 1); the first token is excluded.
- **ITL**, inter-token latency: every gap between consecutive generated tokens.
- **E2E**, end-to-end latency: from submission to the return of the complete output.
- **Throughput** at batch size B: B × output tokens / wall time of the batch, and B / wall
  time in requests per second.
Prompts have exactly the stated number of input tokens (deterministic filler text, cut by the
model's tokenizer), and every request — warm-up, repetition, batch member — gets its own
prompt (a numbered opening), so a prefix cache cannot serve one from another; outputs are
forced to exactly the stated length (EOS ignored). Warm-up runs are excluded; each figure
rests on `repetitions` runs and reports its spread.
"""

from __future__ import annotations

import itertools
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.meters import EnergyMeter, GpuMeter, PeakRSSMeter
from bench.results.records import Measurement, Metric, Phase, find
from bench.run.config import PerfConfig

T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
       9: 2.262, 10: 2.228, 15: 2.131, 20: 2.086, 30: 2.042}  # fmt: skip


@dataclass
class StreamTiming:
    """Timestamps of one streamed generation (perf_counter seconds)."""

    start: float
    token_times: list[float]
    end: float

    @property
    def ttft(self) -> float:
        return self.token_times[0] - self.start

    @property
    def tpot(self) -> float | None:
        n = len(self.token_times)
        return (self.token_times[-1] - self.token_times[0]) / (n - 1) if n > 1 else None

    @property
    def itls(self) -> list[float]:
        return [b - a for a, b in zip(self.token_times, self.token_times[1:], strict=False)]

    @property
    def e2e(self) -> float:
        return self.end - self.start


def t_value(n: int) -> float:
    """Two-sided 95 % Student t for n − 1 degrees of freedom (normal beyond 30)."""
    df = n - 1
    if df in T95:
        return T95[df]
    smaller = [k for k in T95 if k <= df]
    return T95[max(smaller)] if df <= 30 else 1.96


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (numpy's default), q in [0, 100]."""
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return data[low] + (data[high] - data[low]) * (pos - low)


def summarise(metric: Metric, values: Sequence[float], unit: str = "s",
              provenance: str = "measured:perf_counter", **fields) -> Measurement:  # fmt: skip
    """Mean with a 95 % t-interval, percentiles and coefficient of variation; `fields` say
    where it ran (phase defaults to the scenario; input_tokens, output_tokens, batch_size)."""
    values = [v for v in values if v is not None]
    fields = {"phase": Phase.SCENARIO, **fields}
    if not values:
        return Measurement(metric=metric, **fields, value=None, unit=unit,
                           provenance=provenance, n=0)  # fmt: skip
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    half = t_value(len(values)) * sd / math.sqrt(len(values)) if len(values) > 1 else 0.0
    return Measurement(
        metric=metric, **fields, value=mean, unit=unit, provenance=provenance, n=len(values),
        ci_low=mean - half, ci_high=mean + half,
        detail={"p50": percentile(values, 50), "p90": percentile(values, 90),
                "p95": percentile(values, 95), "p99": percentile(values, 99),
                "min": min(values), "max": max(values),
                "cv": sd / mean if mean else None},
    )  # fmt: skip


FILLER = (
    "Die Stadtverwaltung informiert über Öffnungszeiten, Gebühren und Fristen. Anträge können "
    "online oder im Bürgerbüro gestellt werden. The council publishes its meeting minutes, "
    "budgets and planning notices so that residents can follow local decisions. "
)


def filler_ids(encode: Callable[[str], list[int]], n_tokens: int, variant: int = 0) -> list[int]:
    """Exactly `n_tokens` ids of deterministic filler text, distinct per `variant`; `encode`
    turns text into ids without special tokens (`hf_encoder` for a transformers tokenizer)."""
    # The variant's number opens the prompt: prefix caches match from the first token, so
    # prompts that differ there share nothing, while the cut keeps every length equal.
    ids = encode(f"Vorgang {variant}. ")
    while len(ids) < n_tokens:
        ids += encode(FILLER)
    return ids[:n_tokens]


def hf_encoder(tokenizer) -> Callable[[str], list[int]]:
    """`encode` for `filler_ids` from a transformers tokenizer."""
    return lambda text: tokenizer(text, add_special_tokens=False).input_ids


class PerfEngine:
    """What a backend offers the scenario (the HF backend implements it)."""

    def prompt_ids(self, n_tokens: int, variant: int = 0) -> list[int]:
        """A prompt of exactly `n_tokens`; different variants give different prompts."""
        raise NotImplementedError

    def generate_stream(self, ids: list[int], new_tokens: int,
                        on_token: Callable[[], None]) -> None:  # fmt: skip
        raise NotImplementedError

    def generate_batch(self, batch: list[list[int]], new_tokens: int) -> None:
        raise NotImplementedError


@dataclass
class PerfOutcome:
    """Measurements of the scenario, with the spread of every figure."""

    measurements: list[Measurement] = field(default_factory=list)


def stream_once(engine: PerfEngine, ids: list[int], new_tokens: int) -> StreamTiming:
    """One streamed generation, timestamping every generated token."""
    times: list[float] = []
    start = time.perf_counter()
    engine.generate_stream(ids, new_tokens, lambda: times.append(time.perf_counter()))
    return StreamTiming(start=start, token_times=times, end=time.perf_counter())


def _energy_net(meter: EnergyMeter, idle_w: float | None, seconds: float):
    """Energy of a phase, and the same less the idle baseline (kWh)."""
    energy = find(meter.measurements(Phase.SCENARIO), Metric.ENERGY)
    if energy.value is None or idle_w is None:
        return energy, None
    net = max(0.0, energy.value - idle_w * seconds / 3.6e6)
    return energy, net


def run_scenario(engine: PerfEngine, cfg: PerfConfig, context_length: int,
                 country: str, include_children: bool = False) -> PerfOutcome:  # fmt: skip
    """Single-stream latency per input × output length, throughput per batch size, memory
    per input length (with child processes where the model runs in a server), energy per
    phase with the idle baseline subtracted."""
    out = PerfOutcome()
    variants = itertools.count()  # one prompt per request: no prefix-cache hits

    def prompt(n_tokens: int) -> list[int]:
        return engine.prompt_ids(n_tokens, next(variants))

    idle_w = None
    if cfg.idle_seconds:
        with EnergyMeter(country) as idle:
            time.sleep(cfg.idle_seconds)
        e = find(idle.measurements(Phase.IDLE), Metric.ENERGY)
        if e.value is not None:
            idle_w = e.value * 3.6e6 / cfg.idle_seconds
            out.measurements.append(Measurement(
                metric=Metric.IDLE_POWER, phase=Phase.IDLE, value=idle_w, unit="W",
                provenance=e.provenance, detail={"window_s": cfg.idle_seconds}))  # fmt: skip
    for n_in in [n for n in cfg.input_tokens if n < context_length]:
        for n_out in [n for n in cfg.output_tokens if n_in + n < context_length]:
            for _ in range(cfg.warmup):
                stream_once(engine, prompt(n_in), n_out)
            runs: list[StreamTiming] = []
            prompts = [prompt(n_in) for _ in range(cfg.repetitions)]  # made outside the meters
            t0 = time.perf_counter()
            with (
                PeakRSSMeter(include_children=include_children) as rss,
                GpuMeter(include_children=include_children) as gpu,
                EnergyMeter(country) as energy,
            ):
                for ids in prompts:
                    runs.append(stream_once(engine, ids, n_out))
            seconds = time.perf_counter() - t0
            where = {"input_tokens": n_in, "output_tokens": n_out}
            out.measurements += [
                summarise(Metric.TTFT, [r.ttft for r in runs], **where),
                summarise(Metric.TPOT, [r.tpot for r in runs], **where),
                summarise(Metric.ITL, [x for r in runs for x in r.itls], **where),
                summarise(Metric.E2E, [r.e2e for r in runs], **where),
                rss.measurement(Phase.SCENARIO, **where),
                *gpu.measurements(Phase.SCENARIO, **where),
            ]
            total, net = _energy_net(energy, idle_w, seconds)
            requests, tokens = cfg.repetitions, cfg.repetitions * n_out
            if total.value is not None:
                out.measurements += [
                    Measurement(metric=Metric.ENERGY_PER_REQUEST, phase=Phase.SCENARIO, **where,
                                value=total.value / requests,
                                unit="kWh", provenance=total.provenance, n=requests,
                                detail={"net_of_idle_kwh": net / requests if net else None}),
                    Measurement(metric=Metric.ENERGY_PER_1K_OUTPUT_TOKENS, phase=Phase.SCENARIO,
                                **where,
                                value=total.value / tokens * 1000, unit="kWh",
                                provenance=total.provenance, n=tokens),
                ]  # fmt: skip
    for size in cfg.batch_sizes:
        for _ in range(cfg.warmup):
            warm = [prompt(cfg.batch_input_tokens) for _ in range(size)]
            engine.generate_batch(warm, cfg.batch_output_tokens)
        walls = []
        for _ in range(cfg.repetitions):
            prompts = [prompt(cfg.batch_input_tokens) for _ in range(size)]
            t0 = time.perf_counter()
            engine.generate_batch(prompts, cfg.batch_output_tokens)
            walls.append(time.perf_counter() - t0)
        tps = [size * cfg.batch_output_tokens / w for w in walls]
        where = {"batch_size": size, "input_tokens": cfg.batch_input_tokens,
                 "output_tokens": cfg.batch_output_tokens}  # fmt: skip
        out.measurements += [
            summarise(Metric.OUTPUT_TOKENS_PER_S, tps, unit="tokens/s", **where),
            summarise(
                Metric.REQUESTS_PER_S, [size / w for w in walls], unit="requests/s", **where
            ),  # fmt: skip
        ]
    return out
