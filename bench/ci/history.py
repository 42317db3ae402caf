"""`slm-bench history`: trends over many runs in one HTML page, each point linked to its run.

Reads every run folder under a results directory (runs that cannot be read are listed, not
fatal) and draws, per task, the headline accuracy, model time per sample and energy per
sample of each model over the runs, in run order.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import pandas as pd

from bench.analysis import figures as derived
from bench.errors import UserError
from bench.report.figures import MARKERS, PALETTE
from bench.results.baseline import snapshot_from_run
from bench.results.records import Metric
from bench.results.store import RunStore, atomic_write_text

TRENDS = [(derived.ACCURACY, "headline accuracy"),
          (Metric.LATENCY_PER_SAMPLE.value, "model time / sample (s)"),
          (derived.ENERGY_WH_PER_1K, "energy / 1,000 samples (Wh, as recorded)")]  # fmt: skip


def collect(results_dir: Path) -> tuple[pd.DataFrame, list[str]]:
    """One row per run × model × task with the trend quantities; plus unreadable runs."""
    rows, skipped = [], []
    for run_dir in sorted(p for p in Path(results_dir).iterdir() if (p / "run.json").exists()):
        try:
            snap = snapshot_from_run(RunStore(run_dir))
        except UserError as exc:
            skipped.append(f"{run_dir.name}: {exc}")
            continue
        for c in snap.cells:
            if c.status != "ok":
                continue
            source = derived.snapshot_source(c)
            trends = {col: derived.figure(source, col) for col, _ in TRENDS}
            rows.append({"run_id": snap.run_id, "model": c.model, "task": c.task,
                         "metric": c.metric, **trends})  # fmt: skip
    return pd.DataFrame(rows), skipped


def trend_svg(df: pd.DataFrame, task: str, link) -> str:
    """Three panels (accuracy, latency, energy) over runs for one task; points link to runs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = df[df.task == task]
    runs = sorted(rows.run_id.unique())
    x_of = {r: i for i, r in enumerate(runs)}
    fig, axes = plt.subplots(1, len(TRENDS), figsize=(4.2 * len(TRENDS), 2.8))
    for ax, (col, label) in zip(axes, TRENDS, strict=True):
        for i, (model, g) in enumerate(rows.groupby("model", sort=True)):
            g = g.dropna(subset=[col]).sort_values("run_id")
            if g.empty:
                continue
            xs = [x_of[r] for r in g.run_id]
            colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
            ax.plot(xs, g[col], color=colour, alpha=0.5)
            points = ax.scatter(xs, g[col], color=colour, marker=marker, label=model, zorder=3)
            points.set_urls([link(r) for r in g.run_id])
        ax.set_title(label, fontsize=9)
        ax.set_xticks(range(len(runs)), [r[:13] for r in runs], rotation=45, ha="right",
                      fontsize=6)  # fmt: skip
        if col == "accuracy":
            ax.set_ylim(-0.02, 1.02)
        else:
            ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7, frameon=False)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.find("<svg") :]


def write_history(results_dir: Path, out: Path, reports_dir: Path = Path("reports")) -> Path:
    """Render the history page of every run under `results_dir` into `out`."""
    if not Path(results_dir).is_dir():
        raise UserError(f"no results folder at {results_dir}")
    df, skipped = collect(results_dir)
    out = Path(out)

    def link(run_id: str) -> str:
        report = (Path(reports_dir) / run_id / "index.html").resolve()
        try:
            return str(report.relative_to(out.resolve().parent))
        except ValueError:
            return report.as_uri()

    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>slm-bench history</title><style>body{font-family:system-ui,sans-serif;"
        "max-width:1240px;margin:auto;padding:1rem}svg{max-width:100%;height:auto}"
        ".meta{color:#555;font-size:.9rem}</style></head><body>",
        "<h1>slm-bench history</h1>",
        f"<p class='meta'>{df.run_id.nunique() if not df.empty else 0} runs from "
        f"{html.escape(str(results_dir))}. Click a point to open that run's report. Energy is "
        "shown as recorded; on machines without power counters it is an estimate.</p>",
    ]
    for task in sorted(df.task.unique()) if not df.empty else []:
        parts.append(f"<h2>{html.escape(task)}</h2>")
        parts.append(f"<figure role='img' aria-label='Trends for {html.escape(task)}'>"
                     f"{trend_svg(df, task, link)}</figure>")  # fmt: skip
    if skipped:
        parts.append("<h2>Runs not read</h2><ul>")
        parts += [f"<li>{html.escape(s)}</li>" for s in skipped]
        parts.append("</ul>")
    parts.append("</body></html>")
    atomic_write_text(out, "\n".join(parts))
    return out
