"""Named task suites from `tasks/suites.yaml`: `slm-bench run --suite quick`."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bench.catalogue.specs import read_yaml
from bench.errors import UserError, did_you_mean
from bench.run.config import PerfConfig
from bench.taskkit.registry import bundled_tasks_dir

DEFAULT_SUITE = "default"
"""The suite `slm-bench run` (and `make bench`) uses when no --tasks or --suite are given."""


class Suite(BaseModel):
    """A named list of tasks (ours or lm-eval's), optionally capped at `limit` samples each."""

    model_config = ConfigDict(extra="forbid")

    description: str
    tasks: list[str] = Field(default_factory=list)
    include: list[str] = Field(default_factory=list, description="Other suites to add.")
    limit: int | None = Field(default=None, gt=0)
    perf: bool | PerfConfig = Field(
        default=False,
        description="Also run the latency/throughput scenario: true for its full sizes, or "
        "the sizes to run (fields of PerfConfig; unset ones keep the full defaults).",
    )

    load: bool = Field(
        default=False,
        description="Also run the load sweep (bench.run.load) with its default settings, on "
        "the models whose backend is a server; others record it as skipped.",
    )

    def perf_config(self) -> PerfConfig | None:
        """The scenario this suite runs, or None when it runs none."""
        if isinstance(self.perf, PerfConfig):
            return self.perf
        return PerfConfig() if self.perf else None

    @model_validator(mode="after")
    def _not_empty(self) -> Suite:
        if not self.tasks and not self.include:
            raise ValueError("a suite needs tasks or include")
        return self


class SuiteFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suites: dict[str, Suite]


def suites_path() -> Path:
    return bundled_tasks_dir() / "suites.yaml"


def load_suites(path: Path | None = None) -> dict[str, Suite]:
    """All suites, validated; includes are checked to exist."""
    path = path or suites_path()
    try:
        suites = SuiteFile.model_validate(read_yaml(path)).suites
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UserError(f"invalid {path}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from exc
    for name, suite in suites.items():
        for inc in suite.include:
            if inc not in suites:
                raise UserError(f"invalid {path}: suite '{name}' includes unknown '{inc}'")
    return suites


def resolve_suite(
    name: str, suites: dict[str, Suite] | None = None
) -> tuple[list[str], int | None]:
    """The suite's tasks (includes expanded, order kept, no repeats) and its limit."""
    suites = suites if suites is not None else load_suites()
    if name not in suites:
        raise did_you_mean("suite", name, suites)
    tasks: list[str] = []
    seen: set[str] = set()

    def add(suite_name: str, stack: tuple[str, ...]) -> None:
        if suite_name in stack:
            raise UserError(f"suite '{suite_name}' includes itself")
        suite = suites[suite_name]
        for inc in suite.include:
            add(inc, (*stack, suite_name))
        for task in suite.tasks:
            if task not in seen:
                seen.add(task)
                tasks.append(task)

    add(name, ())
    return tasks, suites[name].limit
