"""Compact, committable snapshots of a run: what `compare` needs and nothing more.

A snapshot keeps, per cell, the headline metric with its interval, the cost figures, and the
per-sample scores keyed by lm-eval's document hash (no texts, no predictions), so paired
tests work between a committed baseline and a new run. A run folder is turned into the same
shape on the fly, so either side of a comparison can be a run or a baseline file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bench.errors import UserError
from bench.results.loader import read_record
from bench.results.records import HardwareInfo, Metric, Phase
from bench.results.store import RunStore, atomic_write_text, now_iso

BASELINE_SCHEMA = 2
"""Version of the snapshot's shape; `bench.results.migrations` upgrades older baselines."""
COST_FIGURES = [
    (Metric.LATENCY_PER_SAMPLE, Phase.TASK),
    (Metric.TOKENS_PER_S, Phase.TASK),
    (Metric.PEAK_RSS, Phase.TASK),
    (Metric.ENERGY, Phase.TASK),
    (Metric.CO2, Phase.TASK),
    (Metric.WALL_TIME, Phase.LOAD),
]
"""The measurements a snapshot keeps per cell: what compare and history read."""


class SnapshotFigure(BaseModel):
    """One cost figure of a cell."""

    model_config = ConfigDict(extra="forbid")

    metric: Metric
    phase: Phase = Phase.TASK
    value: float | None
    unit: str
    provenance: str


class SnapshotCell(BaseModel):
    """One model × task cell, reduced to what comparisons need."""

    model_config = ConfigDict(extra="forbid")

    model: str
    task: str
    status: Literal["ok", "error", "skipped"]
    error: str | None = None
    metric: str | None = None
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    params_b: float | None = None
    figures: list[SnapshotFigure] = Field(default_factory=list)
    scores: dict[str, float] = Field(
        default_factory=dict, description="Primary-metric score per lm-eval doc hash."
    )

    def figure(self, metric: Metric, phase: Phase = Phase.TASK) -> SnapshotFigure | None:
        """The figure of `metric` in `phase` (default: the task itself), or None."""
        return next((f for f in self.figures if f.metric == metric and f.phase == phase), None)


class Snapshot(BaseModel):
    """A run, or a baseline saved from one."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = BASELINE_SCHEMA
    kind: Literal["slm-bench-baseline"] = "slm-bench-baseline"
    run_id: str
    created_at: str
    source: str = Field(description="Run folder or file the snapshot came from.")
    hardware: HardwareInfo
    hardware_fingerprint: str
    cells: list[SnapshotCell]

    def cell(self, model: str, task: str) -> SnapshotCell | None:
        return next((c for c in self.cells if c.model == model and c.task == task), None)


def hardware_fingerprint(hw: HardwareInfo) -> str:
    """Short hash of what makes timings comparable: CPU, core count, RAM, GPUs."""
    key = json.dumps([hw.cpu_model, hw.cpu_cores_logical, round(hw.ram_total_gib), hw.gpus])
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def snapshot_from_run(store: RunStore) -> Snapshot:
    """Reduce a run folder to a Snapshot."""
    info = store.read_info()
    params = {s.name: s.params_b for s in info.model_specs}
    cells = []
    for c in store.cells():
        metric = c.metric()
        figures = [
            SnapshotFigure(metric=m.metric, phase=m.phase, value=m.value, unit=m.unit,
                           provenance=m.provenance)
            for m in c.measurements
            if (m.metric, m.phase) in COST_FIGURES
        ]  # fmt: skip
        scores = {}
        if metric:
            for s in store.samples(c.model, c.task):
                if metric.name in s.scores:
                    scores[s.doc_hash or str(s.doc_id)] = s.scores[metric.name]
        cells.append(
            SnapshotCell(
                model=c.model,
                task=c.task,
                status=c.status,
                error=c.error,
                metric=metric.name if metric else None,
                value=metric.value if metric else None,
                ci_low=metric.ci_low if metric else None,
                ci_high=metric.ci_high if metric else None,
                n=metric.n if metric else None,
                params_b=params.get(c.model),
                figures=figures,
                scores=scores,
            )  # fmt: skip
        )
    return Snapshot(
        run_id=info.run_id, created_at=now_iso(), source=str(store.root),
        hardware=info.hardware, hardware_fingerprint=hardware_fingerprint(info.hardware),
        cells=cells,
    )  # fmt: skip


def load_snapshot(path: str | Path) -> Snapshot:
    """A Snapshot from a run folder or a baseline JSON file; one-line errors otherwise."""
    from bench.results.store import open_run

    p = Path(path)
    if p.is_dir() or (not p.exists() and (Path("results") / p).is_dir()):
        return snapshot_from_run(open_run(p))
    if not p.exists():
        raise UserError(f"no run folder or baseline file at {p}")
    try:
        kind = json.loads(p.read_text(encoding="utf-8")).get("kind")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        kind = "slm-bench-baseline"  # unreadable: the loader below says why in one line
    if kind != "slm-bench-baseline":
        raise UserError(f"{p} is not an slm-bench baseline")
    return read_record(p, Snapshot, "baseline", BASELINE_SCHEMA)


def save_baseline(run: str | Path, out: Path) -> Path:
    """Write the compact baseline of a run folder to `out` (atomic)."""
    from bench.results.store import open_run

    snap = snapshot_from_run(open_run(run))
    if not any(c.status == "ok" for c in snap.cells):  # it would let every run pass the gate
        raise UserError(f"{run} has no ok cells: nothing to hold later runs to; not saved")
    atomic_write_text(out, snap.model_dump_json(indent=1) + "\n")
    return out
