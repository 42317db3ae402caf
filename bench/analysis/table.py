"""The tidy table: one row per model × task × metric, built from a run folder alone.

Figures derived from its columns (per sample, per 1,000, per correct answer) live beside it
in `bench.analysis.figures`.
"""

from __future__ import annotations

import pandas as pd

from bench.analysis.figures import PHASE_COLUMNS
from bench.results.records import Phase
from bench.results.store import RunStore

COLUMNS = [
    "run_id",
    "model",
    "size_class",
    "params_b",
    "task",
    "status",
    "kind",
    "metric",
    "phase",
    "value",
    "unit",
    "provenance",
    "n",
    "ci_low",
    "ci_high",
    "primary",
]


def tidy(store: RunStore) -> pd.DataFrame:
    """All metrics and measurements of a run as a long table; error cells keep one row."""
    catalogue = {m.name: m for m in store.read_info().model_specs}
    rows = []
    for cell in store.cells():
        spec = catalogue.get(cell.model)
        base = {
            "run_id": cell.run_id,
            "model": cell.model,
            "task": cell.task,
            "status": cell.status,
            "size_class": spec.size_class if spec else None,
            "params_b": spec.params_b if spec else None,
        }
        if cell.status != "ok":
            rows.append(
                {
                    **base,
                    "kind": "error",
                    "metric": "error",
                    "value": None,
                    "unit": None,
                    "provenance": cell.error,
                    "primary": False,
                }
            )
            continue
        for m in cell.metrics:
            rows.append(
                {
                    **base,
                    "kind": "quality",
                    "metric": m.name if m.filter == "none" else f"{m.name}[{m.filter}]",
                    "value": m.value,
                    "unit": "fraction",
                    "provenance": "lm-eval",
                    "n": m.n,
                    "ci_low": m.ci_low,
                    "ci_high": m.ci_high,
                    "primary": m.name == cell.primary_metric,
                }
            )
        for m in cell.measurements:
            rows.append(
                {
                    **base,
                    "kind": "cost",
                    "metric": m.metric.value,
                    "phase": m.phase.value,
                    "value": m.value,
                    "unit": m.unit,
                    "provenance": m.provenance,
                    "n": m.n,
                    "ci_low": m.ci_low,
                    "ci_high": m.ci_high,
                    "primary": False,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """One row per model × task: primary accuracy with CI, and the headline costs."""
    if df.empty:
        return pd.DataFrame()
    ok = df[df.status == "ok"]
    quality = (
        ok[ok.primary]
        .set_index(["model", "task"])[["metric", "value", "ci_low", "ci_high", "n"]]
        .rename(columns={"value": "accuracy"})
    )
    # Every metric and task measurement as a column too (secondary metrics like f1, recall@k);
    # measurements of other phases only where PHASE_COLUMNS names a column for them.
    task_rows = ok[(ok.kind == "quality") | (ok.phase == Phase.TASK.value)]
    costs = task_rows.pivot_table(
        index=["model", "task"], columns="metric", values="value", aggfunc="first"
    )
    for (phase, metric), column in PHASE_COLUMNS.items():
        rows = ok[(ok.phase == phase.value) & (ok.metric == metric.value)]
        if rows.empty or costs.empty:
            continue
        costs = costs.join(rows.set_index(["model", "task"])["value"].rename(column), how="outer")
    out = quality.join(costs, how="left").reset_index()
    errors = df[df.status != "ok"][["model", "task", "status", "provenance"]].rename(
        columns={"provenance": "error"}
    )
    sizes = df.drop_duplicates("model").set_index("model")[["size_class", "params_b"]]
    out = pd.concat([out, errors], ignore_index=True).join(sizes, on="model")
    return out.sort_values(["task", "model"]).reset_index(drop=True)
