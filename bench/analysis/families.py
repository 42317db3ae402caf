"""Views across tasks of one family: the overview by family and RAG with/without retrieval
(the long-context curve is in `bench.analysis.long_context`).

All read the per-cell summary table (see `bench.analysis.table.summary`) and the run's task
facts (`bench.analysis.facts`), never task names, so they work on any run that holds the
relevant tasks.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from bench.analysis.facts import RunFacts
from bench.taskkit.facts import LM_EVAL_FAMILY

FAMILY_ORDER = (
    "citizen_requests",
    "request_urgency",
    "extraction",
    "short_answers",
    "rag",
    "long_context",
    "knowledge",
)
"""Our task folders in reading order: the jobs SLMs are chosen for, then where they fall short."""
_FAMILY_RANK = {family: i for i, family in enumerate(FAMILY_ORDER)}
OTHER_FAMILY = LM_EVAL_FAMILY
"""Family of tasks that are not ours (any lm-eval task by name)."""


def rag_table(summary: pd.DataFrame, facts: RunFacts) -> pd.DataFrame:
    """One row per model × language: score with retrieved, gold and no context; recall@k."""
    rows: dict[tuple[str, str], dict] = {}
    for _, r in summary.iterrows():
        task = facts.of(str(r.task))
        mode, lang = task.context_mode, task.language
        if task.family != "rag" or not mode or r.get("accuracy") != r.get("accuracy"):
            continue
        row = rows.setdefault((r.model, lang), {"model": r.model, "lang": lang})
        row[mode] = r.get("accuracy")
        recall = [c for c in summary.columns if str(c).startswith("recall_at_")]
        if mode == "retrieved" and recall:
            row["recall"] = r.get(recall[0])
    return pd.DataFrame(list(rows.values()))


def task_sort_key(facts: RunFacts) -> Callable[[str], tuple]:
    """Sort key for task names: family in `FAMILY_ORDER`, then language, then input length
    (so needle_de_2048 comes before needle_de_16384); lm-eval's own tasks last."""
    others = len(_FAMILY_RANK)

    def key(task: str) -> tuple:
        info = facts.of(task)
        if info.family == OTHER_FAMILY:
            return (others + 1, OTHER_FAMILY, "", 0, task)
        family = _FAMILY_RANK.get(info.family, others)
        return (family, info.family, info.language or "", info.context_tokens or 0, task)

    return key


def family_overview(summary: pd.DataFrame, facts: RunFacts, lengths: pd.DataFrame) -> list[dict]:
    """Every task's primary score per model, grouped by family.

    Returns [{"family", "rows": [{"task", "lang", "metric", "kind", "values": {model: {...}}}]}].
    A row's kind is "score" (value with 95 % CI) or, for the long-context family, one
    "effective_length" row per language from `lengths` (see
    `bench.analysis.long_context.effective_lengths`; the curve has the detail).
    """
    if summary.empty:
        return []
    models = list(dict.fromkeys(summary.model))
    groups: dict[str, list[dict]] = {}
    for task in sorted(set(summary.task), key=task_sort_key(facts)):
        info = facts.of(task)
        family = info.family
        if family == "long_context":
            continue
        cells = summary[summary.task == task].drop_duplicates("model").set_index("model")
        values = {m: _score(cells.loc[m]) if m in cells.index else None for m in models}
        ok = cells.dropna(subset=["accuracy"])
        metric = str(ok.metric.iloc[0]) if len(ok) else (info.primary_metric or "")
        groups.setdefault(family, []).append({
            "task": task, "lang": info.language or "", "metric": metric,
            "kind": "score", "values": values,
        })  # fmt: skip
    for lang in sorted(lengths.lang.unique()) if not lengths.empty else []:
        per_model = lengths[lengths.lang == lang].set_index("model")
        values = {
            m: {"effective_length": _int_or_none(per_model.at[m, "effective_length"]),
                "effective_tokens": _int_or_none(per_model.at[m, "effective_tokens"]),
                "uncertain": _bool_or_none(per_model.at[m, "uncertain"]),
                "longest_run": _int_or_none(per_model.at[m, "longest_run"]),
                # the scores the length rests on: at it, or at the shortest length without one
                **{key: _float_or_none(per_model.at[m, key]) for key in SCORE_KEYS}}
            if m in per_model.index else None
            for m in models
        }  # fmt: skip
        groups.setdefault("long_context", []).append({
            "task": f"needle_{lang}_*", "lang": lang, "metric": "effective_length",
            "kind": "effective_length", "values": values,
        })  # fmt: skip
    by_rank = sorted(groups.items(), key=lambda kv: _FAMILY_RANK.get(kv[0], len(_FAMILY_RANK)))
    return [{"family": family, "rows": rows} for family, rows in by_rank]


def _score(cell: pd.Series) -> dict:
    accuracy = cell.get("accuracy")
    if pd.isna(accuracy):  # the cell was skipped or failed
        return {"value": None, "status": cell.get("status"), "error": cell.get("error")}
    return {"value": float(accuracy), "ci_low": cell.get("ci_low"), "ci_high": cell.get("ci_high"),
            "n": cell.get("n")}  # fmt: skip


def _int_or_none(value) -> int | None:
    return None if pd.isna(value) else int(value)


SCORE_KEYS = (
    "effective_score",
    "effective_ci_low",
    "effective_ci_high",
    "effective_n",
    "first_length",
    "first_score",
    "first_ci_low",
    "first_ci_high",
    "first_n",
)
"""Fields of an effective length row that carry the scores (and n) it rests on."""


def _float_or_none(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _bool_or_none(value) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)


POOLED_AXES = ("latency_per_sample", "energy_wh_per_1k", "cost_per_1k")
"""What a family's pooled score is set against: time, energy and money per request."""


def pooled_by_family(summary: pd.DataFrame, family_of: dict[str, str]) -> pd.DataFrame:
    """Per family × model: the score pooled over all the family's samples (score mass / n,
    Wilson 95 % interval) and each of `POOLED_AXES` as its n-weighted mean per request.

    Columns: family, model, n, score, ci_low, ci_high and the axes (NaN where not recorded).
    """
    from bench.analysis.stats import wilson_interval

    ok = summary.dropna(subset=["accuracy"]) if "accuracy" in summary else summary.iloc[0:0]
    ok = ok.assign(family=ok.task.map(family_of)).dropna(subset=["family"])
    rank = {f: i for i, f in enumerate(FAMILY_ORDER)}
    rows = []
    for (family, model), g in ok.groupby(["family", "model"], sort=False):
        n = float(g.n.sum())
        mass = float((g.accuracy * g.n).sum())
        low, high = wilson_interval(mass, int(n))
        row = {"family": family, "model": model, "n": int(n), "score": mass / n,
               "ci_low": low, "ci_high": high}  # fmt: skip
        for axis in POOLED_AXES:
            values = g[[axis, "n"]].dropna() if axis in g else g.iloc[0:0]
            row[axis] = (float((values[axis] * values.n).sum() / values.n.sum())
                         if len(values) else float("nan"))  # fmt: skip
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    order = out.family.map(lambda f: (rank.get(f, len(rank)), f))
    return out.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o")
