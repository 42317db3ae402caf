"""Peak resident memory of a process, sampled by a background thread."""

from __future__ import annotations

import contextlib
import os
import threading

import psutil

from bench.records import Measurement

MIB = 1024 * 1024


class PeakRSSMeter:
    """Context manager sampling the RSS of a process (and its children) every `interval_s`.

    A sampler rather than `ru_maxrss`: it gives the peak *within* the block, so the peak of
    one task is not the peak of everything the process did before it.
    """

    def __init__(self, pid: int | None = None, interval_s: float = 0.02):
        self._proc = psutil.Process(pid or os.getpid())
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.peak_bytes = 0
        self.samples = 0

    def _rss(self) -> int:
        total = self._proc.memory_info().rss
        for child in self._proc.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):  # a child may exit meanwhile
                total += child.memory_info().rss
        return total

    def _sample(self) -> None:
        try:
            rss = self._rss()
        except psutil.NoSuchProcess:
            return
        self.peak_bytes = max(self.peak_bytes, rss)
        self.samples += 1

    def _loop(self) -> None:
        while not self._stop.wait(self._interval_s):
            self._sample()

    def __enter__(self) -> PeakRSSMeter:
        self._sample()
        self._thread = threading.Thread(target=self._loop, name="peak-rss", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._sample()

    def measurement(self, name: str = "peak_rss") -> Measurement:
        """The peak as a Measurement in MiB."""
        return Measurement(
            name=name,
            value=round(self.peak_bytes / MIB, 1),
            unit="MiB",
            provenance=f"measured:psutil-rss-sampler({self._interval_s * 1000:.0f}ms)",
            n=self.samples,
        )


def current_rss_mib() -> float:
    """RSS of this process now, in MiB."""
    return psutil.Process().memory_info().rss / MIB
