"""The request probe: the task's own prompts sent to the model one at a time, after lm-eval.

lm-eval batches, sorts and caches requests, so its model time says little about how long one
user waits. The probe replays lm-eval's own Instances (same prompt, chat template, few-shot
examples and generation settings, captured by `MeteredCalls`) for the first `n` documents
of the evaluated set, one document at a time:

- a generative document is one `generate_until` request: **E2E** from submission to the full
  output, and **TTFT** where the backend streams (it calls `lm.token_hook` per token);
- a multiple-choice document is one `loglikelihood` request holding all its options, timed
  end to end (**E2E**; no tokens are generated, so no TTFT).

One unmeasured warm-up request comes first. Backends that cache prompts (vLLM's prefix cache,
llama.cpp's KV cache) forget them before each request, since lm-eval has just sent the same
prompts; each request pays its full prefill, as a new user's would. Figures are
`Phase.REQUEST` measurements with mean, 95 % interval and p50 / p95 in `detail` (see
`bench.run.perf.summarise`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from bench.results.records import Measurement, Metric, Phase
from bench.run.perf import StreamTiming, summarise

PROVENANCE = "measured:perf_counter(one request at a time)"


def documents(instances: Sequence[Any]) -> list[list[Any]]:
    """lm-eval's Instances grouped by document, in document order; one group is one request."""
    groups: dict[int, dict[int, Any]] = {}
    for inst in instances:  # lm-eval repeats the same object for `repeats`: keep it once
        groups.setdefault(int(inst.doc_id), {})[id(inst)] = inst
    # Options of one document keep lm-eval's order (idx), so the request is as lm-eval built it.
    return [sorted(groups[d].values(), key=lambda i: i.idx) for d in sorted(groups)]


def pick(groups: list[list[Any]], n: int) -> tuple[list[Any] | None, list[list[Any]]]:
    """The warm-up request and the first `n` measured ones.

    The warm-up is the first document after the measured ones (the last one in small sets),
    so a backend that keeps the previous prompt's cache does not serve the first measured one.
    """
    measured = groups[:n]
    if not measured:
        return None, []
    return groups[min(n, len(groups) - 1)], measured


def time_request(lm: Any, group: list[Any]) -> StreamTiming:
    """Send one document's request and timestamp it (and its tokens, where the backend streams)."""
    kind = group[0].request_type
    times: list[float] = []
    # lm-eval has just sent this prompt: a prefix cache would answer it without prefill.
    getattr(lm, "forget_prompts", lambda: None)()
    lm.token_hook = lambda: times.append(time.perf_counter())
    try:
        start = time.perf_counter()
        if kind == "generate_until":
            lm.generate_until(group[:1])  # repeats of a sampled task are the same prompt
        else:
            lm.loglikelihood(group)
        end = time.perf_counter()
    finally:
        lm.token_hook = None
    return StreamTiming(start=start, token_times=times, end=end)


def run_probe(lm: Any, instances: Sequence[Any], n: int,
              budget_s: float | None = None) -> list[Measurement]:  # fmt: skip
    """E2E (and TTFT where streamed) of the first `n` documents' requests; [] if none fit.

    With `budget_s`, no new request starts once the measured ones have taken that long (at
    least one is always timed): on a slow CPU one request can take many seconds.
    """
    groups = [g for g in documents(instances) if g[0].request_type in PROBED]
    warmup, measured = pick(groups, n)
    if warmup is None:
        return []
    time_request(lm, warmup)
    runs: list[StreamTiming] = []
    start = time.perf_counter()
    for group in measured:
        if runs and budget_s is not None and time.perf_counter() - start >= budget_s:
            break
        runs.append(time_request(lm, group))
    out = probe_measurements(runs, measured[0][0].request_type)
    if len(runs) < len(measured):  # say why n is smaller than asked
        out = [m.at(detail={**m.detail, "stopped_by_budget_s": budget_s}) for m in out]
    return out


def from_scoring(usage: Any) -> list[Measurement]:
    """E2E of every multiple-choice document from the scoring itself; [] where it cannot stand
    in for the probe.

    On the shared-context path lm-eval's scoring already sends each document alone — its
    context once and all options in one call, exactly what the probe would replay — so its
    timings are the probe's figures, for all documents instead of the first n, at no cost.
    Any request left to lm-eval's batches (or a generative one) needs the real probe.
    """
    kinds = {inst.request_type for inst in usage.instances}
    if kinds != {"loglikelihood"} or usage.unshared or not usage.document_seconds:
        return []
    runs = [StreamTiming(start=0.0, token_times=[], end=s) for s in usage.document_seconds]
    out = probe_measurements(runs, "loglikelihood")
    return [m.at(provenance=SCORING_PROVENANCE) for m in out]


SCORING_PROVENANCE = "measured:perf_counter(lm-eval's scoring, one document per call)"

PROBED = {"generate_until", "loglikelihood"}
"""Request types the probe sends; perplexity (loglikelihood_rolling) tasks have no user wait."""


def probe_measurements(runs: list[StreamTiming], kind: str) -> list[Measurement]:
    """The probe's figures: E2E always, TTFT when every request streamed its tokens."""
    where = {"phase": Phase.REQUEST, "provenance": PROVENANCE}
    e2e = summarise(Metric.E2E, [r.e2e for r in runs], **where)
    out = [e2e.at(detail={**e2e.detail, "request": kind})]
    if runs and all(r.token_times for r in runs):
        ttft = summarise(Metric.TTFT, [r.ttft for r in runs], **where)
        out.append(ttft.at(detail={**ttft.detail, "request": kind}))
    return out
