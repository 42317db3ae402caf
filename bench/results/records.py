"""Typed records that every stage passes along: measurements, per-sample results, cells, runs.

Records are plain pydantic models so they serialise to JSON without surprises and reject
unknown keys when read back. Units live in fields, never in the reader's head.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer

from bench.catalogue.specs import ModelSpec
from bench.run.config import LoadConfig, PerfConfig, RunConfig

SCHEMA_VERSION = 2
"""Bumped whenever a stored record changes shape; `bench.results.migrations` upgrades older ones."""

CellStatus = Literal["ok", "error", "skipped"]


CLUSTER_FIELDS = ("node", "contended")
"""Optional fields only cluster runs fill; left out of the JSON when unset (no schema bump)."""


def _drop_unset_cluster_fields(self, handler):
    data = handler(self)
    for key in CLUSTER_FIELDS:
        if isinstance(data, dict) and data.get(key) is None:
            data.pop(key, None)
    return data


class Record(BaseModel):
    """Base for stored records: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Metric(StrEnum):
    """What a measurement measured: the one list of names every stage writes and reads."""

    WALL_TIME = "wall_time"  # a whole phase, e.g. the task or loading the model
    MODEL_TIME = "model_time"  # time spent inside model calls
    TRAIN_TIME = "train_time"  # fitting a per-task classifier
    LATENCY_PER_SAMPLE = "latency_per_sample"  # model time / samples (batched)
    BATCH_LATENCY = "batch_latency"  # one forward batch of lm-eval's
    TTFT = "ttft"  # time to first token (see bench.run.perf)
    TPOT = "tpot"  # time per output token
    ITL = "itl"  # inter-token latency
    E2E = "e2e"  # end-to-end latency of one request
    INPUT_TOKENS = "input_tokens"
    OUTPUT_TOKENS = "output_tokens"
    TOKENS_PER_S = "tokens_per_s"  # input + output tokens over model time
    OUTPUT_TOKENS_PER_S = "output_tokens_per_s"
    REQUESTS_PER_S = "requests_per_s"
    PEAK_RSS = "peak_rss"
    RSS = "rss"  # resident memory at one moment, e.g. right after loading
    GPU_PEAK_ALLOCATED = "gpu_peak_allocated"
    GPU_PEAK_RESERVED = "gpu_peak_reserved"
    GPU_PROCESS_MEMORY = "gpu_process_memory"
    ENERGY = "energy"  # total, all components
    ENERGY_CPU = "energy_cpu"
    ENERGY_GPU = "energy_gpu"
    ENERGY_RAM = "energy_ram"
    GPU_ENERGY = "gpu_energy"  # NVML's own counter, beside codecarbon's
    ENERGY_PER_REQUEST = "energy_per_request"
    ENERGY_PER_1K_OUTPUT_TOKENS = "energy_per_1k_output_tokens"
    IDLE_POWER = "idle_power"
    CO2 = "co2"
    API_COST = "api_cost"
    POWER = "power"  # mean power over a phase


class Phase(StrEnum):
    """Which part of the work a measurement covers."""

    TASK = "task"  # evaluating one task (a cell)
    LOAD = "load"  # loading the model, before any task
    SCENARIO = "scenario"  # the latency / throughput scenario
    IDLE = "idle"  # the idle baseline before the scenario
    REQUEST = "request"  # the task's own prompts sent one at a time (bench.run.probe)
    LOAD_SWEEP = "load_sweep"  # the task's own prompts at Poisson rates (bench.run.load)


class Measurement(Record):
    """One measured or estimated figure, with its unit, what it measured and how."""

    metric: Metric = Field(description="What was measured, e.g. Metric.PEAK_RSS.")
    phase: Phase = Field(default=Phase.TASK, description="Which part of the work it covers.")
    input_tokens: int | None = Field(default=None, description="Prompt length it ran with.")
    output_tokens: int | None = Field(default=None, description="Output length it ran with.")
    batch_size: int | None = Field(default=None, description="Requests per batch it ran with.")
    value: float | None = Field(description="The figure in `unit`; None when unavailable.")
    unit: str = Field(description="Unit of `value`, e.g. 's', 'MiB', 'kWh', 'tokens/s'.")
    provenance: str = Field(
        description="'measured:<how>' or 'estimated:<how>'; an estimate is never a measurement."
    )
    n: int | None = Field(default=None, description="Number of observations behind the value.")
    ci_low: float | None = Field(default=None, description="Lower bound of a 95 % interval.")
    ci_high: float | None = Field(default=None, description="Upper bound of a 95 % interval.")
    detail: dict[str, float | int | str | None] = Field(
        default_factory=dict, description="Extra figures, e.g. percentiles or components."
    )

    @property
    def is_estimate(self) -> bool:
        """True when the figure is an estimate rather than a measurement."""
        return self.provenance.startswith("estimated")

    def at(self, **fields) -> Measurement:
        """The same figure with other identity fields, e.g. `m.at(phase=Phase.LOAD)`."""
        return self.model_copy(update=fields)

    def matches(self, metric: Metric, **fields) -> bool:
        """True when it measured `metric` and every given field is equal."""
        return self.metric == metric and all(getattr(self, k) == v for k, v in fields.items())


def find(measurements: list[Measurement], metric: Metric, **fields) -> Measurement | None:
    """The first measurement of `metric` whose fields equal the given ones, or None."""
    return next((m for m in measurements if m.matches(metric, **fields)), None)


def select(measurements: list[Measurement], metric: Metric, **fields) -> list[Measurement]:
    """Every measurement of `metric` whose fields equal the given ones."""
    return [m for m in measurements if m.matches(metric, **fields)]


class MetricValue(Record):
    """A task metric as lm-eval reported it, with its standard error and sample count."""

    name: str = Field(description="lm-eval metric name, e.g. 'acc' or 'exact_match'.")
    filter: str = Field(default="none", description="lm-eval filter the metric was taken after.")
    value: float = Field(description="Mean score over the samples, in [0, 1] for our tasks.")
    stderr: float | None = Field(default=None, description="lm-eval's standard error.")
    n: int = Field(description="Number of samples scored.")
    ci_low: float | None = Field(default=None, description="Lower bound of the 95 % interval.")
    ci_high: float | None = Field(default=None, description="Upper bound of the 95 % interval.")


class SampleResult(Record):
    """One scored sample: enough to pair models on the same samples and audit a prediction."""

    task: str
    doc_id: int = Field(description="lm-eval's index of the document within the task split.")
    doc_hash: str = Field(description="lm-eval's hash of the document, for pairing across runs.")
    prompt_hash: str
    target_hash: str
    target: str = Field(description="The gold answer as text.")
    prediction: str = Field(description="The model's answer: generated text or chosen option.")
    scores: dict[str, float] = Field(description="Per-sample metric values, e.g. {'acc': 1.0}.")
    input_tokens: int | None = None
    output_tokens: int | None = None
    confidence: float | None = Field(
        default=None, description="Probability of the chosen option (multiple choice only)."
    )


class PlacedRecord(Record):
    """A record of work that ran somewhere: on a cluster, the node and whether it was shared."""

    node: NodeInfo | None = Field(
        default=None, description="Cluster node it ran on (Ray executor); None: run.json's."
    )
    contended: bool | None = Field(
        default=None,
        description="Ran on a node shared with other units (--pack): timing, "
        "memory and energy figures are not the model's alone.",
    )

    _cluster_fields = model_serializer(mode="wrap")(_drop_unset_cluster_fields)


class CellResult(PlacedRecord):
    """The outcome of one model on one task: metrics, measurements, timings, or the error."""

    schema_version: int = SCHEMA_VERSION
    run_id: str
    model: str
    task: str
    status: CellStatus
    error: str | None = Field(default=None, description="One-line reason when status != ok.")
    limit: int | None = Field(default=None, description="Sample limit the cell ran with.")
    primary_metric: str | None = Field(default=None, description="Name of the headline metric.")
    metrics: list[MetricValue] = Field(default_factory=list)
    measurements: list[Measurement] = Field(default_factory=list)
    started_at: str | None = None
    ended_at: str | None = None

    def measurement(self, metric: Metric, phase: Phase = Phase.TASK) -> Measurement | None:
        """The measurement of `metric` in `phase` (default: the task itself), or None."""
        return find(self.measurements, metric, phase=phase)

    def metric(self, name: str | None = None) -> MetricValue | None:
        """The metric called `name` (default: the primary one), or None."""
        name = name or self.primary_metric
        return next((m for m in self.metrics if m.name == name), None)


class PerfResult(PlacedRecord):
    """The latency / throughput scenario of one model (see `bench.run.perf` for definitions)."""

    schema_version: int = SCHEMA_VERSION
    run_id: str
    model: str
    status: CellStatus
    error: str | None = None
    config: PerfConfig = Field(description="The scenario configuration it ran with.")
    measurements: list[Measurement] = Field(default_factory=list)
    started_at: str | None = None
    ended_at: str | None = None

    def find(self, metric: Metric, **fields) -> Measurement | None:
        """The first measurement of `metric` with the given fields, e.g. input_tokens=512."""
        return find(self.measurements, metric, **fields)

    def select(self, metric: Metric, **fields) -> list[Measurement]:
        """Every measurement of `metric` with the given fields."""
        return select(self.measurements, metric, **fields)


class LoadAccuracy(Record):
    """The answers of one load step scored by lm-eval, paired with concurrency 1's."""

    metric: str = Field(description="The task's primary metric.")
    value: float = Field(description="Mean score of the step's answers.")
    n: int = Field(description="Documents scored (each document's first answer).")
    paired_n: int = Field(description="Documents scored both here and at concurrency 1.")
    reference: str = Field(description="What it is paired with: 'serial' or 'lm-eval'.")
    reference_value: float | None = Field(
        default=None, description="The reference's mean score on the paired documents."
    )
    worse: float = Field(description="Score mass right in the reference, wrong here.")
    better: float = Field(description="Score mass wrong in the reference, right here.")
    changed_answers: int = Field(description="Answers whose text differs from concurrency 1's.")
    mcnemar_p: float | None = Field(
        default=None, description="Exact McNemar p (right/wrong scores only; else None)."
    )


class LoadStep(Record):
    """One offered rate (or the concurrency-1 pass) of a load sweep, as the tool reported it."""

    sweep: int = Field(description="Which repetition of the sweep (0-based).")
    offered_rps: float | None = Field(description="Poisson arrival rate; None: as fast as served.")
    max_concurrency: int | None = Field(default=None, description="In-flight cap, if any.")
    requests: int = Field(description="Requests sent.")
    completed: int
    failed: int
    duration_s: float = Field(description="The tool's benchmark duration.")
    achieved_rps: float = Field(description="Completed requests per second.")
    output_tokens_per_s: float
    goodput_rps: float | None = Field(description="Requests/s within the run's SLO (the tool's).")
    rows_file: str = Field(description="Per-request rows, relative to the run folder.")
    measurements: list[Measurement] = Field(
        default_factory=list, description="TTFT / TPOT / ITL / E2E with p50–p99; energy."
    )
    accuracy: LoadAccuracy | None = None
    saturated: str | None = Field(default=None, description="Why the sweep stopped here.")

    def p95(self, metric: Metric) -> float | None:
        """p95 of `metric` over the step's successful requests (seconds)."""
        m = find(self.measurements, metric)
        return m.detail.get("p95") if m and m.n else None


class LoadResult(PlacedRecord):
    """The load sweep of one model on one task (see `bench.run.load`)."""

    schema_version: int = SCHEMA_VERSION
    run_id: str
    model: str
    task: str
    status: CellStatus
    error: str | None = None
    config: LoadConfig
    tool: str = Field(default="", description="Load generator with its version.")
    serial: LoadStep | None = Field(default=None, description="The concurrency-1 pass.")
    steps: list[LoadStep] = Field(default_factory=list, description="Rising offered rates.")
    concurrency_steps: list[LoadStep] = Field(
        default_factory=list, description="Rising concurrency, all requests at once."
    )
    started_at: str | None = None
    ended_at: str | None = None


class HardwareInfo(Record):
    """Where the run happened; figures from different hardware are not comparable."""

    cpu_model: str
    cpu_cores_logical: int
    cpu_cores_physical: int | None
    ram_total_gib: float
    gpus: list[str] = Field(default_factory=list)
    platform: str


class NodeInfo(Record):
    """The cluster node a cell ran on (Ray executor); speeds compare only on equal hardware."""

    hostname: str = Field(description="The node's host name.")
    fingerprint: str = Field(description="Short hash of CPU model, cores, RAM and GPUs.")
    hardware: HardwareInfo | None = Field(default=None, description="The node's hardware.")
    node_id: str | None = Field(default=None, description="Ray's id of the node.")


class TaskFacts(Record):
    """What a run knew about one of its tasks, so reports need no `tasks/` folder."""

    name: str = Field(description="Task name as lm-eval knows it.")
    family: str = Field(description="Task folder, e.g. 'rag'; 'lm_eval' for lm-eval's own tasks.")
    language: str | None = Field(default=None, description="ISO 639-1 code, e.g. 'de'.")
    context_tokens: int | None = Field(
        default=None, description="Nominal input length in tokens (long-context tasks)."
    )
    context_mode: str | None = Field(
        default=None, description="Where the context comes from: 'retrieved', 'gold', 'closed'."
    )
    primary_metric: str | None = Field(default=None, description="Headline metric name.")
    output_type: str | None = Field(default=None, description="lm-eval output type.")
    multiple_choice: bool | None = Field(
        default=None, description="Scored by log-likelihood of the options (needs logprobs)."
    )
    test_size: int | None = Field(default=None, description="Number of items in the test split.")
    title: str | None = Field(default=None, description="Human title from the task card.")
    claim: str | None = Field(default=None, description="The claim the task tests.")


class RunInfo(Record):
    """Everything needed to reproduce and judge a run."""

    schema_version: int = SCHEMA_VERSION
    run_id: str
    started_at: str
    ended_at: str | None = None
    command: list[str] = Field(description="The command line that started the run.")
    config: RunConfig = Field(description="What the run was asked to do; --resume reads it.")
    model_specs: list[ModelSpec] = Field(
        default_factory=list, description="Catalogue entries as run, so reports need no catalogue."
    )
    task_facts: list[TaskFacts] | None = Field(
        default=None, description="Facts of the tasks as run; None in runs older than the field."
    )
    price_models: list[ModelSpec] | None = Field(
        default=None,
        description="Priced API models the money section compares with, as in the catalogue "
        "when the run started; None in runs older than the field.",
    )
    git_sha: str | None
    package_versions: dict[str, str]
    hardware: HardwareInfo
    status: Literal["running", "ok", "failed", "interrupted"] = Field(
        default="running",
        description="'interrupted': stopped by Ctrl-C or a failed write; --resume continues it.",
    )
    phase_seconds: dict[str, float] | None = Field(
        default=None,
        description="Wall seconds per phase of the command (setup, each model's process with "
        "its load, tasks and scenario, report); None in runs older than the field.",
    )

    # Read-only shortcuts into `config` for readers such as the report template; not stored.
    @property
    def models(self) -> list[str]:
        """The models the run was asked for, as named on the command line."""
        return self.config.models

    @property
    def tasks(self) -> list[str]:
        """The run's tasks."""
        return self.config.tasks

    @property
    def limit(self) -> int | None:
        """Sample limit per task, None for all."""
        return self.config.limit

    @property
    def seed(self) -> int:
        """The run's random seed."""
        return self.config.seed

    @property
    def country_iso_code(self) -> str:
        """Grid whose carbon intensity CO2 figures use."""
        return self.config.country_iso_code
