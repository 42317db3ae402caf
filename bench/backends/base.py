"""The small interface every backend implements, and the usage counters they fill."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bench.config import ModelSpec
from bench.meters.timing import BatchLog


@dataclass
class Usage:
    """Tokens and model time spent by the lm-eval requests of one task (reset per task)."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    model_seconds: float = 0.0
    batches: BatchLog = field(default_factory=BatchLog)


@dataclass
class LoadedModel:
    """A model ready for lm-eval: the lm-eval LM object plus its usage counters."""

    spec: ModelSpec
    lm: Any
    usage: Usage
    info: dict[str, Any] = field(default_factory=dict)
    engine: Any = None  # a bench.perf.PerfEngine, when the backend supports the scenario

    def reset_usage(self) -> Usage:
        """Start counting afresh (per task) and return the counters so far."""
        old = self.usage
        self.usage = Usage()
        self.lm.usage = self.usage
        return old


class Backend(Protocol):
    """Loads a catalogue entry into an lm-eval model. Heavy imports happen inside `load`."""

    name: str

    def load(self, spec: ModelSpec) -> LoadedModel: ...
