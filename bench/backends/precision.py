"""Which precision `dtype: auto` becomes on this machine, and why: one rule for every backend.

bfloat16 halves memory traffic, but only hardware with native BF16 gains from it: on an
AVX2-only CPU, HF bfloat16 ran 6.4x *slower* than float32 (issue 14), while on a CPU with
AVX512_BF16 / AMX it ran about 2-3x faster. So `auto` asks the hardware, never guesses.
"""

from __future__ import annotations

from collections.abc import Iterable

BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")
"""/proc/cpuinfo flags that mean native bfloat16 arithmetic on the CPU."""

AMPERE = 8.0
"""NVIDIA compute capability from which bfloat16 is native (A100, RTX 30xx and later)."""


def resolve_dtype(
    requested: str,
    on_gpu: bool,
    cpu_flags: Iterable[str] = (),
    gpu_bf16: bool | None = None,
) -> tuple[str, str]:
    """The dtype to load with and a short reason; `requested` other than 'auto' is kept."""
    if requested != "auto":
        return requested, "set in the catalogue or by the model's precision suffix"
    if on_gpu:
        if gpu_bf16:
            return "bfloat16", "auto: the GPU supports bfloat16"
        return "float32", "auto: the GPU has no native bfloat16"
    found = [f for f in BF16_CPU_FLAGS if f in set(cpu_flags)]
    if found:
        return "bfloat16", f"auto: the CPU has native bfloat16 ({', '.join(found)})"
    return "float32", "auto: the CPU has no native bfloat16 (no avx512_bf16 or amx_bf16)"


def resolve_here(requested: str) -> tuple[str, str]:
    """`resolve_dtype` for this machine, without importing torch (nvidia-smi, /proc/cpuinfo)."""
    from bench.run.environment import cpu_flags, gpu_compute_capability

    capability = gpu_compute_capability()
    on_gpu = capability is not None
    return resolve_dtype(requested, on_gpu, cpu_flags(), on_gpu and capability >= AMPERE)


def resolve_torch(requested: str) -> tuple[str, str]:
    """`resolve_dtype` for the device torch will use (in a model process, torch imported)."""
    import torch

    from bench.run.environment import cpu_flags

    on_gpu = torch.cuda.is_available()
    native = on_gpu and torch.cuda.get_device_capability()[0] >= int(AMPERE)
    return resolve_dtype(requested, on_gpu, cpu_flags(), native)


def precision_lines(specs) -> list[str]:
    """One line per model that has a precision to pick: what it will run in, and why."""
    from bench.backends.registry import backend_info

    lines = []
    for spec in specs:
        if backend_info(spec.backend).precision:
            dtype, why = resolve_here(spec.dtype)
            lines.append(f"precision {spec.name} ({spec.backend}): {dtype} — {why}")
    return lines
