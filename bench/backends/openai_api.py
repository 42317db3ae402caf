"""OpenAI-compatible APIs (hosted LLMs, or a local vLLM / llama.cpp / Ollama server).

Accuracy goes through lm-eval's API models: `local-completions` when the server returns
prompt log-probabilities (`echo` + `logprobs`, as vLLM does), so multiple-choice tasks run;
`local-chat-completions` for hosted chat models, which run generative tasks only (a chat API
gives no log-probabilities of a given answer, so multiple-choice cells are recorded as skipped).
Token counts are the ones the server reports in `usage`. The API key is read from the
environment variable the catalogue names and is never written anywhere. lm-eval retries every
failed request with exponential backoff (429, 5xx, timeouts), `max_retries` times (so at
most 1 + max_retries requests).
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

from bench.backends.base import LoadedModel, MeteredCalls, UnsupportedTask, Usage
from bench.catalogue.specs import ApiSource, ModelSpec
from bench.errors import UserError
from bench.run.perf import filler_ids, hf_encoder

NO_LOGPROBS = (
    "this API returns no log-probabilities of a given answer, which multiple-choice tasks "
    "need; only generative tasks run on it"
)


def api_key(source: ApiSource) -> str:
    """The key from the environment variable named in the catalogue ('' if none is needed)."""
    if not source.api_key_env:
        return ""
    key = os.environ.get(source.api_key_env, "")
    if not key:
        raise UserError(f"set the environment variable {source.api_key_env} to the API key")
    return key


def auth_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


def preflight(base_url: str, key: str, timeout_s: float) -> None:
    """Fail fast with one clear line when the server is unreachable or refuses the key."""
    import requests

    url = base_url.rstrip("/") + "/models"
    try:
        resp = requests.get(url, headers=auth_headers(key), timeout=timeout_s)
    except requests.RequestException as exc:
        raise UserError(f"cannot reach {base_url}: {type(exc).__name__}") from exc
    if resp.status_code in (401, 403):
        raise UserError(f"{base_url} refused the API key (HTTP {resp.status_code})")
    if resp.status_code >= 400 and resp.status_code != 404:  # some servers lack /models
        raise UserError(f"{base_url}/models answered HTTP {resp.status_code}")


def _metered_api_class(chat: bool):
    """lm-eval's completions (or chat completions) model, metered from the server's usage."""
    from lm_eval.models.openai_completions import LocalChatCompletion, LocalCompletionsAPI

    base = LocalChatCompletion if chat else LocalCompletionsAPI

    class MeteredAPI(MeteredCalls, base):
        usage: Usage
        key: str = ""
        logprobs: bool = False

        @property
        def api_key(self) -> str:
            return self.key

        @property
        def header(self) -> dict:
            return auth_headers(self.key)

        def count_input(self, texts) -> int:
            return 0  # counted from the responses' `usage` instead (the server's tokenizer)

        def count_output(self, texts) -> int:
            return 0

        def _record(self, outputs) -> None:
            for out in outputs if isinstance(outputs, list) else [outputs]:
                used = (out or {}).get("usage") or {}
                self.usage.input_tokens += int(used.get("prompt_tokens") or 0)
                self.usage.output_tokens += int(used.get("completion_tokens") or 0)

        def parse_generations(self, outputs, **kwargs):
            self._record(outputs)
            return super().parse_generations(outputs=outputs, **kwargs)

        def parse_logprobs(self, outputs, tokens=None, ctxlens=None, **kwargs):
            self._record(outputs)
            return super().parse_logprobs(outputs=outputs, tokens=tokens, ctxlens=ctxlens)

        async def amodel_call(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return await super().amodel_call(*args, **kwargs)
            finally:  # one entry per HTTP request, retries included
                self.usage.batches.add(time.perf_counter() - start, 1)

        def loglikelihood(self, requests, disable_tqdm: bool = False):
            if not self.logprobs or self.tokenizer is None:
                raise UnsupportedTask(NO_LOGPROBS)
            return super().loglikelihood(requests, disable_tqdm)

    return MeteredAPI


def api_lm(spec: ModelSpec, *, base_url: str, model_id: str, key: str, logprobs: bool,
           tokenizer: str | None, concurrency: int, timeout_s: float,
           max_retries: int):  # fmt: skip
    """An lm-eval API model for `spec` with usage counters attached.

    With a local `tokenizer` (a model folder) requests go to /completions as token ids and the
    chat template is applied here, exactly as for the HF and vLLM backends; without one, chat
    models get /chat/completions and the server applies its template.
    """
    chat_endpoint = tokenizer is None and spec.chat
    cls = _metered_api_class(chat=chat_endpoint)
    endpoint = "/chat/completions" if chat_endpoint else "/completions"
    kwargs = {"tokenizer_backend": "huggingface", "tokenizer": tokenizer} if tokenizer else {
        "tokenizer_backend": None
    }  # fmt: skip
    lm = cls(
        model=model_id,
        base_url=base_url.rstrip("/") + endpoint,
        num_concurrent=concurrency,
        # lm-eval's `max_retries` counts attempts (tenacity's stop_after_attempt); ours
        # counts retries after the first request.
        max_retries=max_retries + 1,
        max_length=spec.context_length,
        **kwargs,
    )
    lm.key, lm.logprobs = key, logprobs
    lm.timeout = timeout_s  # lm-eval truncates it with int(): 0.5 s would become 0 (no limit)
    lm.usage = Usage(token_source="reported:server-usage")
    return lm


class ApiPerfEngine:
    """The performance scenario over HTTP: streamed completions for TTFT / TPOT / ITL, and
    `batch` concurrent requests for throughput (the server batches them continuously).

    Needs a local tokenizer so that prompts have exact token counts; vLLM's `min_tokens` and
    `ignore_eos` force the output length.
    """

    def __init__(self, base_url: str, model_id: str, tokenizer, key: str = "",
                 timeout_s: float = 600.0):  # fmt: skip
        self.url = base_url.rstrip("/") + "/completions"
        self.model_id, self.tokenizer, self.timeout_s = model_id, tokenizer, timeout_s
        self.headers = auth_headers(key)

    def prompt_ids(self, n_tokens: int, variant: int = 0) -> list[int]:
        return filler_ids(hf_encoder(self.tokenizer), n_tokens, variant)

    def _payload(self, ids: list[int], new_tokens: int, stream: bool) -> dict:
        return {"model": self.model_id, "prompt": ids, "max_tokens": new_tokens,
                "min_tokens": new_tokens, "ignore_eos": True, "temperature": 0,
                "stream": stream}  # fmt: skip

    def generate_stream(self, ids: list[int], new_tokens: int, on_token) -> None:
        import requests

        payload = self._payload(ids, new_tokens, True)
        with requests.post(self.url, json=payload, headers=self.headers, stream=True,
                           timeout=self.timeout_s) as resp:  # fmt: skip
            resp.raise_for_status()
            for line in resp.iter_lines():
                if not line.startswith(b"data: ") or line == b"data: [DONE]":
                    continue
                if json.loads(line[6:]).get("choices"):  # one chunk per generated token
                    on_token()

    def _one(self, ids: list[int], new_tokens: int) -> None:
        import requests

        resp = requests.post(self.url, json=self._payload(ids, new_tokens, False),
                             headers=self.headers, timeout=self.timeout_s)  # fmt: skip
        resp.raise_for_status()

    def generate_batch(self, batch: list[list[int]], new_tokens: int) -> None:
        with ThreadPoolExecutor(max_workers=len(batch)) as pool:
            for fut in [pool.submit(self._one, ids, new_tokens) for ids in batch]:
                fut.result()


class OpenAIBackend:
    """A model behind an OpenAI-compatible API, as named in the catalogue (`source.kind: api`)."""

    name = "openai"

    def load(self, spec: ModelSpec) -> LoadedModel:
        src = spec.source
        assert isinstance(src, ApiSource)
        key = api_key(src)
        preflight(src.base_url, key, src.timeout_s)
        lm = api_lm(
            spec, base_url=src.base_url, model_id=src.model_id, key=key,
            logprobs=src.logprobs, tokenizer=None, concurrency=src.concurrency,
            timeout_s=src.timeout_s, max_retries=src.max_retries,
        )  # fmt: skip
        info = {"base_url": src.base_url, "model_id": src.model_id, "chat": spec.chat}
        # No scenario: prompts of exact token counts need the model's tokenizer, and a paid
        # API should not be load-tested by default.
        return LoadedModel(spec=spec, lm=lm, usage=lm.usage, info=info)
