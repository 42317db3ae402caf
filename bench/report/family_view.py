"""The overview table of the report: every family's tasks × models, formatted for the reader."""

from __future__ import annotations

from bench.report.long_context_view import nominal_label
from bench.report.names import metric_name
from bench.report.numbers import Formatter


def family_view(groups: list[dict], models: list[str], t: dict, fmt: Formatter,
                titles: dict[str, str] | None = None) -> dict:  # fmt: skip
    """Rows of `bench.analysis.families.family_overview` as text, best value per row marked;
    each row titled in the reader's words (`titles`: task → title; identifiers otherwise)."""
    titles = titles or {}
    out = []
    for group in groups:
        rows = []
        for row in group["rows"]:
            if row["kind"] == "effective_length":
                cells = [_length_cell(row["values"][m], t, fmt) for m in models]
                metric = t["effective_length"]
                language = t["languages"].get(row["lang"], row["lang"])
                title = f"{t['long_context_row']} ({language})"
            else:
                cells = [_score_cell(row["values"][m], t, fmt) for m in models]
                metric = metric_name(row["metric"], t)
                title = titles.get(row["task"], row["task"])
            _mark_best(cells)
            rows.append({"task": row["task"], "title": title, "lang": row["lang"],
                         "metric": metric, "cells": cells})  # fmt: skip
        label = t["family_labels"].get(group["family"], group["family"])
        out.append({"label": label, "rows": rows})
    has_lengths = any(r["kind"] == "effective_length" for g in groups for r in g["rows"])
    return {"models": models, "groups": out, "has_lengths": has_lengths}


def _score_cell(value: dict | None, t: dict, fmt: Formatter) -> dict:
    if value is None:
        return {"text": "–", "note": t["not_in_run"], "sort": None}
    if value["value"] is None:
        why = f"{value.get('status') or 'error'}: {value.get('error') or ''}"
        return {"text": "–", "note": why, "sort": None}
    text, ci = fmt.estimate(value["value"], value.get("ci_low"), value.get("ci_high"))
    return {"text": text, "ci": ci, "sort": value["value"]}


def _length_cell(value: dict | None, t: dict, fmt: Formatter) -> dict:
    if value is None or value["longest_run"] is None:
        return {"text": "–", "note": t["not_in_run"], "sort": None}
    effective, tokens = value["effective_length"], value.get("effective_tokens")
    at = "effective" if effective is not None else "first"
    n = value.get(f"{at}_n")
    # The scores the figure rests on, with their interval and n (few samples per length).
    score, bounds = fmt.estimate(value.get(f"{at}_score"), value.get(f"{at}_ci_low"),
                                 value.get(f"{at}_ci_high"))  # fmt: skip
    rests_on = t["length_rests_on"].format(
        score=f"{score} [{bounds}]" if bounds else score,
        length=nominal_label(effective or _int(value.get("first_length"))),
        n=fmt.int(n),
    )
    if effective is None:
        text, parts = "–", [rests_on]
    elif value.get("uncertain"):
        # The drop may be chance: the length is a lower bound, not a figure to compare.
        text = t["not_determinable"].format(n=fmt.int(n))
        parts = [t["at_least"].format(nominal=nominal_label(effective)), rests_on]
    elif tokens is None:  # no token counts recorded: the nominal length only
        text, parts = t["nominal_only"].format(nominal=nominal_label(effective)), [rests_on]
    else:
        text = fmt.int(tokens)
        parts = [t["nominal_only"].format(nominal=nominal_label(effective)), rests_on]
    # The longest length run bounds the figure: a model with a short context cannot score more.
    parts.append(t["of_run"].format(longest=nominal_label(value["longest_run"])))
    # Best is judged on the nominal length, and only where it is determined.
    sort = None if value.get("uncertain") else (effective or 0)
    return {"text": text, "ci": " · ".join(parts), "sort": sort}


def _int(value) -> int | None:
    return None if value is None else int(value)


def _mark_best(cells: list[dict]) -> None:
    """Bold the highest value of a row when at least two models have one and it is above 0."""
    values = [c["sort"] for c in cells if c["sort"] is not None]
    top = max(values, default=None)
    for c in cells:
        c["best"] = len(values) > 1 and bool(top) and c["sort"] == top


def overview_alt(points, titles: dict[str, str], t: dict, fmt: Formatter) -> str:
    """The overview figure in words (its text alternative): per family, each model's pooled
    score with interval and n, time per request, and whether it is on the Pareto front."""
    from bench.report.figures import dominated

    parts = []
    for family, rows in points.groupby("family", sort=False) if not points.empty else []:
        xy = list(zip(rows.latency_per_sample, rows.score, strict=True))
        models = []
        for row, hollow in zip(rows.itertuples(), dominated(xy), strict=True):
            score, bounds = fmt.estimate(row.score, row.ci_low, row.ci_high)
            front = "" if hollow else t["alt_front"]
            models.append(t["alt_model"].format(model=row.model, score=score, ci=bounds, n=row.n,
                                                s=fmt.sig(row.latency_per_sample, 2),
                                                front=front))  # fmt: skip
        parts.append(f"{titles.get(family, family)}: {'; '.join(models)}")
    return t["alt_overview"] + " " + ". ".join(parts) + "." if parts else ""
