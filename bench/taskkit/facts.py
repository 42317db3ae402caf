"""The task facts a run stores in run.json (`TaskFacts`), read from the task definitions.

Reports read the stored facts, never today's `tasks/` folder, so a run folder renders the
same report wherever and whenever it is rebuilt.
"""

from __future__ import annotations

from pathlib import Path

from bench.errors import UserError
from bench.results.records import TaskFacts
from bench.taskkit.registry import TaskInfo, bundled_tasks, read_task_yaml, task_manager

LM_EVAL_FAMILY = "lm_eval"
"""Family of tasks that are not ours (any lm-eval task by name)."""
MULTIPLE_CHOICE = {"multiple_choice", "loglikelihood", "loglikelihood_rolling"}
"""lm-eval output types scored by log-likelihood rather than generated text."""


def task_facts(names: list[str], lookup_lm_eval: bool = True) -> list[TaskFacts]:
    """Facts of each task in `names`: ours from their YAML, lm-eval's own as far as known
    (only the name and family without `lookup_lm_eval`, which spares importing lm-eval)."""
    ours = {i.name: i for i in bundled_tasks()}
    return [
        _ours(ours[n]) if n in ours else _lm_eval(n) if lookup_lm_eval else _unknown(n)
        for n in dict.fromkeys(names)
    ]


def _unknown(name: str) -> TaskFacts:
    return TaskFacts(name=name, family=LM_EVAL_FAMILY)


def _ours(info: TaskInfo) -> TaskFacts:
    return TaskFacts(
        name=info.name,
        family=info.family,
        language=info.language if info.language != "?" else None,
        context_tokens=info.context_tokens,
        context_mode=info.context_mode,
        primary_metric=info.metric if info.metric != "?" else None,
        output_type=info.output_type if info.output_type != "?" else None,
        multiple_choice=info.output_type in MULTIPLE_CHOICE,
        test_size=info.size,
        title=info.title,
        claim=info.claim or None,
    )


def _lm_eval(name: str) -> TaskFacts:
    """What lm-eval's own YAML says; only the name when it cannot be read (e.g. a group)."""
    facts = _unknown(name)
    try:
        entry = task_manager(name).task_index.get(name)
        path = getattr(entry, "yaml_path", None)
        doc = read_task_yaml(Path(path)) if path else {}
    except (UserError, OSError, ImportError, ValueError):
        # Facts are a convenience for the report; a task lm-eval can run needs none of them.
        return facts
    output_type = doc.get("output_type")
    metrics = doc.get("metric_list") or [{}]
    metric = metrics[0].get("metric") if isinstance(metrics[0], dict) else None
    return facts.model_copy(
        update={
            "output_type": output_type if isinstance(output_type, str) else None,
            "multiple_choice": output_type in MULTIPLE_CHOICE if output_type else None,
            "primary_metric": metric if isinstance(metric, str) else None,
        }
    )
