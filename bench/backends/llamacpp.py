"""llama.cpp through llama-cpp-python: the GGUF file itself, with its own integer kernels.

The on-device case: no dequantising, no torch in the hot path. Log-likelihoods come from the
logits of each continuation token (the context is evaluated once per request, then one token
at a time, so only one row of logits is ever needed — a 262k vocabulary times 32k positions
would not fit). Prompts use the model's chat template through its HF tokenizer, as the other
backends do, so every backend sees the same text. llama-cpp-python is an optional extra
(`make setup-llamacpp`): it compiles llama.cpp for minutes.
"""

from __future__ import annotations

import math
import os
import time

from bench.backends.base import LoadedModel, MeteredCalls, Usage
from bench.catalogue.specs import EmbeddedSource, ModelSpec
from bench.catalogue.weights import gguf_path, local_folder
from bench.run.perf import filler_ids


def _last_logits(llm):
    """Logits after the last evaluated token (llama-cpp-python keeps none without logits_all)."""
    import llama_cpp
    import numpy as np

    return np.ctypeslib.as_array(llama_cpp.llama_get_logits(llm.ctx), shape=(llm.n_vocab(),))


def _log_softmax_at(logits, token: int) -> tuple[float, bool]:
    """log p(token) from one row of logits, and whether it is the arg-max."""
    import numpy as np

    row = np.asarray(logits, dtype=np.float64)
    top = row.max()
    logz = top + math.log(np.exp(row - top).sum())
    return float(row[token] - logz), bool(row[token] >= top)


def _lm_class():
    from lm_eval.api.model import TemplateLM

    class LlamaCppCore(TemplateLM):
        usage: Usage
        token_hook = None  # set by the request probe (see MeteredCalls)

        def __init__(self, llm, hf_tokenizer, max_gen_toks: int = 256):
            super().__init__()
            self.llm, self.tokenizer, self.max_gen_toks = llm, hf_tokenizer, max_gen_toks
            self._last: list[int] = []

        @property
        def eot_token_id(self) -> int:
            return self.llm.token_eos()

        @property
        def prefix_token_id(self) -> int:
            bos = self.llm.token_bos()
            return bos if bos >= 0 else self.eot_token_id

        @property
        def tokenizer_name(self) -> str:
            return self.tokenizer.name_or_path.replace("/", "__")

        def tok_encode(self, string: str, add_special_tokens: bool | None = None, **kw):
            # BOS only where the GGUF's vocabulary asks for it (Gemma), as llama.cpp does.
            add_bos = add_special_tokens is not False
            ids = self.llm.tokenize(string.encode("utf-8"), add_bos=add_bos, special=True)
            bos = self.llm.token_bos()
            if add_bos and len(ids) > 1 and ids[0] == bos and ids[1] == bos:
                ids = ids[1:]  # the text already began with the BOS string
            return ids

        def tok_decode(self, tokens) -> str:
            return self.llm.detokenize(tokens).decode("utf-8", errors="replace")

        def apply_chat_template(self, chat_history, add_generation_prompt: bool = True) -> str:
            return self.tokenizer.apply_chat_template(
                chat_history, tokenize=False, add_generation_prompt=add_generation_prompt,
                continue_final_message=not add_generation_prompt,
            )  # fmt: skip

        def _eval_from(self, tokens: list[int]) -> None:
            """Evaluate `tokens`, reusing the KV cache of the longest common prefix."""
            keep = 0
            for a, b in zip(self._last, tokens[:-1], strict=False):
                if a != b:
                    break
                keep += 1
            self.llm.n_tokens = keep  # eval() drops the cache beyond n_tokens
            self.llm.eval(tokens[keep:])
            self._last = list(tokens)

        def _loglikelihood_tokens(self, requests, disable_tqdm: bool = False, **kw):
            n_ctx = self.llm.n_ctx()
            out = []
            for _, context, continuation in requests:
                start = time.perf_counter()
                whole = (context + continuation)[-n_ctx:]  # keep the end, as HF does
                context = whole[: len(whole) - len(continuation)]
                self._eval_from(context)
                total, greedy = 0.0, True
                for i, token in enumerate(continuation):
                    lp, top = _log_softmax_at(_last_logits(self.llm), token)
                    total, greedy = total + lp, greedy and top
                    if i + 1 < len(continuation):
                        self.llm.eval([token])
                self._last = list(context) + list(continuation[:-1])
                self.usage.batches.add(time.perf_counter() - start, 1)
                out.append((total, greedy))
            return out

        def loglikelihood_rolling(self, requests, disable_tqdm: bool = False):
            raise NotImplementedError("perplexity tasks are not supported on llama.cpp here")

        def generate_until(self, requests, disable_tqdm: bool = False):
            outputs = []
            for req in requests:
                context, gen_kwargs = req.args
                until = gen_kwargs.get("until") or []
                until = [until] if isinstance(until, str) else list(until)
                max_tokens = int(gen_kwargs.get("max_gen_toks", self.max_gen_toks))
                prompt = self.tok_encode(context)[-(self.llm.n_ctx() - max_tokens) :]
                start = time.perf_counter()
                result = self.llm.create_completion(
                    prompt=prompt, max_tokens=max_tokens, temperature=0.0, stop=until or None,
                    stream=self.token_hook is not None,  # the request probe times each token
                )  # fmt: skip
                if self.token_hook is not None:
                    text = ""
                    for chunk in result:
                        self.token_hook()
                        text += chunk["choices"][0]["text"]
                else:
                    text = result["choices"][0]["text"]
                self._last = []  # the completion moved the cache
                self.usage.batches.add(time.perf_counter() - start, 1)
                outputs.append(text)
            return outputs

    class LlamaCppLM(MeteredCalls, LlamaCppCore):
        """The meters wrap the core's request methods (they must come first in the MRO)."""

        def forget_prompts(self) -> None:
            self._last = []
            self.llm.n_tokens = 0  # llama.cpp reuses the KV cache of a common prompt prefix

    return LlamaCppLM


class LlamaCppPerfEngine:
    """The scenario on llama.cpp: one stream at a time (llama-cpp-python has no batching, so
    the throughput rows at batch > 1 show sequential requests — which is how it serves)."""

    def __init__(self, llm):
        self.llm = llm

    def prompt_ids(self, n_tokens: int, variant: int = 0) -> list[int]:
        return filler_ids(self._encode, n_tokens, variant)

    def _encode(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode(), add_bos=False, special=False)

    def _generate(self, ids: list[int], new_tokens: int, on_token=None) -> None:
        # The token generator, not create_completion: one item per token (the completion
        # stream merges or withholds pieces of multi-byte text), and no stop at EOS, so the
        # output has exactly `new_tokens` tokens like every backend's scenario.
        self.llm.reset()
        for i, _token in enumerate(self.llm.generate(ids, temp=0.0, reset=True)):
            if on_token is not None:
                on_token()
            if i + 1 >= new_tokens:
                break

    def generate_stream(self, ids: list[int], new_tokens: int, on_token) -> None:
        self._generate(ids, new_tokens, on_token)

    def generate_batch(self, batch: list[list[int]], new_tokens: int) -> None:
        for ids in batch:
            self._generate(ids, new_tokens)


class LlamaCppBackend:
    """Runs an embedded model's GGUF file with llama.cpp on the CPU."""

    name = "llamacpp"

    def load(self, spec: ModelSpec) -> LoadedModel:
        from llama_cpp import Llama
        from transformers import AutoTokenizer

        src = spec.source
        assert isinstance(src, EmbeddedSource)
        path = gguf_path(src)
        threads = spec.engine.threads or len(os.sched_getaffinity(0))
        n_ctx = spec.engine.max_model_len or spec.context_length
        llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads,
                    n_threads_batch=threads, n_batch=512, logits_all=False,
                    verbose=False)  # fmt: skip
        tokenizer = AutoTokenizer.from_pretrained(str(local_folder(spec)))
        lm = _lm_class()(llm, tokenizer)
        lm.usage = Usage()
        import llama_cpp

        info = {"gguf": str(path), "n_ctx": n_ctx, "threads": threads,
                "llama_cpp_python": llama_cpp.__version__}  # fmt: skip
        return LoadedModel(spec=spec, lm=lm, usage=lm.usage, info=info,
                           engine=LlamaCppPerfEngine(llm))  # fmt: skip
