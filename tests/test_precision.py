"""`dtype: auto`: bfloat16 only where the hardware has native BF16 (flags injected, no torch)."""

from __future__ import annotations

import pytest

from bench.backends.precision import resolve_dtype, resolve_here
from bench.catalogue.specs import load_catalogue
from bench.run import environment

# Trimmed /proc/cpuinfo flag lists of the two kinds of 2-core machine this runs on.
XEON_AMX = ["fpu", "sse2", "avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "amx_int8"]
EPYC_AVX2 = ["fpu", "sse2", "avx", "avx2", "fma", "f16c"]


def test_cpu_with_native_bf16_gets_bfloat16():
    dtype, why = resolve_dtype("auto", on_gpu=False, cpu_flags=XEON_AMX)
    assert dtype == "bfloat16" and "amx_bf16" in why and "avx512_bf16" in why


def test_avx512_bf16_alone_is_enough():
    assert resolve_dtype("auto", False, ["avx512f", "avx512_bf16"])[0] == "bfloat16"


def test_avx2_only_cpu_gets_float32():
    dtype, why = resolve_dtype("auto", on_gpu=False, cpu_flags=EPYC_AVX2)
    assert dtype == "float32" and "no native bfloat16" in why


def test_gpu_decides_on_its_own_support_not_the_cpu():
    assert resolve_dtype("auto", True, EPYC_AVX2, gpu_bf16=True)[0] == "bfloat16"
    assert resolve_dtype("auto", True, XEON_AMX, gpu_bf16=False)[0] == "float32"


@pytest.mark.parametrize("explicit", ["float32", "bfloat16", "float16"])
def test_explicit_precision_is_kept(explicit):
    assert resolve_dtype(explicit, False, EPYC_AVX2)[0] == explicit
    assert resolve_dtype(explicit, False, XEON_AMX)[0] == explicit


def test_resolve_here_reads_the_machine(monkeypatch):
    monkeypatch.setattr(environment, "gpu_compute_capability", lambda: None)
    monkeypatch.setattr(environment, "cpu_flags", lambda: frozenset(EPYC_AVX2))
    assert resolve_here("auto")[0] == "float32"
    monkeypatch.setattr(environment, "cpu_flags", lambda: frozenset(XEON_AMX))
    assert resolve_here("auto")[0] == "bfloat16"
    monkeypatch.setattr(environment, "gpu_compute_capability", lambda: 7.5)  # T4: no bf16
    assert resolve_here("auto")[0] == "float32"


def test_embedded_models_are_auto_and_variants_still_force_a_precision():
    cat = load_catalogue()
    for name in ("smollm2-135m-instruct", "gemma3-270m"):
        assert cat.get(name).dtype == "auto"
        assert cat.get(f"{name}@hf-fp32").dtype == "float32"
        assert cat.get(f"{name}@hf-bf16").dtype == "bfloat16"


def test_cpu_flags_are_read_from_proc_cpuinfo():
    flags = environment.cpu_flags()
    assert isinstance(flags, frozenset)  # empty off Linux, never an error
