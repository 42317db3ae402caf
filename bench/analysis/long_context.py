"""The long-context curve: score per input length, and the effective context length.

Lengths are the generator's nominal token counts (512 … 32768), the same text for every model;
each cell also records how many tokens the model's own tokenizer made of it, so the effective
length is given both ways ("4k nominal = 3,712 tokens"). Reads the per-cell summary table and
the run's task facts, never task names.
"""

from __future__ import annotations

import math

import pandas as pd

from bench.analysis.facts import RunFacts

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


def drop_is_uncertain(floor: tuple[float, float], after: tuple[float, float]) -> bool | None:
    """True when the interval of the first length below the floor overlaps the floor's interval.

    `floor` is `share` × the shortest length's 95 % interval, `after` the interval of the
    length after the effective one: when they overlap, the drop may be chance and the effective
    length may be longer. None when an interval is unknown.
    """
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (*floor, *after)):
        return None
    return bool(after[0] <= floor[1] and after[1] >= floor[0])


def long_context_table(summary: pd.DataFrame, facts: RunFacts) -> pd.DataFrame:
    """One row per model × language × length: score with CI, mean input tokens, status."""
    rows = []
    for _, r in summary.iterrows():
        task = facts.of(str(r.task))
        if task.family != "long_context" or task.context_tokens is None:
            continue
        n = r.get("n")
        tokens = r.get("input_tokens")
        rows.append({
            "model": r.model, "lang": task.language, "length": int(task.context_tokens),
            "score": r.get("accuracy"), "ci_low": r.get("ci_low"), "ci_high": r.get("ci_high"),
            "n": n, "mean_input_tokens": tokens / n if n and pd.notna(tokens) else None,
            "error": r.get("error"),
        })  # fmt: skip
    return pd.DataFrame(rows).sort_values(["model", "lang", "length"]) if rows else pd.DataFrame()


def effective_lengths(curves: pd.DataFrame, share: float = EFFECTIVE_SHARE) -> pd.DataFrame:
    """Per model × language: the effective length (nominal and in the model's tokens), the
    scores with intervals at it and at the next length run, the floor, and whether the drop
    is uncertain (see `drop_is_uncertain`)."""
    if curves.empty:
        return pd.DataFrame()
    rows = []
    for (model, lang), group in curves.groupby(["model", "lang"]):
        ran = group.dropna(subset=["score"]).sort_values("length").reset_index(drop=True)
        effective = effective_context_length(list(zip(ran.length, ran.score, strict=True)), share)
        row = {
            "model": model, "lang": lang, "effective_length": effective,
            "longest_run": int(ran.length.max()) if len(ran) else None,
            "skipped_from": int(group[group.score.isna()].length.min())
            if group.score.isna().any() else None,
        }  # fmt: skip
        row.update(_around(ran, effective, share))
        rows.append(row)
    return pd.DataFrame(rows)


def _around(ran: pd.DataFrame, effective: int | None, share: float) -> dict:
    """Tokens and scores at the effective length and the next one, the floor, uncertainty."""
    out = dict.fromkeys(
        ["effective_tokens", "effective_score", "effective_ci_low", "effective_ci_high",
         "effective_n", "next_length", "next_tokens", "next_score", "next_ci_low",
         "next_ci_high", "next_n", "first_length", "first_score", "first_ci_low",
         "first_ci_high", "first_n", "floor", "floor_low", "floor_high", "uncertain"]
    )  # fmt: skip
    if ran.empty:
        return out
    first = ran.iloc[0]
    # The shortest length's score is what "no effective length" rests on: kept with its n.
    out.update(first_length=int(first.length), first_score=first.score,
               first_ci_low=first.ci_low, first_ci_high=first.ci_high, first_n=first.n)  # fmt: skip
    if effective is None:
        return out
    out.update(floor=share * first.score, floor_low=share * first.ci_low,
               floor_high=share * first.ci_high)  # fmt: skip
    at = int(ran.index[ran.length == effective][0])
    for prefix, i in (("effective", at), ("next", at + 1)):
        if i >= len(ran):
            continue
        r = ran.iloc[i]
        tokens = r.mean_input_tokens
        out.update({f"{prefix}_tokens": None if pd.isna(tokens) else round(float(tokens)),
                    f"{prefix}_score": r.score, f"{prefix}_ci_low": r.ci_low,
                    f"{prefix}_ci_high": r.ci_high, f"{prefix}_n": r.n})  # fmt: skip
        if prefix == "next":
            out["next_length"] = int(r.length)
            out["uncertain"] = drop_is_uncertain(
                (out["floor_low"], out["floor_high"]), (r.ci_low, r.ci_high)
            )
    return out
