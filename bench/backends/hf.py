"""Hugging Face transformers backend, through lm-eval's `HFLM` with meters on its calls."""

from __future__ import annotations

import time

from bench.backends.base import LoadedModel, Usage
from bench.config import ModelSpec
from bench.weights import local_folder


def _metered_hflm_class():
    """Subclass of lm-eval's HFLM that times forward batches and counts tokens.

    Defined lazily so that importing this module does not import torch or lm-eval.
    """
    from lm_eval.models.huggingface import HFLM

    class MeteredHFLM(HFLM):
        usage: Usage

        def _model_call(self, inps, attn_mask=None, labels=None):
            start = time.perf_counter()
            out = super()._model_call(inps, attn_mask=attn_mask, labels=labels)
            self.usage.batches.add(time.perf_counter() - start, int(inps.shape[0]))
            return out

        def _model_generate(self, context, max_length, stop, **generation_kwargs):
            start = time.perf_counter()
            out = super()._model_generate(context, max_length, stop, **generation_kwargs)
            self.usage.batches.add(time.perf_counter() - start, int(context.shape[0]))
            return out

        def loglikelihood(self, requests, disable_tqdm: bool = False):
            start = time.perf_counter()
            out = super().loglikelihood(requests, disable_tqdm=True)
            self.usage.model_seconds += time.perf_counter() - start
            self.usage.requests += len(requests)
            self.usage.input_tokens += sum(
                len(self.tok_encode(r.args[0])) + len(self.tok_encode(r.args[1])) for r in requests
            )
            return out

        def generate_until(self, requests, disable_tqdm: bool = False):
            start = time.perf_counter()
            out = super().generate_until(requests, disable_tqdm=True)
            self.usage.model_seconds += time.perf_counter() - start
            self.usage.requests += len(requests)
            self.usage.input_tokens += sum(len(self.tok_encode(r.args[0])) for r in requests)
            self.usage.output_tokens += sum(len(self.tok_encode(text)) for text in out)
            return out

    return MeteredHFLM


class HFBackend:
    """Runs a local model with transformers on CPU or CUDA, as lm-eval's `hf` model does."""

    name = "hf"

    def load(self, spec: ModelSpec) -> LoadedModel:
        import torch

        folder = local_folder(spec)
        device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = spec.dtype
        if dtype == "auto":
            dtype = "bfloat16" if device == "cuda" else "float32"
        lm = _metered_hflm_class()(
            pretrained=str(folder),
            dtype=dtype,
            device=device,
            batch_size=spec.batch_size,
            max_length=spec.context_length,
        )
        usage = Usage()
        lm.usage = usage
        info = {
            "device": device,
            "dtype": dtype,
            "folder": str(folder),
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
        }
        return LoadedModel(spec=spec, lm=lm, usage=usage, info=info)
