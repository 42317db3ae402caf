"""The facts a report reads from a run: its tasks' facts and the priced API models.

Both are stored in run.json (`RunInfo.task_facts`, `RunInfo.price_models`). Runs written
before those fields existed get them derived from today's `tasks/` and catalogue, in
`_derive_for_old_run` only, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.catalogue.specs import ModelSpec
from bench.results.records import RunInfo, TaskFacts
from bench.taskkit.facts import LM_EVAL_FAMILY


@dataclass(frozen=True)
class RunFacts:
    """What the report knows about a run's tasks and the API prices it compares with."""

    tasks: dict[str, TaskFacts]
    """Facts by task name."""
    price_models: list[ModelSpec]
    """Priced API models for the money section."""
    derived: bool = False
    """True for an old run whose facts came from today's `tasks/` and catalogue."""

    def of(self, task: str) -> TaskFacts:
        """Facts of `task`; only its name and the lm-eval family when the run has none."""
        return self.tasks.get(task) or TaskFacts(name=task, family=LM_EVAL_FAMILY)


def run_facts(info: RunInfo) -> RunFacts:
    """The run's stored facts, or for an old run the ones derived today."""
    if info.task_facts is not None and info.price_models is not None:
        tasks, prices, derived = info.task_facts, info.price_models, False
    else:
        tasks, prices = _derive_for_old_run(info)
        derived = True
    return RunFacts({f.name: f for f in tasks}, list(prices), derived)


def _derive_for_old_run(info: RunInfo) -> tuple[list[TaskFacts], list[ModelSpec]]:
    """FALLBACK for runs older than `RunInfo.task_facts` / `price_models`: read today's
    `tasks/` and catalogue. The only place a report looks outside the run folder."""
    from bench.catalogue.specs import load_catalogue
    from bench.taskkit.facts import task_facts

    tasks = info.task_facts
    if tasks is None:
        tasks = task_facts(info.tasks, lookup_lm_eval=False)  # no lm-eval import to render
    prices = info.price_models
    if prices is None:
        prices = [s for s in load_catalogue().models if not s.local and s.price]
        prices += [s for s in info.model_specs if not s.local and s.price and s not in prices]
    return tasks, prices
