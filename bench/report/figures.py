"""Matplotlib figures for the report, returned as inline SVG strings (no external assets)."""

from __future__ import annotations

import io
import textwrap

import pandas as pd

from bench.analysis import figures as derived
from bench.results.records import Metric

# Okabe–Ito palette: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

TRADE_OFFS = [
    (Metric.LATENCY_PER_SAMPLE.value, "fig_latency"),
    (derived.ENERGY_WH_PER_1K, "fig_energy"),
    (Metric.PEAK_RSS.value, "fig_memory"),
    ("cost_per_1k", "fig_cost"),
]
DEFAULT_LABELS = {
    "fig_latency": "model time per sample (s)",
    "fig_energy": "energy per 1,000 samples (Wh, estimated)",
    "fig_memory": "peak RSS of the model process (MiB)",
    "fig_cost": "cost per 1,000 requests",
    "fig_ci": "95 % CI",
    "fig_front": "Pareto front",
}


def model_styles(models: list[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker per model, the same in every figure of a report."""
    return {m: (PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]) for i, m in enumerate(models)}


def dominated(points: list[tuple[float, float]]) -> list[bool]:
    """Pareto: a (cost, accuracy) point is dominated when another is at least as accurate and
    no dearer, and strictly better in one of the two."""
    out = []
    for i, (c, a) in enumerate(points):
        out.append(any(
            j != i and a2 >= a and c2 <= c and (a2 > a or c2 < c)
            for j, (c2, a2) in enumerate(points)
        ))  # fmt: skip
    return out


def _svg(fig) -> str:
    import matplotlib

    buf = io.StringIO()
    # A fixed salt makes the SVG's element ids (random by default) and so the whole report
    # the same each time it is rebuilt from the same run folder.
    with matplotlib.rc_context({"svg.hashsalt": "slm-bench"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.find("<svg") :]  # drop the XML prologue so it can sit inside HTML


def _panel(ax, rows: pd.DataFrame, col: str, style: dict) -> None:
    """Score (with its interval) against `col`, one marker per model: dominated models
    hollow, the Pareto front as a dashed step line, x from zero (small differences are not
    blown up), few ticks (small panels)."""
    valid = rows.dropna(subset=[col])
    xy = list(zip(valid[col], valid.score, strict=True))
    for (x, y), row, hollow in zip(xy, valid.itertuples(), dominated(xy), strict=True):
        colour, marker = style[row.model]
        ax.errorbar(x, y, yerr=[[max(0.0, y - row.ci_low)], [max(0.0, row.ci_high - y)]],
                    fmt=marker, color=colour, markersize=7, capsize=3, zorder=3,
                    markerfacecolor="none" if hollow else colour)  # fmt: skip
    front = pareto_front(xy)
    if len(front) > 1:
        fx, fy = zip(*front, strict=True)
        ax.step(fx, fy, where="post", color="#777", linestyle="--", linewidth=1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, max((x for x, _ in xy), default=0) * 1.15 or 1.0)
    ax.grid(alpha=0.3)
    ax.locator_params(axis="x", nbins=4)
    ax.tick_params(labelsize=7)


def trade_off_figure(summary: pd.DataFrame, labels: dict | None = None,
                     titles: dict[str, str] | None = None) -> str | None:  # fmt: skip
    """Accuracy against each cost, one row of panels per task, one marker per model;
    dominated models (Pareto) drawn hollow."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {**DEFAULT_LABELS, **(labels or {})}
    ok = summary.dropna(subset=["accuracy"])
    if ok.empty:
        return None
    tasks = list(dict.fromkeys(ok.task))
    models = list(dict.fromkeys(summary.model))
    style = model_styles(models)
    axes_cols = [(col, key) for col, key in TRADE_OFFS if col in ok and ok[col].notna().any()]
    fig, axes = plt.subplots(len(tasks), len(axes_cols), squeeze=False,
                             figsize=(3.2 * len(axes_cols), 2.7 * len(tasks)))  # fmt: skip
    for r, task in enumerate(tasks):
        rows = ok[ok.task == task]
        for c, (col, key) in enumerate(axes_cols):
            ax = axes[r][c]
            _panel(ax, rows.rename(columns={"accuracy": "score"}), col, style)
            ax.set_xlabel(labels[key], fontsize=8)
            if c == 0:
                title = textwrap.fill((titles or {}).get(task, task), 30)
                ax.set_ylabel(f"{title}\n({labels['fig_ci']})", fontsize=7)
    handles = [plt.Line2D([], [], color=style[m][0], marker=style[m][1], linestyle="", label=m)
               for m in models]  # fmt: skip
    fig.legend(handles=handles, loc="upper center", ncol=min(4, len(models)), fontsize=8,
               bbox_to_anchor=(0.5, 1.0 + 0.12 / len(tasks)), frameon=False)  # fmt: skip
    fig.tight_layout()
    svg = _svg(fig)
    plt.close(fig)
    return svg


OVERVIEW_AXES = [
    (Metric.LATENCY_PER_SAMPLE.value, "fig_latency"),
    (derived.ENERGY_WH_PER_1K, "fig_energy"),
    ("cost_per_1k", "fig_cost"),
]


def pareto_front(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The non-dominated (cost, score) points, cheapest first: the step line of the figure."""
    hollow = dominated(points)
    return sorted(p for p, d in zip(points, hollow, strict=True) if not d)


def overview_figure(points: pd.DataFrame, titles: dict[str, str],
                    labels: dict | None = None) -> str | None:  # fmt: skip
    """One row of panels per task family, one column per cost (time, energy, money per
    request): the family's pooled score with its Wilson 95 % interval, one marker per model,
    dominated models hollow and the Pareto front as a dashed step line.

    `points` is `bench.analysis.families.pooled_by_family`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {**DEFAULT_LABELS, **(labels or {})}
    if points.empty:
        return None
    axes_cols = [(c, k) for c, k in OVERVIEW_AXES if c in points and points[c].notna().any()]
    if not axes_cols:
        return None
    families = list(dict.fromkeys(points.family))
    models = list(dict.fromkeys(points.model))
    style = model_styles(models)
    fig, axes = plt.subplots(len(families), len(axes_cols), squeeze=False,
                             figsize=(3.1 * len(axes_cols), 2.4 * len(families)))  # fmt: skip
    for r, family in enumerate(families):
        rows = points[points.family == family]
        for c, (col, key) in enumerate(axes_cols):
            ax = axes[r][c]
            _panel(ax, rows, col, style)
            ax.set_xlabel(labels[key], fontsize=7)  # on every row: rows are read one by one
            if c == 0:
                ax.set_ylabel(textwrap.fill(titles.get(family, family), 26), fontsize=7)
    handles = [plt.Line2D([], [], color=style[m][0], marker=style[m][1], linestyle="", label=m)
               for m in models]  # fmt: skip
    handles.append(plt.Line2D([], [], color="#777", linestyle="--", label=labels["fig_front"]))
    fig.legend(handles=handles, loc="upper center", ncol=min(4, len(handles)), fontsize=8,
               bbox_to_anchor=(0.5, 1.0 + 0.12 / len(families)), frameon=False)  # fmt: skip
    fig.tight_layout()
    svg = _svg(fig)
    plt.close(fig)
    return svg


def long_context_figure(curves: pd.DataFrame) -> str | None:
    """Score against input length, one panel per language, one line per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ran = curves.dropna(subset=["score"]) if not curves.empty else curves
    if ran.empty:
        return None
    langs = sorted(ran.lang.unique())
    models = list(dict.fromkeys(curves.model))
    fig, axes = plt.subplots(1, len(langs), squeeze=False, figsize=(4.6 * len(langs), 3.2))
    for ax, lang in zip(axes[0], langs, strict=True):
        for i, model in enumerate(models):
            g = ran[(ran.lang == lang) & (ran.model == model)]
            if g.empty:
                continue
            colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
            yerr = [(g.score - g.ci_low).clip(lower=0), (g.ci_high - g.score).clip(lower=0)]
            ax.errorbar(g.length, g.score, yerr=yerr, color=colour, marker=marker,
                        capsize=3, label=model)  # fmt: skip
        ax.set_xscale("log", base=2)
        lengths = sorted(curves.length.unique())
        ax.set_xticks(lengths, [f"{n // 1024}k" if n >= 1024 else str(n) for n in lengths])
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(f"nominal input length (tokens), {lang}", fontsize=8)
        ax.set_ylabel("found (95 % CI)", fontsize=8)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    axes[0][0].legend(fontsize=7, frameon=False)
    fig.tight_layout()
    svg = _svg(fig)
    plt.close(fig)
    return svg


def perf_figure(perf_rows: list[dict]) -> str | None:
    """Throughput against batch size, and peak memory against input length, per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not perf_rows:
        return None
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(9.2, 3.2))
    for i, row in enumerate(perf_rows):
        colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
        if row["throughput"]:
            xs, ys, lo, hi = zip(*row["throughput"], strict=True)
            ax_t.errorbar(xs, ys, yerr=[[y - a for y, a in zip(ys, lo, strict=True)],
                                        [b - y for y, b in zip(ys, hi, strict=True)]],
                          color=colour, marker=marker, capsize=3, label=row["model"])  # fmt: skip
        if row["memory"]:
            xs, ys = zip(*row["memory"], strict=True)
            ax_m.plot(xs, ys, color=colour, marker=marker, label=row["model"])
    ax_t.set_xscale("log", base=2)
    ax_t.set_xlabel("batch size (concurrent requests)", fontsize=8)
    ax_t.set_ylabel("output tokens / s (mean, 95 % CI)", fontsize=8)
    ax_m.set_xscale("log", base=2)
    ax_m.set_xlabel("input length (tokens)", fontsize=8)
    ax_m.set_ylabel("peak RSS of the model process (MiB)", fontsize=8)
    return _finish(plt, fig, (ax_t, ax_m))


def _finish(plt, fig, axes) -> str:
    """Common axes style (zero floor, light grid, small ticks, legend on the first), as SVG."""
    for ax in axes:
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7, frameon=False)
    fig.tight_layout()
    svg = _svg(fig)
    plt.close(fig)
    return svg


def load_figure(series: list[dict]) -> str | None:
    """Per model × task: p95 latency against achieved requests/s over the sweep, the SLO as a
    dashed line and the capacity (where the curve crosses it) as a star."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [s for s in series if s["points"]]
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    for i, s in enumerate(series):
        colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
        xs, ys = zip(*s["points"], strict=True)
        ax.plot(xs, ys, color=colour, marker=marker, label=s["label"])
        ax.axhline(s["slo"], color=colour, linestyle="--", linewidth=0.8)
        if s["capacity"]:
            ax.plot(*s["capacity"], color=colour, marker="*", markersize=12, linestyle="none")
    ax.set_xlabel("achieved requests / s", fontsize=8)
    ax.set_ylabel("p95 latency (s)", fontsize=8)
    return _finish(plt, fig, (ax,))
