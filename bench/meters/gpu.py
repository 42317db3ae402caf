"""GPU memory and energy, read directly from CUDA and NVML; nothing on machines without them.

- peak allocated / reserved memory from torch's CUDA allocator (reset on entry),
- this process's GPU memory as NVML sees it (includes the CUDA context),
- the NVML total-energy counter (millijoules since driver load) read before and after,
  a measurement rather than an estimate, on Volta and newer GPUs.
"""

from __future__ import annotations

import os

from bench.results.records import Measurement, Metric, Phase

MIB = 1024 * 1024


def _torch_cuda():
    try:
        import torch
    except ImportError:
        return None
    return torch if torch.cuda.is_available() else None


def _nvml_handle():
    try:
        import pynvml

        pynvml.nvmlInit()
        index = int((os.environ.get("CUDA_VISIBLE_DEVICES") or "0").split(",")[0])
        return pynvml, pynvml.nvmlDeviceGetHandleByIndex(index)
    except Exception:  # noqa: BLE001 - no NVML, no GPU, or no permission: nothing to read
        return None, None


class GpuMeter:
    """Context manager yielding GPU memory and NVML energy measurements, or none at all."""

    def __init__(self, include_children: bool = False):
        # A model server runs in a child process: its GPU memory is the child's, not ours.
        self.include_children = include_children

    def _pids(self) -> set[int]:
        pids = {os.getpid()}
        if self.include_children:
            import psutil

            pids |= {c.pid for c in psutil.Process().children(recursive=True)}
        return pids

    def __enter__(self) -> GpuMeter:
        self.torch = _torch_cuda()
        self.nvml, self.handle = _nvml_handle() if self.torch else (None, None)
        self.energy_start = None
        self.result: list[Measurement] = []
        if self.torch:
            self.torch.cuda.synchronize()
            self.torch.cuda.reset_peak_memory_stats()
        if self.handle is not None:
            try:
                self.energy_start = self.nvml.nvmlDeviceGetTotalEnergyConsumption(self.handle)
            except Exception:  # noqa: BLE001 - older GPUs have no energy counter
                self.energy_start = None
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.torch:
            return
        t = self.torch
        t.cuda.synchronize()
        prov = "measured:torch-cuda-allocator"
        allocated = round(t.cuda.max_memory_allocated() / MIB, 1)
        reserved = round(t.cuda.max_memory_reserved() / MIB, 1)
        self.result += [
            Measurement(
                metric=Metric.GPU_PEAK_ALLOCATED, value=allocated, unit="MiB", provenance=prov
            ),
            Measurement(
                metric=Metric.GPU_PEAK_RESERVED, value=reserved, unit="MiB", provenance=prov
            ),
        ]
        if self.handle is None:
            return
        try:
            procs = self.nvml.nvmlDeviceGetComputeRunningProcesses(self.handle)
            pids = self._pids()
            used = sum(p.usedGpuMemory or 0 for p in procs if p.pid in pids)
            prov = "measured:nvml" + ("(with child processes)" if self.include_children else "")
            self.result.append(Measurement(metric=Metric.GPU_PROCESS_MEMORY,
                                           value=round(used / MIB, 1), unit="MiB",
                                           provenance=prov))  # fmt: skip
        except Exception:  # noqa: BLE001
            pass
        if self.energy_start is not None:
            end = self.nvml.nvmlDeviceGetTotalEnergyConsumption(self.handle)
            kwh = (end - self.energy_start) / 3.6e9  # the counter is in millijoules
            self.result.append(
                Measurement(
                    metric=Metric.GPU_ENERGY, value=kwh, unit="kWh", provenance="measured:nvml"
                )
            )

    def measurements(self, phase: Phase = Phase.TASK, **fields) -> list[Measurement]:
        """What was read during `phase` (fields: e.g. input_tokens); empty without CUDA."""
        return [m.at(phase=phase, **fields) for m in self.result]
