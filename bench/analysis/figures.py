"""Derived figures, defined once: per sample, per 1,000 samples, per correct answer.

A *source* is anything with `.get(key)`: a row of the summary table (columns are `Metric`
values of the task phase, plus `n`, `accuracy` and `load_time`) or `snapshot_source(cell)` of
a baseline snapshot. The report, the verdicts, `compare` and `history` all read derived
figures through `figure(source, name)`, so each is computed the same way everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.results.records import CellResult, Metric, Phase

N = "n"  # samples behind the cell's headline metric
ACCURACY = "accuracy"  # the cell's headline metric
LOAD_TIME = "load_time"  # the model's load wall time, repeated in every cell of the model
PHASE_COLUMNS = {(Phase.LOAD, Metric.WALL_TIME): LOAD_TIME}
"""Measurements of other phases than the task that the summary table shows, and their column."""


def value(source: Any, key: str) -> float | None:
    """`source[key]` as a float, None when missing or NaN (pandas' missing value)."""
    v = source.get(key)
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def per_sample(total: float | None, n: float | None) -> float | None:
    """A cell total divided by its number of samples."""
    return total / n if total is not None and n else None


def per_1k(total: float | None, n: float | None) -> float | None:
    """A cell total per 1,000 samples."""
    each = per_sample(total, n)
    return each * 1000 if each is not None else None


def per_correct(figure_per_sample: float | None, accuracy: float | None) -> float | None:
    """What a right answer costs: a per-sample figure over the accuracy (None if none right)."""
    if figure_per_sample is None or not accuracy or accuracy <= 0:
        return None
    return figure_per_sample / accuracy


@dataclass(frozen=True)
class Derived:
    """One derived figure: its name (a summary-table column), unit and formula."""

    name: str
    unit: str
    compute: Callable[[Any], float | None]


def _scaled(x: float | None, factor: float) -> float | None:
    return x * factor if x is not None else None


ENERGY_PER_SAMPLE = "energy_per_sample"
ENERGY_WH_PER_1K = "energy_wh_per_1k"
ENERGY_WH_PER_1K_CORRECT = "energy_wh_per_1k_correct"
CO2_G_PER_1K = "co2_g_per_1k"

DERIVED = {
    d.name: d
    for d in [
        Derived(ENERGY_PER_SAMPLE, "kWh",
                lambda s: per_sample(value(s, Metric.ENERGY), value(s, N))),
        Derived(ENERGY_WH_PER_1K, "Wh",  # kWh → Wh
                lambda s: _scaled(per_1k(value(s, Metric.ENERGY), value(s, N)), 1e3)),
        Derived(CO2_G_PER_1K, "g",  # kg → g
                lambda s: _scaled(per_1k(value(s, Metric.CO2), value(s, N)), 1e3)),
        Derived(ENERGY_WH_PER_1K_CORRECT, "Wh",
                lambda s: per_correct(figure(s, ENERGY_WH_PER_1K), value(s, ACCURACY))),
    ]
}  # fmt: skip
"""Every derived figure by name."""


def figure(source: Any, name: str) -> float | None:
    """A recorded figure (a `Metric` value, `n`, `accuracy`, `load_time`) or a derived one."""
    if name in DERIVED:
        return DERIVED[name].compute(source)
    return value(source, name)


def known(name: str) -> bool:
    """True when `figure` knows `name` (a metric, a derived figure or a summary column)."""
    return name in DERIVED or name in {N, ACCURACY, LOAD_TIME} or name in set(Metric)


def snapshot_source(cell) -> dict[str, float | None]:
    """A baseline snapshot cell as a source: its task figures, n, accuracy and load time."""
    source: dict[str, float | None] = {N: cell.n, ACCURACY: cell.value}
    for f in cell.figures:
        if f.phase == Phase.TASK:
            source[f.metric.value] = f.value
        elif (f.phase, f.metric) in PHASE_COLUMNS:
            source[PHASE_COLUMNS[(f.phase, f.metric)]] = f.value
    return source


def with_derived(df):
    """The summary table with every derived figure added as a column."""
    df = df.copy()
    rows = df.to_dict("records")
    for name, d in DERIVED.items():  # in order: a later figure may read an earlier one
        df[name] = [math.nan if (v := d.compute(r)) is None else v for r in rows]
    return df


def request_latency(cell) -> tuple[float | None, int, str]:
    """p95 end-to-end latency of the task's own requests (the request probe), its n and basis."""
    m = cell.measurement(Metric.E2E, phase=Phase.REQUEST) if cell is not None else None
    if m is None or not m.n or m.detail.get("p95") is None:
        return None, 0, "no request probe"
    return float(m.detail["p95"]), m.n, f"task requests, n = {m.n}"


GPU_MEMORY = [
    (Metric.GPU_PROCESS_MEMORY, "GPU memory of the process (NVML, CUDA context included)"),
    (Metric.GPU_PEAK_RESERVED, "peak GPU memory reserved by torch (no CUDA context)"),
    (Metric.GPU_PEAK_ALLOCATED, "peak GPU memory allocated by torch (no CUDA context)"),
]
"""GPU memory figures in order of preference: the first is closest to what the device loses."""


def _task_figure(source, metric: Metric) -> float | None:
    # A CellResult has typed measurements; a summary row has task-phase columns by metric.
    if isinstance(source, CellResult):
        m = source.measurement(metric)
        return m.value if m is not None else None
    return value(source, metric.value)


def memory_for_device(source, device: str | None) -> tuple[float | None, str]:
    """The memory (MiB) a device's limit is judged on, and on what basis.

    GPU devices: the task's GPU memory (None when the run had no GPU, rather than host RAM in
    its place). Other devices: peak RSS during the task, of the whole process tree where the
    model runs in a server child process. `source` is a cell or a summary row.
    """
    from bench.analysis.requirements import is_gpu

    if is_gpu(device):
        for metric, basis in GPU_MEMORY:
            if (mib := _task_figure(source, metric)) is not None:
                return mib, basis
        return None, f"no GPU memory measured, so {device} is not judged"
    rss = _task_figure(source, Metric.PEAK_RSS)
    return rss, "peak host RSS during the task (a server's child processes included)"
