"""Wall-clock timing of a block, and summaries of many timed batches."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from bench.results.records import Measurement, Metric, Phase


class WallTimer:
    """Context manager timing a block with `time.perf_counter`."""

    def __enter__(self) -> WallTimer:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start

    def measurement(self, phase: Phase = Phase.TASK) -> Measurement:
        """The elapsed time of `phase` as a Measurement in seconds."""
        return Measurement(
            metric=Metric.WALL_TIME,
            phase=phase,
            value=round(self.seconds, 4),
            unit="s",
            provenance="measured:perf_counter",
        )


@dataclass
class BatchLog:
    """Durations and sizes of the model calls lm-eval made (one entry per forward batch)."""

    seconds: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)

    def add(self, seconds: float, size: int) -> None:
        self.seconds.append(seconds)
        self.sizes.append(size)

    def measurement(self) -> Measurement | None:
        """Mean batch time with p50/p90/p95/max, or None when no batch ran."""
        if not self.seconds:
            return None
        arr = np.asarray(self.seconds)
        return Measurement(
            metric=Metric.BATCH_LATENCY,
            value=round(float(arr.mean()), 4),
            unit="s",
            provenance="measured:perf_counter",
            n=len(arr),
            detail={
                "p50": round(float(np.percentile(arr, 50)), 4),
                "p90": round(float(np.percentile(arr, 90)), 4),
                "p95": round(float(np.percentile(arr, 95)), 4),
                "max": round(float(arr.max()), 4),
                "total_s": round(float(arr.sum()), 4),
                "mean_batch_size": round(float(np.mean(self.sizes)), 2),
            },
        )
