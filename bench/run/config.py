"""The run configuration: one typed record with every default, stored in run.json.

The CLI builds it, the runner and each model process read it, `--resume` reads it back
from run.json. Light on purpose (pydantic only) so the stored records can import it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bench.catalogue.specs import DEFAULT_MODELS
from bench.errors import UserError
from bench.names import check_name

MAX_LIMIT = 10_000_000
"""Largest --limit: beyond any task's size, far below what breaks lm-eval (islice's bound)."""

MAX_SEED = 2**32 - 1
"""numpy's seed range: lm-eval seeds numpy with it, and a larger one fails every cell."""

Sizes = Annotated[list[Annotated[int, Field(gt=0)]], Field(min_length=1)]
"""A non-empty list of positive token counts or batch sizes."""


class PerfConfig(BaseModel):
    """What the scenario runs; the defaults fit a 2-core CPU in about two minutes a model."""

    model_config = ConfigDict(extra="forbid")

    input_tokens: Sizes = Field(default=[128, 512, 2048], description="Prompt lengths.")
    output_tokens: Sizes = Field(default=[64], description="Generated lengths.")
    batch_sizes: Sizes = Field(default=[1, 4, 16], description="Throughput batch sizes.")
    batch_input_tokens: int = Field(default=128, gt=0, description="Prompt length in batches.")
    batch_output_tokens: int = Field(default=32, gt=0, description="Generated length in batches.")
    repetitions: int = Field(default=3, ge=1, description="Measured runs per figure.")
    warmup: int = Field(default=1, ge=0, description="Unmeasured runs before them.")
    idle_seconds: float = Field(default=3.0, ge=0, description="Idle-power baseline window.")


class LoadConfig(BaseModel):
    """The load sweep (bench.run.load): Poisson arrivals of a task's own prompts at rising
    rates until saturation; sized for a 2-core CPU in a few minutes per model and task."""

    model_config = ConfigDict(extra="forbid")

    slo_s: float = Field(default=2.0, gt=0, description="Latency limit of goodput (p95), s.")
    slo_metric: Literal["e2e", "ttft"] = Field(
        default="e2e", description="Which latency the limit is on: end to end or first token."
    )
    rates: list[float] | None = Field(
        default=None, description="Offered rates (requests/s); None: 0.5×, 1×, 2×, … the "
        "serial rate (1 / mean latency at concurrency 1), until saturation.",
    )  # fmt: skip
    rate_factor: float = Field(default=2.0, gt=1, description="Step between automatic rates.")
    max_steps: int = Field(default=6, ge=1, description="Most rates per sweep.")
    seconds_per_step: float = Field(default=15.0, gt=0, description="Arrivals per rate span.")
    min_requests: int = Field(default=8, ge=1, description="Fewest requests per rate.")
    serial_requests: int = Field(
        default=20, ge=1, description="Documents of the concurrency-1 pass (the reference)."
    )
    repeats: int = Field(default=1, ge=1, description="Sweeps per task (interval of capacity).")
    concurrencies: list[int] = Field(
        default=[2, 4, 8, 16, 32], description="Concurrency sweep (all requests at once, at "
        "most this many in flight) until saturation, once per task; concurrency 1 is the "
        "serial pass; []: none.",
    )  # fmt: skip
    min_growth: float = Field(
        default=0.1, ge=0, description="Saturated when achieved requests/s grows less than this."
    )
    max_error_share: float = Field(default=0.05, ge=0, le=1, description="Saturated beyond.")
    max_p95_factor: float = Field(
        default=10.0, gt=1, description="Saturated when p95 exceeds this × the serial p95."
    )
    timeout_s: float = Field(default=600.0, gt=0, description="Most seconds one rate may take.")

    @field_validator("rates")
    @classmethod
    def _rising(cls, rates: list[float] | None) -> list[float] | None:
        if rates is not None and (not rates or any(r <= 0 for r in rates)):
            raise ValueError("load rates must be positive requests per second")
        return sorted(set(rates)) if rates else rates

    @field_validator("concurrencies")
    @classmethod
    def _levels(cls, levels: list[int]) -> list[int]:
        if any(c < 1 for c in levels):
            raise ValueError("load concurrencies must be at least 1 request in flight")
        return sorted(set(levels) - {1})  # 1 is the serial pass


class RunConfig(BaseModel):
    """What a run was asked to do; the only place its defaults are written down."""

    model_config = ConfigDict(extra="forbid")

    models: list[str] = Field(
        default_factory=lambda: list(DEFAULT_MODELS),
        description="Catalogue names, `name@backend[-precision]` allowed; duplicates dropped.",
    )
    tasks: list[str] = Field(description="Task names, ours or lm-eval's; duplicates dropped.")
    limit: int | None = Field(default=None, description="First N samples per task; None: all.")
    seed: int = Field(
        default=1234, ge=0, le=MAX_SEED, description="Random seed for lm-eval and the scenario."
    )
    country_iso_code: str = Field(
        default="DEU", description="ISO 3166 alpha-3 grid whose carbon intensity CO2 uses."
    )
    perf: PerfConfig | None = Field(default=None, description="The scenario, when it runs.")
    load: LoadConfig | None = Field(default=None, description="The load sweep, when it runs.")
    # Small defaults keep `make bench` short: the latency verdict says on how many requests it
    # rests, and a decision that needs more can raise both.
    request_probe: int = Field(
        default=10, ge=0, description="Documents per task timed one request at a time; 0: off."
    )
    request_probe_seconds: float = Field(
        default=10.0, gt=0, description="No new probe request starts after this long (≥ 1 runs)."
    )
    engine: list[str] = Field(
        default_factory=list, description="`KEY=VALUE` engine settings over the catalogue's."
    )
    catalogue: Path | None = Field(default=None, description="Extra catalogue YAML, if any.")
    reference: str | None = Field(
        default=None, description="Reference model of relative verdicts (default: best LLM)."
    )
    results_dir: Path = Field(default=Path("results"), description="Where run folders go.")

    @model_validator(mode="after")
    def _reference_is_run(self) -> RunConfig:
        if self.reference and self.reference not in self.models:
            raise ValueError(
                f"reference model '{self.reference}' is not in --models ({', '.join(self.models)})"
            )
        return self

    @field_validator("models", "tasks")
    @classmethod
    def _unique_and_given(cls, names: list[str], info) -> list[str]:
        if not names:
            raise ValueError(f"no {info.field_name} given")
        for name in names:  # each becomes a file or folder name of the run
            check_name(info.field_name.removesuffix("s"), name)
        return list(dict.fromkeys(names))

    @field_validator("limit")
    @classmethod
    def _positive(cls, limit: int | None) -> int | None:
        if limit is not None and not 1 <= limit <= MAX_LIMIT:
            raise ValueError(
                f"--limit must be a positive number of samples up to {MAX_LIMIT:,}, got {limit}"
            )
        return limit

    @field_validator("country_iso_code")
    @classmethod
    def _iso_alpha3(cls, code: str) -> str:
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"--country expects an ISO 3166 alpha-3 code like DEU, got '{code}'")
        return code.upper()

    @classmethod
    def from_options(cls, **options) -> RunConfig:
        """Build from command-line options; None means 'not given', so the default applies."""
        try:
            return cls.model_validate({k: v for k, v in options.items() if v is not None})
        except ValidationError as exc:
            err = exc.errors()[0]
            msg = err["msg"].removeprefix("Value error, ")
            flag = "--" + str(err["loc"][0]).replace("_", "-")  # the option the user typed
            raise UserError(msg if err["type"] == "value_error" else f"{flag}: {msg}") from exc


DEFAULT_COUNTRY: str = RunConfig.model_fields["country_iso_code"].default
"""The grid CO2 figures use outside a run (benchmark scripts): RunConfig's default."""
