"""Capacity at a latency target, and what a request costs when the machine serves that much.

A load sweep (bench.run.load) offers a task's own requests at rising Poisson rates and keeps
every request's latency. Capacity at an SLO is the highest **achieved** throughput
(requests/s) whose p95 latency (end-to-end, or TTFT) stays within the limit, interpolated
linearly between the last sweep point within it and the first beyond it. A sweep that never
left the limit gives only a lower bound (`bounded` False); one whose lowest rate already
breaks it gives no capacity. Repeated sweeps give a t-interval over their capacities.

Money and power at capacity: the machine is busy at `capacity` requests/s, so one request
takes 1 / capacity seconds of its busy time — the same formula as `cost.cost_per_1k` with that
time — and draws the sweep's mean power for it, interpolated like the throughput.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.analysis.requirements import CostProfile


@dataclass(frozen=True)
class SweepPoint:
    """One offered rate of one sweep: what came back and how long it took (p95, seconds)."""

    offered_rps: float
    achieved_rps: float
    p95_s: float | None
    """p95 of the SLO's latency over the step's successful requests; None: none succeeded."""
    power_w: float | None = None
    """Mean power drawn during the step (W); None without an energy figure."""


@dataclass(frozen=True)
class SweepCapacity:
    """Capacity of one sweep at one SLO."""

    rps: float | None
    """Achieved requests/s within the SLO; None when even the lowest rate breaks it."""
    bounded: bool
    """False when every point was within the SLO: `rps` is then only a lower bound."""
    power_w: float | None = None
    """Mean power at that throughput (interpolated like it), W."""


def _within(point: SweepPoint, slo_s: float) -> bool:
    return point.p95_s is not None and point.p95_s <= slo_s


def _lerp(a: float | None, b: float | None, f: float) -> float | None:
    if a is None or b is None:
        return a if f < 0.5 else b
    return a + (b - a) * f


def sweep_capacity(points: Sequence[SweepPoint], slo_s: float) -> SweepCapacity:
    """Capacity of one sweep: points in any order; the first point beyond the SLO (by offered
    rate) ends the search, later ones (past saturation) do not bring it back."""
    ordered = sorted(points, key=lambda p: p.offered_rps)
    if not ordered or not _within(ordered[0], slo_s):
        return SweepCapacity(rps=None, bounded=True)
    last = ordered[0]
    for nxt in ordered[1:]:
        if not _within(nxt, slo_s):
            # p95 crosses the limit between `last` and `nxt`: where, linearly. A failed step
            # (no p95) crosses it at once.
            f = 0.0 if nxt.p95_s is None else (slo_s - last.p95_s) / (nxt.p95_s - last.p95_s)
            rps = last.achieved_rps + (nxt.achieved_rps - last.achieved_rps) * f
            # Past saturation achieved throughput may fall: never report less than `last` did.
            return SweepCapacity(
                rps=max(rps, last.achieved_rps), bounded=True,
                power_w=_lerp(last.power_w, nxt.power_w, f),
            )  # fmt: skip
        last = nxt
    return SweepCapacity(rps=last.achieved_rps, bounded=False, power_w=last.power_w)


@dataclass(frozen=True)
class Capacity:
    """Capacity at an SLO over repeated sweeps: mean with a 95 % t-interval."""

    rps: float | None
    ci_low: float | None
    ci_high: float | None
    n_sweeps: int
    bounded: bool
    """False when some sweep never left the SLO: the figure is a lower bound."""
    power_w: float | None = None


def capacity(sweeps: Sequence[Sequence[SweepPoint]], slo_s: float) -> Capacity:
    """Capacity over repeated sweeps; a sweep with no capacity counts as 0 requests/s."""
    from bench.analysis.stats import mean_interval

    each = [sweep_capacity(points, slo_s) for points in sweeps if points]
    if not each or all(c.rps is None for c in each):
        return Capacity(rps=None, ci_low=None, ci_high=None, n_sweeps=len(each), bounded=True)
    values = [c.rps or 0.0 for c in each]
    low, high = mean_interval(values)
    powers = [c.power_w for c in each if c.power_w is not None]
    return Capacity(
        rps=sum(values) / len(values), ci_low=max(0.0, low), ci_high=high, n_sweeps=len(each),
        bounded=all(c.bounded for c in each),
        power_w=sum(powers) / len(powers) if powers else None,
    )  # fmt: skip


@dataclass(frozen=True)
class CapacityCost:
    """Money and power at capacity, per 1,000 requests and per hour of full use."""

    per_1k: float
    hardware_per_1k: float
    energy_per_1k: float | None
    energy_kwh_per_1k: float | None
    per_hour: float
    """Hardware share + electricity per busy hour (currency/h)."""
    rps_per_currency_hour: float
    """Requests/s within the SLO per unit of money per hour."""
    rps_per_kw: float | None
    """Requests/s within the SLO per kW drawn; None without a power figure."""


def cost_at_capacity(rps: float, power_w: float | None, profile: CostProfile) -> CapacityCost:
    """What 1,000 requests cost when the machine serves `rps` requests/s within the SLO."""
    if rps <= 0:
        raise ValueError("capacity must be positive to cost a request")
    seconds = 1.0 / rps  # busy time each request takes at that throughput
    hardware = profile.hardware_per_hour * seconds / 3600 * 1000
    kwh = power_w * seconds / 3.6e6 * 1000 if power_w is not None else None
    energy = kwh * profile.electricity_per_kwh if kwh is not None else None
    per_hour = profile.hardware_per_hour + (power_w or 0.0) / 1000 * profile.electricity_per_kwh
    return CapacityCost(
        per_1k=hardware + (energy or 0.0), hardware_per_1k=hardware, energy_per_1k=energy,
        energy_kwh_per_1k=kwh, per_hour=per_hour, rps_per_currency_hour=rps / per_hour,
        rps_per_kw=rps / (power_w / 1000) if power_w else None,
    )  # fmt: skip


def sweep_points(steps, slo_metric: str = "e2e") -> list[list[SweepPoint]]:
    """A load record's steps (`LoadResult.steps`) as sweep points, one list per sweep."""
    from bench.results.records import Metric

    metric = Metric.TTFT if slo_metric == "ttft" else Metric.E2E
    sweeps: dict[int, list[SweepPoint]] = {}
    for step in steps:
        if step.offered_rps is None:
            continue
        power = next((m.value for m in step.measurements if m.metric == Metric.POWER), None)
        sweeps.setdefault(step.sweep, []).append(SweepPoint(
            offered_rps=step.offered_rps, achieved_rps=step.achieved_rps,
            p95_s=step.p95(metric), power_w=power,
        ))  # fmt: skip
    return [sweeps[k] for k in sorted(sweeps)]


def load_capacity(result, slo_s: float | None = None) -> Capacity | None:
    """Capacity of an ok `LoadResult` at `slo_s` (default: the SLO it ran with), else None."""
    if result is None or result.status != "ok":
        return None
    slo = slo_s if slo_s is not None else result.config.slo_s
    return capacity(sweep_points(result.steps, result.config.slo_metric), slo)
