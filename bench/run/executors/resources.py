"""What one unit asks a cluster for, estimated from the catalogue, and whether any node has it.

Memory is the host RAM the model process needs: the weights (parameters × bytes per
parameter at the spec's precision or quantisation) with 20 % for activations and buffers,
plus the Python / torch runtime. On GPU nodes the weights go to the GPUs (tensor-parallel
size of them) and the host keeps the runtime. API models need one CPU and the runtime.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bench.catalogue.specs import ModelSpec
from bench.errors import UserError

SLOT = "slm_bench_node"
"""Per-node custom resource of capacity 1: a unit holding it runs alone on its node."""

RUNTIME_GIB = 1.5
"""Python, torch, lm-eval and the tokenizer, before any weights (measured: about 1.2 GiB)."""

BYTES_PER_PARAM = {"float32": 4.0, "bfloat16": 2.0, "float16": 2.0, "auto": 2.0}
GIB = 2**30


@dataclass(frozen=True)
class Needs:
    """Resources one unit asks for."""

    cpus: float
    gpus: int
    memory_gib: float
    exclusive: bool
    """Holds the node's `SLOT`: nothing else runs there while it does."""

    def ray_options(self) -> dict:
        """Keyword arguments for Ray's `.options()`."""
        options = {
            "num_cpus": self.cpus,
            "num_gpus": self.gpus,
            "memory": int(self.memory_gib * GIB),
        }
        if self.exclusive:
            options["resources"] = {SLOT: 1}
        return options

    def text(self) -> str:
        alone = ", a node of its own" if self.exclusive else ""
        return (
            f"{_n(self.cpus, 'CPU')}, {_n(self.gpus, 'GPU')}, {self.memory_gib:.1f} GiB memory"
            + alone
        )


def bytes_per_param(spec: ModelSpec) -> float:
    """Bytes per parameter in memory: from a kept quantisation (q4 → 0.5 + scales) or dtype."""
    quant = spec.quantization or ""
    bits = re.search(r"q(\d+)", quant.lower())
    if bits and "dequantised" not in quant:
        return int(bits.group(1)) / 8 + 0.0625  # block scales: about half a bit per weight
    return BYTES_PER_PARAM[spec.dtype]


def estimate(spec: ModelSpec, cluster_has_gpus: bool = False, exclusive: bool = True) -> Needs:
    """What running `spec` needs; GPUs (tensor-parallel size) only where the cluster has any."""
    cpus = float(spec.engine.threads or 1)
    if not spec.local:
        return Needs(cpus=1.0, gpus=0, memory_gib=RUNTIME_GIB, exclusive=exclusive)
    weights_gib = (spec.params_b or 0.0) * 1e9 * bytes_per_param(spec) * 1.2 / GIB
    if cluster_has_gpus:
        gpus = spec.engine.tensor_parallel_size
        return Needs(cpus=cpus, gpus=gpus, memory_gib=RUNTIME_GIB, exclusive=exclusive)
    kv = spec.engine.kv_cache_space_gib if spec.backend == "vllm" else 0.0
    memory = round(RUNTIME_GIB + weights_gib + kv, 2)
    return Needs(cpus=cpus, gpus=0, memory_gib=memory, exclusive=exclusive)


@dataclass(frozen=True)
class Node:
    """One live node's total resources (from `ray.nodes()`)."""

    name: str
    cpus: float
    gpus: float
    memory_gib: float
    slot: bool

    @classmethod
    def from_ray(cls, node: dict) -> Node:
        res = node.get("Resources", {})
        name = node.get("NodeManagerHostname") or node.get("NodeManagerAddress") or "?"
        address = node.get("NodeManagerAddress")
        if address and address != name:
            name = f"{name} ({address})"
        return cls(
            name=name,
            cpus=res.get("CPU", 0.0),
            gpus=res.get("GPU", 0.0),
            memory_gib=res.get("memory", 0.0) / GIB,
            slot=res.get(SLOT, 0.0) >= 1,
        )

    def fits(self, needs: Needs) -> bool:
        return (
            self.cpus >= needs.cpus
            and self.gpus >= needs.gpus
            and self.memory_gib >= needs.memory_gib
            and (self.slot or not needs.exclusive)
        )

    def text(self) -> str:
        return (
            f"{_n(self.cpus, 'CPU')}, {_n(self.gpus, 'GPU')}, {self.memory_gib:.1f} GiB memory"
            + ("" if self.slot else f", no '{SLOT}' resource")
        )


def check_fits(needs: dict[str, Needs], nodes: list[Node]) -> None:
    """Raise a one-line UserError for the first model no node can hold, before anything loads."""
    if not nodes:
        raise UserError("the Ray cluster has no live node")
    if any(n.exclusive for n in needs.values()) and not any(n.slot for n in nodes):
        raise UserError(
            f"no Ray node offers the '{SLOT}' resource that keeps measurements honest (one "
            f"model per node): start each node with --resources='{{\"{SLOT}\": 1}}', "
            "or pass --pack to share nodes (figures are then labelled contended)"
        )
    largest = max(nodes, key=lambda n: (n.gpus, n.memory_gib, n.cpus))
    for model, need in needs.items():
        if not any(node.fits(need) for node in nodes):
            raise UserError(
                f"model {model} fits no Ray node: it needs {need.text()}; "
                f"the largest node, {largest.name}, has {largest.text()}"
            )


def _n(value: float, unit: str) -> str:
    shown = int(value) if float(value).is_integer() else round(value, 2)
    return f"{shown} {unit}" + ("" if shown == 1 else "s")
