"""The small interface every backend implements, and the usage counters they fill."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bench.meters.timing import BatchLog

if TYPE_CHECKING:  # the catalogue imports the backend registry, so no import cycle at runtime
    from bench.catalogue.specs import ModelSpec


@dataclass
class Usage:
    """Tokens and model time spent by the lm-eval requests of one task (reset per task)."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    model_seconds: float = 0.0
    batches: BatchLog = field(default_factory=BatchLog)
    token_source: str = "measured:tokenizer"  # or "reported:server-usage" (API backends)
    instances: list[Any] = field(default_factory=list)
    """lm-eval's Instances as the task sent them, so the request probe replays the same."""
    document_seconds: list[float] = field(default_factory=list)
    """Multiple choice on the shared-context path: the time of each document scored on its
    own (its context and all its options in one call) — one user's request."""
    unshared: int = 0
    """Requests of this task that the shared-context path left to lm-eval's batches."""
    expected: int = 0
    """Requests lm-eval has handed over so far (it sends a task's requests in one call)."""

    def progress(self) -> tuple[int, int]:
        """(requests done, requests handed over), from the finished forward batches.

        Backends that score several requests in one row (lm-eval's HF logits cache) or all at
        once (vLLM) under-count until the call returns; the count never exceeds the total.
        """
        return min(sum(self.batches.sizes), self.expected), self.expected


class UnsupportedTask(Exception):
    """This backend cannot run this kind of task; the cell is recorded as skipped, not failed."""


class MeteredCalls:
    """Mixin for lm-eval LM classes: times each request call and counts tokens into `usage`.

    Token counts use the model's own tokenizer; backends that get counts from their server
    (the API backend) override `count_input` / `count_output`.
    """

    usage: Usage
    token_hook: Callable[[], None] | None = None
    """Called at each generated token by backends that stream (the probe's TTFT); else unused."""

    def forget_prompts(self) -> None:
        """Drop prompts the backend caches (prefix / KV cache) so a probed request is not
        served from lm-eval's own run of the same prompt; backends with such a cache override."""

    def count_input(self, texts: list[str]) -> int:
        return sum(len(self.tok_encode(t)) for t in texts)

    def count_output(self, texts: list[str]) -> int:
        return sum(len(self.tok_encode(t)) for t in texts)

    def loglikelihood(self, requests, disable_tqdm: bool = False):
        start = time.perf_counter()
        self.usage.instances += requests
        self.usage.expected += len(requests)
        out = super().loglikelihood(requests, disable_tqdm=True)
        self.usage.model_seconds += time.perf_counter() - start
        self.usage.requests += len(requests)
        # A multiple-choice question sends its context once with every option; a request (and
        # an API bill) holds it once: count each distinct context once, plus every option.
        contexts = list(dict.fromkeys(r.args[0] for r in requests))
        self.usage.input_tokens += self.count_input(contexts + [r.args[1] for r in requests])
        return out

    def generate_until(self, requests, disable_tqdm: bool = False):
        start = time.perf_counter()
        self.usage.instances += requests
        self.usage.expected += len(requests)
        out = super().generate_until(requests, disable_tqdm=True)
        self.usage.model_seconds += time.perf_counter() - start
        self.usage.requests += len(requests)
        self.usage.input_tokens += self.count_input([r.args[0] for r in requests])
        self.usage.output_tokens += self.count_output(list(out))
        return out


@dataclass
class LoadedModel:
    """A model ready for lm-eval: the lm-eval LM object plus its usage counters."""

    spec: ModelSpec
    lm: Any
    usage: Usage
    info: dict[str, Any] = field(default_factory=dict)
    engine: Any = None  # a bench.run.perf.PerfEngine, when the backend supports the scenario
    close: Callable[[], None] | None = None  # stops what the backend started (a server)
    alive: Callable[[], str | None] | None = None  # None while healthy, else why not

    def reset_usage(self) -> Usage:
        """Start counting afresh (per task) and return the counters so far."""
        old = self.usage
        self.usage = Usage(token_source=old.token_source)
        self.lm.usage = self.usage
        return old


class Backend(Protocol):
    """Loads a catalogue entry into an lm-eval model. Heavy imports happen inside `load`."""

    name: str

    def load(self, spec: ModelSpec) -> LoadedModel: ...
