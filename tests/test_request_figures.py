"""What the verdict's latency and memory rest on: the request probe first, GPU memory for GPUs."""

import pytest

from bench.analysis.figures import memory_for_device, request_latency
from bench.analysis.requirements import Requirement, is_gpu
from bench.analysis.verdicts import _p95_latency
from bench.results.records import CellResult, Measurement, Metric, PerfResult, Phase
from bench.results.store import RunStore
from bench.run.config import PerfConfig
from bench.run.perf import summarise


def cell(*measurements: Measurement) -> CellResult:
    return CellResult(run_id="r", model="m", task="t", status="ok", measurements=list(measurements))


def probe(values: list[float]) -> Measurement:
    return summarise(Metric.E2E, values, phase=Phase.REQUEST, provenance="measured:probe")


def mib(metric: Metric, value: float) -> Measurement:
    return Measurement(metric=metric, value=value, unit="MiB", provenance="measured:x")


def test_request_latency_is_the_probe_p95_with_its_n():
    p95, n, basis = request_latency(cell(probe([0.1, 0.2, 0.3, 0.4, 2.0])))
    assert p95 == pytest.approx(1.68) and n == 5 and basis == "task requests, n = 5"
    assert request_latency(cell()) == (None, 0, "no request probe")
    assert request_latency(None)[0] is None


def test_gpu_devices_are_judged_on_gpu_memory_and_hosts_on_rss():
    both = cell(mib(Metric.PEAK_RSS, 900), mib(Metric.GPU_PEAK_ALLOCATED, 300),
                mib(Metric.GPU_PROCESS_MEMORY, 700))  # fmt: skip
    assert memory_for_device(both, "gpu-24gb")[0] == 700  # NVML: CUDA context included
    assert memory_for_device(both, "laptop-8gb")[0] == 900
    assert memory_for_device(both, None)[0] == 900
    allocator_only = cell(mib(Metric.PEAK_RSS, 900), mib(Metric.GPU_PEAK_ALLOCATED, 300))
    assert memory_for_device(allocator_only, "gpu-24gb")[0] == 300
    value, basis = memory_for_device(cell(mib(Metric.PEAK_RSS, 900)), "gpu-24gb")
    assert value is None and "not judged" in basis  # never host RAM in the GPU's place
    row = {"peak_rss": 900.0, "gpu_peak_allocated": 300.0}  # a summary-table row
    assert memory_for_device(row, "gpu-48gb")[0] == 300 and memory_for_device(row, None)[0] == 900


def test_requirement_says_whether_its_limit_is_gpu_memory():
    assert Requirement(device="gpu-24gb").gpu_limit and is_gpu("gpu-80gb")
    assert not Requirement(device="laptop-8gb").gpu_limit and not Requirement().gpu_limit


def test_verdict_latency_prefers_the_probe_and_says_when_it_falls_back(tmp_path):
    store = RunStore(tmp_path)
    store.write_cell(cell(probe([0.5] * 20)).model_copy(update={"task": "probed"}))
    store.write_cell(cell().model_copy(update={"task": "unprobed"}))
    assert _p95_latency(store, "m", "probed", 300) == (0.5, "task requests, n = 20", "probe", 20)
    value, basis, source, _ = _p95_latency(store, "m", "unprobed", 300)
    assert value is None and "neither" in basis and source == "batched"
    scenario = [summarise(Metric.E2E, [x] * 3, input_tokens=n_in, output_tokens=64)
                for n_in, x in ((128, 1.0), (512, 2.0))]  # fmt: skip
    store.write_perf(PerfResult(run_id="r", model="m", status="ok", config=PerfConfig(),
                                measurements=scenario))  # fmt: skip
    value, basis, source, n = _p95_latency(store, "m", "unprobed", 400)
    assert value == pytest.approx(2.0) and source == "scenario" and n == 3
    assert basis.startswith("synthetic scenario (512 input, 64 output tokens, n = 3)")
    assert "request probe did not run" in basis
