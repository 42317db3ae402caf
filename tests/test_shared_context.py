"""Shared-context scoring equals scoring each context + option in full (tiny random llama)."""

from __future__ import annotations

import pytest

from bench.backends.shared_context import shareable_groups, shared_loglikelihoods


def _req(ctx, cont):
    return (("c", "o"), ctx, cont)


def test_groups_share_only_where_it_is_safe():
    reqs = [
        _req([1, 2, 3], [4]), _req([1, 2, 3], [5, 6]),  # shared
        _req([7, 8], [9]),  # alone: nothing to share
        _req([1, 2], [3, 4, 5, 6]), _req([1, 2], [3]),  # too long for max_length 4
    ]  # fmt: skip
    shared, rest = shareable_groups(reqs, max_length=4)
    assert shared == {(1, 2, 3): [0, 1]} and sorted(rest) == [2, 3, 4]


@pytest.fixture(scope="module", params=["llama", "gemma3-sliding"])
def tiny_llama(request):
    """Random tiny models of the embedded models' architectures (Gemma 3: a sliding window
    shorter than the context, so the cache of its local layers is trimmed)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    sizes = dict(
        vocab_size=97, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
    )  # fmt: skip
    if request.param == "llama":
        return transformers.LlamaForCausalLM(transformers.LlamaConfig(**sizes)).eval()
    config = transformers.Gemma3TextConfig(
        **sizes, head_dim=8, sliding_window=4, layer_types=["sliding_attention", "full_attention"]
    )
    return transformers.Gemma3ForCausalLM(config).eval()


def _full(model, ctx, cont):
    """lm-eval's way: one forward over (context + continuation)[:-1]."""
    import torch
    import torch.nn.functional as F

    with torch.inference_mode():
        logits = model(torch.tensor([(ctx + cont)[:-1]])).logits[0, -len(cont) :]
        logp = F.log_softmax(logits, dim=-1)
        target = torch.tensor(cont)
        return float(logp.gather(1, target[:, None]).sum()), bool((logp.argmax(-1) == target).all())


def test_same_scores_as_a_full_forward_per_option(tiny_llama):
    ctx = [5, 17, 3, 88, 42, 9, 61, 23]
    conts = [[11], [12, 13], [14, 15, 16, 90], [7, 7]]
    reqs = [_req(ctx, c) for c in conts] + [_req([1, 2], [3, 4])]  # the last falls back
    fallback_calls = []

    def fallback(rs):
        fallback_calls.append(rs)
        return [_full(tiny_llama, r[1], r[2]) for r in rs]

    got = shared_loglikelihoods(tiny_llama, reqs, max_length=64, fallback=fallback)
    want = [_full(tiny_llama, r[1], r[2]) for r in reqs]
    assert len(fallback_calls) == 1 and len(fallback_calls[0]) == 1
    for (lp, greedy), (ref_lp, ref_greedy) in zip(got, want, strict=True):
        assert lp == pytest.approx(ref_lp, abs=1e-4) and greedy == ref_greedy
