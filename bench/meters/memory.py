"""Peak resident memory of a process, sampled by a background thread."""

from __future__ import annotations

import contextlib
import os
import threading
import time

import psutil

from bench.results.records import Measurement, Metric, Phase

MIB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class PeakRSSMeter:
    """Context manager sampling the RSS of a process (and its children) every `interval_s`.

    A sampler rather than `ru_maxrss`: it gives the peak *within* the block, so the peak of
    one task is not the peak of everything the process did before it.
    """

    def __init__(self, pid: int | None = None, interval_s: float = 0.02,
                 include_children: bool = False):  # fmt: skip
        self._proc = psutil.Process(pid or os.getpid())
        self._interval_s = interval_s
        # Scanning /proc for children every 20 ms costs several % of a core; the model
        # process has none, so they are opt-in (e.g. for a server started as a child).
        self._include_children = include_children
        try:
            self._statm: int | None = os.open(f"/proc/{self._proc.pid}/statm", os.O_RDONLY)
        except OSError:  # not Linux
            self._statm = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.peak_bytes = 0
        self.samples = 0
        self.cpu_seconds = 0.0

    def _own_rss(self) -> int:
        # /proc/<pid>/statm read through a kept-open descriptor: a tenth of psutil's cost,
        # which matters at 50 samples a second (target: < 1 % of a core).
        if self._statm is not None:
            return int(os.pread(self._statm, 64, 0).split()[1]) * PAGE
        return self._proc.memory_info().rss

    def _rss(self) -> int:
        total = self._own_rss()
        if not self._include_children:
            return total
        for child in self._proc.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):  # a child may exit meanwhile
                total += child.memory_info().rss
        return total

    def _sample(self) -> None:
        try:
            rss = self._rss()
        except (psutil.NoSuchProcess, OSError, ValueError, IndexError):
            return
        self.peak_bytes = max(self.peak_bytes, rss)
        self.samples += 1

    def _loop(self) -> None:
        # time.sleep is cheaper than Event.wait(timeout) at this rate; stopping waits ≤ 1 tick.
        start = time.thread_time()
        while not self._stop.is_set():
            time.sleep(self._interval_s)
            self._sample()
        self.cpu_seconds = time.thread_time() - start  # the sampler's own CPU cost

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
        if self._statm is not None:
            os.close(self._statm)
            self._statm = None

    def measurement(self, phase: Phase = Phase.TASK, **fields) -> Measurement:
        """The peak during `phase` as a Measurement in MiB (fields: e.g. input_tokens)."""
        return Measurement(
            metric=Metric.PEAK_RSS,
            phase=phase,
            **fields,
            value=round(self.peak_bytes / MIB, 1),
            unit="MiB",
            provenance=f"measured:psutil-rss-sampler({self._interval_s * 1000:.0f}ms"
            + (", with child processes)" if self._include_children else ")"),
            n=self.samples,
        )


def current_rss_mib() -> float:
    """RSS of this process now, in MiB."""
    return psutil.Process().memory_info().rss / MIB
