"""`slm-bench tasks validate`: lint every bundled task through lm-eval's own task objects.

Checks per task: documents load; ids and prompts are unique; multiple-choice targets are valid
options (with label balance and the majority / random baselines); gold answers can be found
where the task promises they can (in the given text); and the gold answer, scored as if a
model had produced it, gets 1.0 on every metric (a scorer that fails this is broken).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

RETRIEVER_METRICS = ("recall_at_",)  # properties of the retriever, not of the answer


@dataclass
class TaskReport:
    """What validation found for one task."""

    task: str
    n: int = 0
    problems: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _docs(task) -> list[dict]:
    docs = task.test_docs() if task.has_test_docs() else task.validation_docs()
    return list(docs)


def _check_multiple_choice(task, docs: list[dict], report: TaskReport) -> None:
    targets, options = [], []
    for doc in docs:
        choices = task.doc_to_choice(doc)
        target = task.doc_to_target(doc)
        if not isinstance(target, int) or not 0 <= target < len(choices):
            report.problems.append(f"target {target!r} is not an option index")
            return
        targets.append(choices[target])
        options.append(len(choices))
    counts = Counter(targets)
    report.figures["majority_baseline"] = max(counts.values()) / len(docs)
    report.figures["random_baseline"] = sum(1 / k for k in options) / len(docs)
    report.figures["label_imbalance"] = max(counts.values()) / min(counts.values())


def _check_generative(task, docs: list[dict], report: TaskReport) -> None:
    gold_scores: dict[str, list[float]] = {}
    empty_scores: dict[str, list[float]] = {}
    for doc in docs:
        gold = task.doc_to_target(doc)
        gold_text = gold if isinstance(gold, str) else str(gold)
        context = doc.get("context")
        # Retrieved context may miss the answer: that is the retriever's recall, measured below.
        promised = context and "answer" in doc and "retrieved_ids" not in doc
        if promised and doc["answer"] not in context:
            report.problems.append(f"doc {doc.get('id')}: gold answer not in its text")
        for name, value in task.process_results(doc, [gold_text]).items():
            gold_scores.setdefault(name, []).append(float(value))
        for name, value in task.process_results(doc, [""]).items():
            empty_scores.setdefault(name, []).append(float(value))
    for name, values in gold_scores.items():
        mean = sum(values) / len(values)
        if name.startswith(RETRIEVER_METRICS):
            report.figures[name] = mean
        elif mean < 1.0:
            report.problems.append(f"gold answer scores {name}={mean:.3f}, not 1.0")
    primary = next(iter(empty_scores), None)
    if primary:
        report.figures["empty_answer_baseline"] = sum(empty_scores[primary]) / len(docs)


def validate_task(name: str) -> TaskReport:
    """Validate one task by name."""
    from bench.taskkit.registry import task_manager

    logging.getLogger("lm_eval").setLevel(logging.ERROR)
    report = TaskReport(task=name)
    try:
        task = task_manager(name).load([name])["tasks"][name]
        docs = _docs(task)
    except Exception as exc:  # noqa: BLE001 - any load failure is the finding
        report.problems.append(f"does not load: {type(exc).__name__}: {exc}")
        return report
    report.n = len(docs)
    if not docs:
        report.problems.append("no test documents")
        return report
    ids = [d.get("id") for d in docs if "id" in d]
    if len(set(ids)) != len(ids):
        report.problems.append("duplicate ids")
    prompts = [task.doc_to_text(d) for d in docs]
    duplicates = len(prompts) - len(set(prompts))
    if duplicates:
        report.problems.append(f"{duplicates} duplicate prompts")
    if task.OUTPUT_TYPE == "multiple_choice":
        _check_multiple_choice(task, docs, report)
    elif task.OUTPUT_TYPE == "generate_until":
        _check_generative(task, docs, report)
    return report


def validate_all(names: list[str]) -> list[TaskReport]:
    """Validate the named tasks, in order."""
    return [validate_task(n) for n in names]
