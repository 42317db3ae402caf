"""Meters on controlled work: the sampler sees a known allocation, labels are honest."""

import time
from pathlib import Path

import pytest

from bench.meters import BatchLog, EnergyMeter, PeakRSSMeter, WallTimer
from bench.results.records import Metric, Phase


def test_peak_rss_sees_a_short_lived_allocation():
    with PeakRSSMeter(interval_s=0.005) as meter:
        baseline = meter.peak_bytes
        block = bytearray(200 * 1024 * 1024)  # 200 MiB, touched so it is resident
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(0.05)
        del block
    grew = (meter.peak_bytes - baseline) / 2**20
    assert 180 < grew < 260
    m = meter.measurement()
    assert m.unit == "MiB" and m.provenance.startswith("measured:psutil") and m.n >= 2


def test_wall_timer():
    with WallTimer() as t:
        time.sleep(0.05)
    assert 0.04 < t.seconds < 0.5
    m = t.measurement(Phase.LOAD)
    assert m.unit == "s" and m.metric == Metric.WALL_TIME and m.phase == Phase.LOAD


def test_batch_log_percentiles():
    log = BatchLog()
    for s in [1.0, 2.0, 3.0, 4.0]:
        log.add(s, 8)
    m = log.measurement()
    assert m.value == 2.5 and m.n == 4 and m.detail["max"] == 4.0
    assert m.detail["mean_batch_size"] == 8
    assert BatchLog().measurement() is None


def test_energy_is_labelled_estimated_without_power_counters():
    with EnergyMeter("DEU") as meter:
        sum(i * i for i in range(2_000_000))
    by_name = {m.metric: m for m in meter.measurements()}
    energy, co2 = by_name[Metric.ENERGY], by_name[Metric.CO2]
    assert energy.unit == "kWh" and co2.unit == "kg"
    assert energy.value is not None and energy.value > 0
    assert co2.provenance == "estimated:codecarbon-grid(DEU)"
    assert by_name[Metric.ENERGY_RAM].provenance.startswith("estimated")
    if not Path("/sys/class/powercap/intel-rapl").exists():
        # No RAPL: CPU power is modelled, so the total must never claim to be measured.
        assert energy.provenance.startswith("estimated:codecarbon")
        assert by_name[Metric.ENERGY_CPU].provenance.startswith("estimated")
    assert 0.1 < co2.detail["grid_kg_per_kwh"] < 1.0


def test_energy_failure_is_reported_not_raised(monkeypatch):
    import codecarbon

    def boom(*a, **k):
        raise RuntimeError("no")

    monkeypatch.setattr(codecarbon, "OfflineEmissionsTracker", boom)
    with EnergyMeter("DEU") as meter:
        pass
    energy = meter.measurements()[0]
    assert energy.value is None and "failed" in energy.provenance


@pytest.mark.parametrize("interval", [0.02])
def test_sampler_thread_stops(interval):
    import threading

    before = threading.active_count()
    with PeakRSSMeter(interval_s=interval):
        pass
    assert threading.active_count() == before


def test_gpu_meter_reads_nothing_without_cuda():
    import torch

    from bench.meters import GpuMeter

    with GpuMeter() as gpu:
        pass
    if not torch.cuda.is_available():
        assert gpu.measurements() == []
    else:  # on a GPU machine the allocator figures are there, labelled measured
        names = {m.metric for m in gpu.measurements()}
        assert {Metric.GPU_PEAK_ALLOCATED, Metric.GPU_PEAK_RESERVED} <= names
