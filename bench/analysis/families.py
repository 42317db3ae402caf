"""Views across tasks of one family: the long-context curve and RAG with/without retrieval.

Both read the per-cell summary table only (see `bench.analysis.table.summary`), so they work
on any run that holds the relevant tasks.
"""

from __future__ import annotations

import re

import pandas as pd

NEEDLE = re.compile(r"^needle_(?P<lang>[a-z]{2})_(?P<length>\d+)$")
RAG = re.compile(r"^rag_(?P<mode>retrieved|gold|closed)_(?P<lang>[a-z]{2})$")
EFFECTIVE_SHARE = 0.8
"""A length counts as handled while the score stays ≥ 80 % of the shortest length's score."""


def effective_context_length(points: list[tuple[int, float]], share: float = EFFECTIVE_SHARE):
    """Longest nominal length up to which every score is ≥ `share` × the shortest one's.

    `points` are (length, score) pairs. None when the shortest length already scores 0 (the
    model does not do the task at all, so no length is "handled").
    """
    points = sorted(points)
    if not points or points[0][1] <= 0:
        return None
    floor = share * points[0][1]
    best = None
    for length, score in points:
        if score < floor:
            break
        best = length
    return best


def long_context_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per model × language × length: score with CI, mean input tokens, status."""
    rows = []
    for _, r in summary.iterrows():
        m = NEEDLE.match(str(r.task))
        if not m:
            continue
        n = r.get("n")
        tokens = r.get("input_tokens")
        rows.append({
            "model": r.model, "lang": m["lang"], "length": int(m["length"]),
            "score": r.get("accuracy"), "ci_low": r.get("ci_low"), "ci_high": r.get("ci_high"),
            "n": n, "mean_input_tokens": tokens / n if n and tokens == tokens else None,
            "error": r.get("error"),
        })  # fmt: skip
    return pd.DataFrame(rows).sort_values(["model", "lang", "length"]) if rows else pd.DataFrame()


def effective_lengths(curves: pd.DataFrame) -> pd.DataFrame:
    """Effective context length per model × language, and the longest length run."""
    if curves.empty:
        return pd.DataFrame()
    rows = []
    for (model, lang), group in curves.groupby(["model", "lang"]):
        ran = group.dropna(subset=["score"])
        points = list(zip(ran.length, ran.score, strict=True))
        rows.append({
            "model": model, "lang": lang,
            "effective_length": effective_context_length(points),
            "longest_run": int(ran.length.max()) if len(ran) else None,
            "skipped_from": int(group[group.score.isna()].length.min())
            if group.score.isna().any() else None,
        })  # fmt: skip
    return pd.DataFrame(rows)


def rag_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per model × language: score with retrieved, gold and no context; recall@k."""
    rows: dict[tuple[str, str], dict] = {}
    for _, r in summary.iterrows():
        m = RAG.match(str(r.task))
        if not m or r.get("accuracy") != r.get("accuracy"):
            continue
        row = rows.setdefault((r.model, m["lang"]), {"model": r.model, "lang": m["lang"]})
        row[m["mode"]] = r.get("accuracy")
        recall = [c for c in summary.columns if str(c).startswith("recall_at_")]
        if m["mode"] == "retrieved" and recall:
            row["recall"] = r.get(recall[0])
    return pd.DataFrame(list(rows.values()))
