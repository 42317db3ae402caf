"""Multiple-choice scoring with each context computed once (HF transformers, causal models).

lm-eval's HF path runs `context + option` through the model once per option, so an 8-option
question computes its ~200-token context 8 times. Here the context runs once with the KV
cache kept, and all options' continuations run from that cache in one batch. The figures are
those of lm-eval's `_loglikelihood_tokens` (sum of the continuation's log-probabilities,
whether it is the greedy continuation) up to floating-point rounding: the same products,
summed in another order. Groups that cannot share (one option, too long, empty parts) go to
lm-eval's own path, so every request gets an answer from exactly one of the two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Request = tuple[tuple[str, str], list[int], list[int]]
"""lm-eval's tokenised request: ((context, continuation), context ids, continuation ids)."""

Score = tuple[float, bool]
"""Log-likelihood of the continuation and whether greedy decoding would produce it."""


def shareable_groups(requests: Sequence[Request], max_length: int) -> tuple[dict, list[int]]:
    """Indices of requests grouped by context where sharing applies, and the rest."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, (_, ctx, _) in enumerate(requests):
        groups.setdefault(tuple(ctx), []).append(i)
    shared, rest = {}, []
    for ctx, idx in groups.items():
        conts = [requests[i][2] for i in idx]
        # lm-eval truncates over-long inputs from the left; leave those to it.
        fits = len(ctx) + max(map(len, conts)) <= max_length + 1
        if len(idx) > 1 and ctx and all(conts) and fits:
            shared[ctx] = idx
        else:
            rest.extend(idx)
    return shared, rest


def score_group(model, ctx: list[int], conts: list[list[int]], softmax_dtype=None) -> list[Score]:
    """Score every continuation of one context: one context forward, one batched tail."""
    import torch
    import torch.nn.functional as F

    device = model.device
    with torch.inference_mode():
        # Only the context's last position predicts an option token: projecting the other
        # positions onto the vocabulary (49k-262k wide) would be most of the work wasted.
        out = model(torch.tensor([ctx], device=device), use_cache=True, logits_to_keep=1)
        dtype = softmax_dtype or out.logits.dtype  # as lm-eval: the model's dtype by default
        first = F.log_softmax(out.logits[0, -1], dim=-1, dtype=dtype)  # predicts cont[0]
        tails = [c[:-1] for c in conts]  # the last token of an option is only predicted
        width = max(map(len, tails))
        rest = None
        if width:
            cache = out.past_key_values
            cache.batch_repeat_interleave(len(conts))
            ids = torch.zeros((len(conts), width), dtype=torch.long, device=device)
            mask = torch.ones((len(conts), len(ctx) + width), dtype=torch.long, device=device)
            for j, tail in enumerate(tails):  # right padding: causal attention never sees it
                ids[j, : len(tail)] = torch.tensor(tail, device=device)
                mask[j, len(ctx) + len(tail) :] = 0
            logits = model(ids, past_key_values=cache, attention_mask=mask, use_cache=False)
            rest = F.log_softmax(logits.logits, dim=-1, dtype=dtype)
        scores = []
        for j, cont in enumerate(conts):
            rows = [first] + [rest[j, p] for p in range(len(cont) - 1)]
            steps = torch.stack(rows)
            target = torch.tensor(cont, device=device)
            logprob = steps.gather(1, target.unsqueeze(1)).sum()
            scores.append((float(logprob), bool((steps.argmax(dim=-1) == target).all())))
    return scores


def shared_loglikelihoods(
    model,
    requests: Sequence[Request],
    max_length: int,
    fallback: Callable[[list[Request]], list[Score]],
    softmax_dtype=None,
    on_batch: Callable[[float, int], None] | None = None,
) -> list[Score]:
    """Scores of `requests` in their order; unshareable ones through `fallback` (lm-eval)."""
    import time

    shared, rest = shareable_groups(requests, max_length)
    results: list[Score | None] = [None] * len(requests)
    for ctx, idx in shared.items():
        start = time.perf_counter()
        scores = score_group(model, list(ctx), [requests[i][2] for i in idx], softmax_dtype)
        if on_batch:
            on_batch(time.perf_counter() - start, len(idx))
        for i, score in zip(idx, scores, strict=True):
            results[i] = score
    if rest:
        for i, score in zip(rest, fallback([requests[i] for i in rest]), strict=True):
            results[i] = score
    return results  # type: ignore[return-value]
