"""Hugging Face transformers backend, through lm-eval's `HFLM` with meters on its calls."""

from __future__ import annotations

import time

from bench.backends.base import LoadedModel, MeteredCalls, Usage
from bench.backends.precision import resolve_torch
from bench.backends.shared_context import shared_loglikelihoods
from bench.catalogue.specs import ModelSpec
from bench.catalogue.weights import local_folder
from bench.run.perf import filler_ids, hf_encoder


def token_streamer(on_token):
    """A transformers streamer calling `on_token()` at each generated token (not the prompt)."""
    from transformers.generation.streamers import BaseStreamer

    class Tick(BaseStreamer):
        prompt_seen = False

        def put(self, value):
            if not self.prompt_seen:  # generate() first puts the prompt itself
                self.prompt_seen = True
                return
            on_token()

        def end(self):
            pass

    return Tick()


def _metered_hflm_class():
    """Subclass of lm-eval's HFLM that times forward batches and counts tokens.

    Defined lazily so that importing this module does not import torch or lm-eval.
    """
    from lm_eval.models.huggingface import HFLM

    class MeteredHFLM(MeteredCalls, HFLM):
        usage: Usage
        shared_context = False
        """Score multiple-choice options from one context forward (`shared_context`)."""

        def _loglikelihood_tokens(self, requests, disable_tqdm=False, override_bs=None):
            usage = self.usage

            def lm_eval_path(reqs):
                usage.unshared += len(reqs) if self.shared_context else 0
                return super(MeteredHFLM, self)._loglikelihood_tokens(
                    reqs, disable_tqdm=disable_tqdm, override_bs=override_bs
                )

            if not self.shared_context or self.backend != "causal":
                return lm_eval_path(requests)

            def on_document(seconds: float, n: int) -> None:
                usage.batches.add(seconds, n)
                usage.document_seconds.append(seconds)

            return shared_loglikelihoods(
                self.model, requests, self.max_length, lm_eval_path,
                softmax_dtype=self.softmax_dtype, on_batch=on_document,
            )  # fmt: skip

        def _model_call(self, inps, attn_mask=None, labels=None):
            start = time.perf_counter()
            out = super()._model_call(inps, attn_mask=attn_mask, labels=labels)
            self.usage.batches.add(time.perf_counter() - start, int(inps.shape[0]))
            return out

        def _model_generate(self, context, max_length, stop, **generation_kwargs):
            if self.token_hook is not None and context.shape[0] == 1:  # the request probe
                generation_kwargs["streamer"] = token_streamer(self.token_hook)
            start = time.perf_counter()
            out = super()._model_generate(context, max_length, stop, **generation_kwargs)
            self.usage.batches.add(time.perf_counter() - start, int(context.shape[0]))
            return out

    return MeteredHFLM


class HFPerfEngine:
    """The performance scenario's view of a transformers model (see `bench.run.perf`)."""

    def __init__(self, model, tokenizer):
        self.model, self.tokenizer = model, tokenizer

    def prompt_ids(self, n_tokens: int, variant: int = 0) -> list[int]:
        return filler_ids(hf_encoder(self.tokenizer), n_tokens, variant)

    def _generate(self, batch: list[list[int]], new_tokens: int, streamer=None) -> None:
        import torch

        ids = torch.tensor(batch, device=self.model.device)
        with torch.inference_mode():
            self.model.generate(
                input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                max_new_tokens=new_tokens, min_new_tokens=new_tokens, streamer=streamer,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
            )  # fmt: skip

    def generate_stream(self, ids: list[int], new_tokens: int, on_token) -> None:
        self._generate([ids], new_tokens, streamer=token_streamer(on_token))

    def generate_batch(self, batch: list[list[int]], new_tokens: int) -> None:
        self._generate(batch, new_tokens)


class HFBackend:
    """Runs a local model with transformers on CPU or CUDA, as lm-eval's `hf` model does."""

    name = "hf"

    def load(self, spec: ModelSpec) -> LoadedModel:
        import torch

        folder = local_folder(spec)
        device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype, why = resolve_torch(spec.dtype)
        lm = _metered_hflm_class()(
            pretrained=str(folder),
            dtype=dtype,
            device=device,
            batch_size=spec.batch_size,
            max_length=spec.context_length,
        )
        # In float32 the shared-context path gives lm-eval's log-likelihoods to 1e-4 (see
        # `bench.run.speed_check`); in bfloat16 any change in summation order flips near-tied
        # choices, so there lm-eval's own path keeps our answers equal to lm-eval's.
        lm.shared_context = dtype == "float32"
        usage = Usage()
        lm.usage = usage
        info = {
            "device": device,
            "dtype": dtype,
            "dtype_reason": why,
            "scoring": "shared-context" if lm.shared_context else "lm-eval",
            "folder": str(folder),
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
        }
        engine = HFPerfEngine(lm.model, lm.tokenizer)
        return LoadedModel(spec=spec, lm=lm, usage=usage, info=info, engine=engine)
