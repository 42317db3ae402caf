"""Money: cost per 1,000 requests for self-hosted and API models, and the break-even volume.

Self-hosted: hardware cost per busy hour (price ÷ lifetime hours ÷ utilisation) times the
model time per request, plus the request's energy at the electricity price. API: measured
input and output tokens per request at the catalogue's price per million tokens. Every figure
inherits the caveats of its inputs (estimated energy on machines without power counters).
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.analysis.requirements import CostProfile
from bench.catalogue.specs import ModelSpec


@dataclass
class Cost:
    """Cost per 1,000 requests, with its parts."""

    per_1k: float | None
    hardware: float | None = None
    energy: float | None = None
    api: float | None = None
    basis: str = ""


def cost_per_1k(spec: ModelSpec, seconds_per_request: float | None,
                energy_kwh_per_request: float | None, input_tokens: float | None,
                output_tokens: float | None, profile: CostProfile) -> Cost:  # fmt: skip
    """Cost of 1,000 requests of this model on this task."""
    if not spec.local:
        if spec.price is None or input_tokens is None:
            return Cost(per_1k=None, basis="no price or token counts")
        rate = profile.usd_to_currency if spec.price.currency == "USD" else 1.0
        per_request = (
            (
                input_tokens * spec.price.input_per_1m_tokens
                + (output_tokens or 0) * spec.price.output_per_1m_tokens
            )
            / 1e6
            * rate
        )
        return Cost(per_1k=per_request * 1000, api=per_request * 1000,
                    basis=f"API price as of {spec.price.as_of}")  # fmt: skip
    if seconds_per_request is None:
        return Cost(per_1k=None, basis="no timing")
    hardware = seconds_per_request / 3600 * profile.hardware_per_hour * 1000
    energy = (energy_kwh_per_request or 0.0) * profile.electricity_per_kwh * 1000
    return Cost(per_1k=hardware + energy, hardware=hardware, energy=energy,
                basis="self-hosted: hardware share + electricity")  # fmt: skip


def break_even_requests_per_month(profile: CostProfile, self_hosted_marginal_per_1k: float,
                                  api_per_1k: float) -> float | None:  # fmt: skip
    """Monthly volume above which owning the hardware is cheaper than paying the API.

    Owning costs the hardware's monthly depreciation whatever the volume, plus electricity
    per request; the API costs only per request. None when the API is not dearer per request.
    """
    fixed_per_month = profile.hardware_price / (profile.lifetime_years * 12)
    saving_per_request = (api_per_1k - self_hosted_marginal_per_1k) / 1000
    if saving_per_request <= 0:
        return None
    return fixed_per_month / saving_per_request


HOURS_PER_MONTH = 730.0
"""Average hours in a month (8,760 / 12)."""


def capacity_per_month(profile: CostProfile, seconds_per_request: float | None) -> float | None:
    """Requests per month the measured machine serves at the profile's utilisation, one
    request after another at the measured model time per request (batching may raise it)."""
    if not seconds_per_request:
        return None
    return profile.utilisation * HOURS_PER_MONTH * 3600 / seconds_per_request


def sensitivity(spec: ModelSpec, seconds: float | None, energy_kwh: float | None,
                profile: CostProfile, factors=(0.5, 1.0, 2.0)) -> list[dict]:  # fmt: skip
    """Cost per 1k when the price assumptions move: hardware price, electricity, utilisation."""
    rows = []
    for field in ("hardware_price", "electricity_per_kwh", "utilisation"):
        for f in factors:
            value = getattr(profile, field) * f
            if field == "utilisation":
                value = min(1.0, value)
            changed = profile.model_copy(update={field: value})
            rows.append({"assumption": field, "factor": f, "value": value,
                         "per_1k": cost_per_1k(spec, seconds, energy_kwh, None, None,
                                               changed).per_1k})  # fmt: skip
    return rows
