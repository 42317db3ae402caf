"""One typed description per backend, and the registry everything else reads.

This module imports nothing heavy and nothing from the catalogue, so the catalogue can
validate `backend:` names against it without a circular import.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Literal

from bench.errors import did_you_mean

SourceKind = Literal["embedded", "package", "hub", "api"]
"""The `source.kind` values of the catalogue (see `bench.catalogue.specs`)."""


@dataclass(frozen=True)
class BackendInfo:
    """What slm-bench knows about one backend before importing it."""

    name: str
    """Name in the catalogue's `backend:` and in `model@backend`."""
    target: str
    """Where the class lives, 'module:Class'; imported only when a model loads."""
    sources: tuple[SourceKind, ...]
    """Catalogue source kinds the backend can run."""
    summary: str
    """One line for `slm-bench models list`."""
    package: str | None = None
    """Import name of a package needed beyond the core install (None: core is enough)."""
    install: str | None = None
    """How to get `package`, shown when it is missing."""
    server: bool = False
    """The model runs in a server child process: memory meters count the process tree."""
    scenario: bool = True
    """The backend provides the latency / throughput scenario's engine."""
    loglikelihood: bool = True
    """It scores multiple-choice tasks (openai: only where the source has logprobs)."""
    auto_dtype: str | None = "bfloat16 where the CPU or GPU has native BF16, else float32"
    """What dtype 'auto' becomes; None: no precision to pick, so no `-fp32` suffix."""
    runs_gguf: bool = False
    """It runs the GGUF's own integer kernels: quantisation comes from the GGUF file."""
    prepare_task: bool = False
    """Its lm-eval object has `prepare_task(task) -> {seconds, n_train}`, called per task."""

    def __post_init__(self) -> None:
        # Catch a half-filled registration at import time, not when a user hits it.
        module, sep, cls = self.target.partition(":")
        if not (module and sep and cls):
            raise ValueError(f"backend '{self.name}': target must be 'module:Class'")
        if not self.sources:
            raise ValueError(f"backend '{self.name}' accepts no source kind")
        if (self.package is None) != (self.install is None):
            raise ValueError(f"backend '{self.name}': give both package and install, or neither")

    @property
    def precision(self) -> bool:
        """True when `model@backend-fp32` (or -bf16, -fp16) makes sense."""
        return self.auto_dtype is not None

    def missing_package(self) -> str | None:
        """The needed package when it is not installed here, else None."""
        if self.package and importlib.util.find_spec(self.package) is None:
            return self.package
        return None

    def load_class(self) -> type:
        """Import the backend's module and return its class (heavy imports may follow)."""
        module, _, cls = self.target.partition(":")
        return getattr(importlib.import_module(module), cls)


BACKENDS: dict[str, BackendInfo] = {}
"""Every registered backend by name, in registration order."""


def register(info: BackendInfo) -> BackendInfo:
    """Add a backend; a second registration under the same name is a programming error."""
    if info.name in BACKENDS:
        raise ValueError(f"backend '{info.name}' is registered twice")
    BACKENDS[info.name] = info
    return info


def backend_info(name: str) -> BackendInfo:
    """The description of backend `name`; a did-you-mean UserError when there is none."""
    try:
        return BACKENDS[name]
    except KeyError:
        raise did_you_mean("backend", name, BACKENDS) from None
