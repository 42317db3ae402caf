"""Typed records that every stage passes along: measurements, per-sample results, cells, runs.

Records are plain pydantic models so they serialise to JSON without surprises and reject
unknown keys when read back. Units live in fields, never in the reader's head.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bench.catalogue.specs import ModelSpec

SCHEMA_VERSION = 1
"""Bumped whenever a stored record changes shape; readers refuse other versions."""

CellStatus = Literal["ok", "error", "skipped"]


class Record(BaseModel):
    """Base for stored records: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Measurement(Record):
    """One measured or estimated figure, with its unit and how it was obtained."""

    name: str = Field(description="What was measured, e.g. 'peak_rss' or 'energy'.")
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


class CellResult(Record):
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

    def measurement(self, name: str) -> Measurement | None:
        """The measurement called `name`, or None."""
        return next((m for m in self.measurements if m.name == name), None)

    def metric(self, name: str | None = None) -> MetricValue | None:
        """The metric called `name` (default: the primary one), or None."""
        name = name or self.primary_metric
        return next((m for m in self.metrics if m.name == name), None)


class PerfResult(Record):
    """The latency / throughput scenario of one model (see `bench.run.perf` for definitions)."""

    schema_version: int = SCHEMA_VERSION
    run_id: str
    model: str
    status: CellStatus
    error: str | None = None
    config: dict = Field(default_factory=dict, description="The PerfConfig it ran with.")
    measurements: list[Measurement] = Field(default_factory=list)
    started_at: str | None = None
    ended_at: str | None = None

    def measurement(self, name: str) -> Measurement | None:
        """The measurement called `name`, or None."""
        return next((m for m in self.measurements if m.name == name), None)


class HardwareInfo(Record):
    """Where the run happened; figures from different hardware are not comparable."""

    cpu_model: str
    cpu_cores_logical: int
    cpu_cores_physical: int | None
    ram_total_gib: float
    gpus: list[str] = Field(default_factory=list)
    platform: str


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
    command: list[str]
    models: list[str]
    model_specs: list[ModelSpec] = Field(
        default_factory=list, description="Catalogue entries as run, so reports need no catalogue."
    )
    tasks: list[str]
    task_facts: list[TaskFacts] | None = Field(
        default=None, description="Facts of `tasks` as run; None in runs older than the field."
    )
    price_models: list[ModelSpec] | None = Field(
        default=None,
        description="Priced API models the money section compares with, as in the catalogue "
        "when the run started; None in runs older than the field.",
    )
    limit: int | None
    perf: dict | None = Field(default=None, description="Performance scenario config, if run.")
    seed: int
    country_iso_code: str = Field(description="Grid whose carbon intensity CO2 figures use.")
    git_sha: str | None
    package_versions: dict[str, str]
    hardware: HardwareInfo
    status: Literal["running", "ok", "failed"] = "running"
