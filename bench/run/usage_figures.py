"""A task's figures from its usage counters: tokens, model time, throughput, API cost."""

from __future__ import annotations

from bench.backends import Usage
from bench.catalogue.specs import ModelSpec
from bench.results.records import Measurement, Metric


def usage_measurements(usage: Usage, n_samples: int) -> list[Measurement]:
    """Token counts, throughput and per-sample model time from one task's usage counters."""
    prov = "measured:perf_counter"
    secs = usage.model_seconds
    out = [
        Measurement(
            metric=Metric.MODEL_TIME,
            value=round(secs, 4),
            unit="s",
            provenance=prov,
            n=usage.requests,
        ),
        Measurement(
            metric=Metric.INPUT_TOKENS,
            value=usage.input_tokens,
            unit="tokens",
            provenance=usage.token_source,
            n=usage.requests,
        ),
        Measurement(
            metric=Metric.OUTPUT_TOKENS,
            value=usage.output_tokens,
            unit="tokens",
            provenance=usage.token_source,
            n=usage.requests,
        ),
        Measurement(
            metric=Metric.TOKENS_PER_S,
            value=round((usage.input_tokens + usage.output_tokens) / secs, 2) if secs else None,
            unit="tokens/s",
            provenance=prov,
            detail={"counts": "input + output tokens over model time"},
        ),
        Measurement(
            metric=Metric.LATENCY_PER_SAMPLE,
            value=round(secs / n_samples, 4) if n_samples else None,
            unit="s",
            provenance=prov + "(batched: model time / samples)",
            n=n_samples,
        ),
    ]
    if usage.output_tokens:
        out.append(
            Measurement(
                metric=Metric.OUTPUT_TOKENS_PER_S,
                value=round(usage.output_tokens / secs, 2),
                unit="tokens/s",
                provenance=prov,
            )
        )
    batches = usage.batches.measurement()
    if batches:
        out.append(batches)
    return out


def cost_measurement(spec: ModelSpec, usage: Usage) -> Measurement | None:
    """What the task's requests cost at the catalogue's API price (None without a price)."""
    price = spec.price
    if price is None:
        return None
    cost = (
        usage.input_tokens * price.input_per_1m_tokens
        + usage.output_tokens * price.output_per_1m_tokens
    ) / 1e6
    return Measurement(
        metric=Metric.API_COST,
        value=cost,
        unit=price.currency,
        provenance=f"derived:{usage.token_source} x price as of {price.as_of}",
        n=usage.requests,
        detail={"per_request": cost / usage.requests if usage.requests else None},
    )
