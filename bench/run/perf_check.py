"""`make perf-check`: how much slm-bench's measuring costs, measured side by side in one run.

Prints ratios, not absolute timings (this machine is shared and noisy):
1. throughput: the same batched generation timed by a bare loop and by the scenario;
2. latency: the same single-stream generation bare, and with the token streamer, the RSS
   sampler and codecarbon running (interleaved rounds, medians);
3. the coefficient of variation of the p50 end-to-end latency over repeated scenario rounds;
4. the RSS sampler's CPU cost and slm-bench's own memory (parent process, no model).

    python -m bench.run.perf_check [--model smollm2-135m-instruct] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from bench.meters import EnergyMeter, PeakRSSMeter
from bench.results.records import Metric, find
from bench.run.config import DEFAULT_COUNTRY


def _bare_stream(engine, ids, n):
    start = time.perf_counter()
    engine.generate_batch([ids], n)
    return time.perf_counter() - start


def _metered_stream(engine, ids, n):
    from bench.run.perf import stream_once

    with PeakRSSMeter(), EnergyMeter(DEFAULT_COUNTRY):
        return stream_once(engine, ids, n).e2e


def sampler_cpu_share(seconds: float = 5.0) -> float:
    """Share of one core the 20 ms RSS sampler's thread uses (its own thread CPU time)."""
    with PeakRSSMeter() as meter:
        time.sleep(seconds)
    return meter.cpu_seconds / seconds


def parent_rss_mib() -> float:
    """RSS of a fresh `slm-bench` parent process after importing what a run imports."""
    code = ("import bench.cli, bench.run.runner, bench.report, bench.analysis, psutil, os;"
            "print(psutil.Process(os.getpid()).memory_info().rss / 2**20)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--input-tokens", type=int, default=128)
    parser.add_argument("--output-tokens", type=int, default=32)
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bench.backends import get_backend
    from bench.catalogue.specs import load_catalogue
    from bench.run.perf import PerfConfig, run_scenario

    spec = load_catalogue().get(args.model)
    engine = get_backend(spec.backend).load(spec).engine
    ids = engine.prompt_ids(args.input_tokens)
    n = args.output_tokens
    engine.generate_batch([ids], n)  # warm-up

    # 1. Throughput: bare batched loop vs. the scenario's batch measurement, interleaved.
    batch = [ids] * 4
    bare_tps, scen_tps = [], []
    cfg = PerfConfig(input_tokens=[], output_tokens=[], batch_sizes=[4],
                     batch_input_tokens=args.input_tokens, batch_output_tokens=n,
                     repetitions=1, warmup=0, idle_seconds=0)  # fmt: skip
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        engine.generate_batch(batch, n)
        bare_tps.append(4 * n / (time.perf_counter() - t0))
        out = run_scenario(engine, cfg, spec.context_length, DEFAULT_COUNTRY)
        scen_tps.append(find(out.measurements, Metric.OUTPUT_TOKENS_PER_S, batch_size=4).value)
    # 2. Latency: bare single stream vs. streamer + sampler + codecarbon, interleaved.
    bare, metered = [], []
    for _ in range(args.rounds):
        bare.append(_bare_stream(engine, ids, n))
        metered.append(_metered_stream(engine, ids, n))
    # 3. CV of the p50 end-to-end latency over repeated scenario rounds.
    p50s = []
    lat_cfg = PerfConfig(input_tokens=[args.input_tokens], output_tokens=[n], batch_sizes=[],
                         repetitions=3, warmup=0, idle_seconds=0)  # fmt: skip
    for _ in range(args.rounds):
        out = run_scenario(engine, lat_cfg, spec.context_length, DEFAULT_COUNTRY)
        e2e = find(out.measurements, Metric.E2E)
        p50s.append(e2e.detail["p50"])

    tput_ratio = statistics.median(scen_tps) / statistics.median(bare_tps)
    overhead = statistics.median(metered) / statistics.median(bare) - 1
    cv = statistics.stdev(p50s) / statistics.fmean(p50s) if len(p50s) > 1 else 0.0
    print(f"model {spec.name}, {args.input_tokens} in / {n} out, {args.rounds} rounds")
    print(f"throughput, scenario / bare loop (batch 4):  {tput_ratio:.3f}  (target ≥ 0.97)")
    print(f"latency overhead of streamer+meters:         {overhead:+.1%}  (target ≤ +2 %)")
    print(f"CV of p50 end-to-end latency over rounds:    {cv:.1%}  (goal ≤ 5 %)")
    print(f"RSS sampler CPU (20 ms interval):            {sampler_cpu_share():.2%} of a core "
          "(target < 1 %)")  # fmt: skip
    print(f"slm-bench parent process RSS (no model):     {parent_rss_mib():.0f} MiB "
          "(target < 300)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
