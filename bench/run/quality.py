"""Accuracy through lm-eval: evaluate one task on a loaded lm-eval model, keep per-sample logs.

Numbers come straight from lm-eval's results so they equal lm-eval's own for the same model,
task and samples; we only add intervals and turn its sample logs into our records.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bench.analysis.stats import score_interval
from bench.results.records import MetricValue, SampleResult


@dataclass
class TaskOutcome:
    """What one lm-eval evaluation of one task produced, in our records."""

    primary_metric: str
    metrics: list[MetricValue]
    samples: list[SampleResult]


def evaluate_task(lm: Any, task: str, *, limit: int | None, chat: bool, seed: int,
                  docs: list[int] | None = None) -> TaskOutcome:  # fmt: skip
    """Run lm-eval's `simple_evaluate` for one task on an already loaded model (only the
    documents `docs`, by index, when given)."""
    from lm_eval import simple_evaluate

    from bench.taskkit.registry import task_manager

    results = simple_evaluate(
        model=lm,
        tasks=[task],
        limit=None if docs is not None else limit,
        samples={task: docs} if docs is not None else None,
        log_samples=True,
        apply_chat_template=chat,
        task_manager=task_manager(task),
        random_seed=seed,
        numpy_random_seed=seed,
        torch_random_seed=seed,
        fewshot_random_seed=seed,
        bootstrap_iters=1000,
        verbosity="ERROR",
    )
    # An API model without a local tokenizer (hosted chat) cannot count a sample's tokens;
    # its `tok_encode` returns the text itself. Its totals come from the server instead.
    counter = getattr(lm, "tok_encode", None) if getattr(lm, "tokenizer", 1) is not None else None
    return outcome_from_results(results, task, tokenizer=counter)


def outcome_from_results(results: dict, task: str, tokenizer=None) -> TaskOutcome:
    """Turn lm-eval's result dict for `task` into metrics and per-sample records."""
    task_results = results["results"][task]
    raw_samples = results["samples"][task]
    n = len(raw_samples)
    config = results.get("configs", {}).get(task, {})
    declared = [m["metric"] for m in config.get("metric_list", []) if "metric" in m]

    metrics: list[MetricValue] = []
    for key, value in task_results.items():
        if "," not in key or "_stderr," in key or not isinstance(value, int | float):
            continue
        name, filt = key.split(",", 1)
        stderr = task_results.get(f"{name}_stderr,{filt}")
        per_sample = [float(s[name]) for s in raw_samples if name in s]
        low, high = score_interval(per_sample) if per_sample else (None, None)
        metrics.append(
            MetricValue(
                name=name,
                filter=filt,
                value=float(value),
                stderr=float(stderr) if isinstance(stderr, int | float) else None,
                n=n,
                ci_low=low,
                ci_high=high,
            )
        )
    names = [m.name for m in metrics]
    primary = next((d for d in declared if d in names), names[0] if names else "")
    samples = [_sample_record(task, s, config, tokenizer) for s in raw_samples]
    return TaskOutcome(primary_metric=primary, metrics=metrics, samples=samples)


def _count(tokenizer, text: str) -> int | None:
    return len(tokenizer(text)) if tokenizer else None


def _sample_record(task: str, s: dict, config: dict, tokenizer) -> SampleResult:
    """One lm-eval sample log → SampleResult (prediction, confidence, token counts)."""
    scores = {m: float(s[m]) for m in s.get("metrics", []) if m in s}
    args = s.get("arguments") or []
    resps = s.get("filtered_resps") or []
    confidence = None
    output_tokens = None
    if config.get("output_type") == "multiple_choice" and resps:
        lls = [r[0] if isinstance(r, list | tuple) else float(r) for r in resps]
        best = max(range(len(lls)), key=lls.__getitem__)
        prediction = str(args[best][1]).strip() if best < len(args) else str(best)
        top = max(lls)
        confidence = 1.0 / sum(math.exp(ll - top) for ll in lls)
    else:
        first = resps[0] if resps else ""
        prediction = first if isinstance(first, str) else str(first)
        output_tokens = _count(tokenizer, prediction)
    context = str(args[0][0]) if args and isinstance(args[0], list | tuple) else ""
    target = s.get("target", "")
    if (
        config.get("output_type") == "multiple_choice"
        and isinstance(target, int)
        and 0 <= target < len(args)
    ):
        target = str(args[target][1]).strip()  # the gold option's text, not its index
    return SampleResult(
        task=task,
        doc_id=int(s["doc_id"]),
        doc_hash=s.get("doc_hash", ""),
        prompt_hash=s.get("prompt_hash", ""),
        target_hash=s.get("target_hash", ""),
        target=str(target),
        prediction=prediction,
        scores=scores,
        input_tokens=_count(tokenizer, context),
        output_tokens=output_tokens,
        confidence=confidence,
    )
