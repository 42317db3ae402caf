"""Backends: one module each behind one small interface, chosen by the catalogue's `backend`."""

from __future__ import annotations

from bench.backends.base import Backend, LoadedModel, Usage
from bench.errors import UserError

# Built-in backends by name → "module:Class"; modules are imported only when used.
REGISTRY: dict[str, str] = {
    "hf": "bench.backends.hf:HFBackend",
    "embed-clf": "bench.backends.embed_classifier:EmbeddingClassifierBackend",
}


def get_backend(name: str) -> Backend:
    """Instantiate the backend called `name`."""
    import importlib

    if name not in REGISTRY:
        raise UserError(
            f"backend '{name}' is not available in this version of slm-bench "
            f"(available: {', '.join(sorted(REGISTRY))})"
        )
    module, cls = REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), cls)()


__all__ = ["REGISTRY", "Backend", "LoadedModel", "Usage", "get_backend"]
