"""Requirements and cost profiles: what "good enough" and "affordable" mean for a reader.

A requirements profile sets, per task (or for all tasks), the accuracy a model must reach —
an absolute floor, or "as good as the best model within δ" — and optional limits on latency,
memory (or a target device), energy and cost, and whether data must stay on premises.
A cost profile sets the prices that turn measured time and energy into money.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from bench.catalogue.specs import read_yaml
from bench.errors import UserError, did_you_mean

DEVICES_MIB = {
    "laptop-8gb": 8 * 1024, "laptop-16gb": 16 * 1024, "workstation-32gb": 32 * 1024,
    "gpu-24gb": 24 * 1024, "gpu-48gb": 48 * 1024, "gpu-80gb": 80 * 1024,
}  # fmt: skip
"""Memory a model may use on common targets (RAM for CPU machines, VRAM for GPUs)."""

DEFAULT_MARGIN = 0.10
"""Default δ: 10 points. 30 samples (the default suite) can show 'at most 9.5 points worse'
only when the models agree on every sample; 200 can show it with about 10 % disagreement."""


def is_gpu(device: str | None) -> bool:
    """True when `device`'s memory is GPU memory (VRAM), judged on GPU measurements."""
    return bool(device) and device.startswith("gpu-")


class Requirement(BaseModel):
    """Limits for one task; None means "no limit"."""

    model_config = ConfigDict(extra="forbid")

    min_accuracy: float | None = Field(
        default=None, ge=0, le=1, description="Absolute floor; when set, no reference is used."
    )
    margin: float = Field(
        default=DEFAULT_MARGIN, gt=0, lt=1,
        validation_alias=AliasChoices("margin", "within_best"),
        description="δ: how much worse than the reference model still counts as good enough "
        "(relative requirement; `within_best` is its old name).",
    )  # fmt: skip
    reference: str | None = Field(
        default=None, description="Model relative requirements compare with (default: the "
        "most accurate LLM in the run, else the largest model).",
    )  # fmt: skip
    max_latency_s: float | None = Field(default=None, gt=0, description="p95 per request.")
    max_memory_mib: float | None = Field(
        default=None, gt=0, description="GPU memory when `device` is a GPU, else host RAM."
    )
    device: str | None = Field(default=None, description=f"One of {sorted(DEVICES_MIB)}.")
    max_energy_wh_per_1k: float | None = Field(default=None, gt=0)
    max_cost_per_1k: float | None = Field(default=None, ge=0)
    on_premises: bool = Field(default=True, description="Data must not leave: no remote APIs.")

    @property
    def gpu_limit(self) -> bool:
        """True when the memory limit is GPU memory (a `gpu-*` device), not host RAM."""
        return is_gpu(self.device)

    def memory_limit_mib(self) -> float | None:
        """The tighter of max_memory_mib and the device's memory."""
        limits = [x for x in (self.max_memory_mib, DEVICES_MIB.get(self.device or "")) if x]
        return min(limits) if limits else None


class RequirementsProfile(BaseModel):
    """Defaults for every task, overridden per task."""

    model_config = ConfigDict(extra="forbid")

    name: str = "default"
    defaults: Requirement = Field(default_factory=Requirement)
    tasks: dict[str, dict] = Field(default_factory=dict)

    def for_task(self, task: str) -> Requirement:
        """The requirement of `task`: the defaults with the task's own keys on top."""
        own = dict(self.tasks.get(task, {}))
        if "within_best" in own:  # the old name of `margin`
            own["margin"] = own.pop("within_best")
        return Requirement.model_validate({**self.defaults.model_dump(), **own})


def with_reference(profile: RequirementsProfile, model: str | None) -> RequirementsProfile:
    """`profile` with every task's reference set to `model` (the --reference option)."""
    if not model:
        return profile
    defaults = profile.defaults.model_copy(update={"reference": model})
    tasks = {task: {k: v for k, v in own.items() if k != "reference"}
             for task, own in profile.tasks.items()}  # fmt: skip
    return profile.model_copy(update={"defaults": defaults, "tasks": tasks})


def check_reference(profile: RequirementsProfile, models: list[str]) -> None:
    """One clear line when a named reference is not one of the run's models."""
    named = {profile.defaults.reference} | {own.get("reference") for own in profile.tasks.values()}
    for name in sorted(n for n in named if n):
        if name not in models:
            raise UserError(
                f"reference model '{name}' is not in this run (models: {', '.join(models)})"
            )


class CostProfile(BaseModel):
    """Prices for self-hosting; API prices come from the model catalogue."""

    model_config = ConfigDict(extra="forbid")

    currency: str = "EUR"
    hardware_price: float = Field(default=1500.0, ge=0, description="Machine that runs it.")
    lifetime_years: float = Field(default=4.0, gt=0)
    utilisation: float = Field(default=0.3, gt=0, le=1, description="Share of hours busy.")
    electricity_per_kwh: float = Field(default=0.35, ge=0, description="Germany, 2026.")
    usd_to_currency: float = Field(default=0.92, gt=0, description="For USD API prices.")

    @property
    def hardware_per_hour(self) -> float:
        """Hardware cost per busy hour."""
        return self.hardware_price / (self.lifetime_years * 8760 * self.utilisation)


def _load(path: Path | None, cls):
    if path is None:
        return cls()
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise UserError(f"invalid {path}: expected a mapping of keys, got a {type(data).__name__}")
    try:
        profile = cls.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UserError(f"invalid {path}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from exc
    if isinstance(profile, RequirementsProfile):
        for task in profile.tasks:
            try:
                profile.for_task(task)
            except ValidationError as exc:
                err = exc.errors()[0]
                raise UserError(
                    f"invalid {path}: tasks.{task}.{err['loc'][0]}: {err['msg']}"
                ) from exc
        for where, req in [("defaults", profile.defaults)] + [
            (f"tasks.{task}", profile.for_task(task)) for task in profile.tasks
        ]:
            if req.device and req.device not in DEVICES_MIB:
                err = did_you_mean("device", req.device, DEVICES_MIB)
                raise UserError(f"invalid {path}: {where}.device: {err}")
    return profile


def check_tasks_in_run(profile: RequirementsProfile, tasks: list[str], path=None) -> list[str]:
    """Requirements for tasks the run does not have are never silently ignored: a name close to
    one of the run's tasks is a typo, a name no registry knows does not exist (one clear error
    each); others — a profile written for a larger suite — come back as notes to print."""
    import difflib

    from bench.taskkit.registry import check_tasks

    where = f"invalid {path}: " if path else ""
    notes = []
    for task in profile.tasks:
        if task in tasks:
            continue
        if difflib.get_close_matches(task, tasks, n=1, cutoff=0.85):
            raise UserError(f"{where}{did_you_mean('task', task, tasks)} (not in this run)")
        try:  # our tasks first; lm-eval's registry (seconds to index) only for other names
            check_tasks([task])
        except UserError as exc:
            raise UserError(f"{where}requirements for a task that does not exist: {exc}") from exc
        notes.append(f"note: the requirements for '{task}' apply to no task of this run")
    return notes


def load_requirements(path: Path | None) -> RequirementsProfile:
    """The profile at `path`, or the documented default."""
    return _load(path, RequirementsProfile)


def load_costs(path: Path | None) -> CostProfile:
    """The cost profile at `path`, or the documented default."""
    return _load(path, CostProfile)
