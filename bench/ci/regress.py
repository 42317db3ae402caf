"""Comparing two runs (or a run and a baseline) for CI regression tracking.

A change counts as a regression only beyond noise:
- accuracy: on shared samples, a paired test — exact McNemar for right/wrong scores, a paired
  BCa bootstrap of the mean difference otherwise — at `alpha`; without shared samples, the
  candidate's interval lying wholly below the baseline's. Each cell states the smallest drop
  its n could detect; per model, the right/wrong cells are also pooled into one McNemar test,
  which is what gives a quick CI suite the power to see a 10-point drop;
- cost figures: a relative change beyond a threshold (noisy machines need loose ones);
- a cell that was ok and is now an error, is missing from the candidate, or shares fewer
  samples with the baseline than the baseline has (a truncated run), is a regression;
- a candidate with no cells at all, or a baseline without an ok cell, is an input error
  (exit 2), never a pass;
- on different hardware (fingerprint differs) only accuracy is compared, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bench.analysis import figures as fig
from bench.analysis.decide import Candidate, decide
from bench.analysis.requirements import Requirement
from bench.analysis.stats import (
    is_binary,
    mcnemar_exact,
    paired_bootstrap_interval,
    smallest_detectable_drop,
)
from bench.catalogue.specs import SLM_MAX_PARAMS_B, read_yaml
from bench.errors import UserError
from bench.results.baseline import Snapshot, SnapshotCell
from bench.results.records import Metric

Verdict = Literal["regression", "improvement", "unchanged", "warning"]


class FigureRule(BaseModel):
    """How much a cost figure may move before it counts: relative, in the worse direction."""

    model_config = ConfigDict(extra="forbid")

    max_worse: float = Field(gt=0, description="e.g. 0.25 = 25 % worse is still fine.")
    higher_is_better: bool = False


class Thresholds(BaseModel):
    """Regression thresholds; the defaults suit a quiet dedicated machine."""

    model_config = ConfigDict(extra="forbid")

    alpha: float = Field(default=0.05, gt=0, lt=1, description="Significance of accuracy tests.")
    figures: dict[str, FigureRule] = Field(
        default_factory=lambda: {
            Metric.LATENCY_PER_SAMPLE.value: FigureRule(max_worse=0.25),
            Metric.TOKENS_PER_S.value: FigureRule(max_worse=0.20, higher_is_better=True),
            Metric.PEAK_RSS.value: FigureRule(max_worse=0.10),
            fig.ENERGY_PER_SAMPLE: FigureRule(max_worse=0.25),
        },
        description="Per figure: a Metric value or a derived figure of bench.analysis.figures.",
    )

    @field_validator("figures")
    @classmethod
    def _known_figures(cls, value: dict[str, FigureRule]) -> dict[str, FigureRule]:
        unknown = sorted(name for name in value if not fig.known(name))
        if unknown:
            raise ValueError(f"unknown figure {unknown[0]!r}")
        return value


def load_thresholds(path: Path | None) -> Thresholds:
    """Defaults, or the YAML at `path` (keys it names replace the defaults)."""
    if path is None:
        return Thresholds()
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise UserError(
            f"invalid {path}: expected keys alpha and figures, got a {type(data).__name__}"
        )
    try:
        merged = Thresholds().model_dump()
        merged["alpha"] = data.get("alpha", merged["alpha"])
        merged["figures"].update(data.get("figures") or {})
        extra = set(data) - {"alpha", "figures"}
        if extra:
            raise UserError(f"invalid {path}: unknown key {sorted(extra)[0]}")
        return Thresholds.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UserError(f"invalid {path}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from exc


@dataclass
class Finding:
    """One compared quantity of one cell."""

    model: str
    task: str
    quantity: str
    baseline: float | None
    candidate: float | None
    verdict: Verdict
    detail: str

    @property
    def delta(self) -> float | None:
        if self.baseline is None or self.candidate is None:
            return None
        return self.candidate - self.baseline


@dataclass
class Comparison:
    """Everything `compare` found."""

    findings: list[Finding]
    warnings: list[str]
    same_hardware: bool

    @property
    def regressions(self) -> list[Finding]:
        return [f for f in self.findings if f.verdict == "regression"]


def compare_accuracy(base: SnapshotCell, cand: SnapshotCell, alpha: float) -> Finding:
    """Paired test on shared samples, else interval overlap."""
    shared = sorted(set(base.scores) & set(cand.scores))
    name = f"accuracy ({base.metric})"
    if shared:
        b_scores = [base.scores[h] for h in shared]
        c_scores = [cand.scores[h] for h in shared]
        b_mean, c_mean = sum(b_scores) / len(shared), sum(c_scores) / len(shared)
        if is_binary(b_scores + c_scores):
            lost = sum(1 for x, y in zip(b_scores, c_scores, strict=True) if x > y)
            won = sum(1 for x, y in zip(b_scores, c_scores, strict=True) if y > x)
            p = mcnemar_exact(lost, won)
            significant = p < alpha
            detail = (f"McNemar p={p:.3g} on {len(shared)} shared samples "
                      f"({lost} lost, {won} won); {_detectable(len(shared), alpha)}")  # fmt: skip
        else:
            diffs = [y - x for x, y in zip(b_scores, c_scores, strict=True)]
            low, high = paired_bootstrap_interval(diffs, 1 - alpha)
            significant = high < 0 or low > 0
            detail = f"paired BCa bootstrap CI of Δ [{low:+.3f}, {high:+.3f}], n={len(shared)}"
        verdict = _direction(c_mean - b_mean, significant)
        return Finding(base.model, base.task, name, b_mean, c_mean, verdict, detail)
    below = cand.ci_high is not None and base.ci_low is not None and cand.ci_high < base.ci_low
    above = cand.ci_low is not None and base.ci_high is not None and cand.ci_low > base.ci_high
    verdict = "regression" if below else "improvement" if above else "unchanged"
    detail = "no shared samples: 95 % intervals compared"
    return Finding(base.model, base.task, name, base.value, cand.value, verdict, detail)


def fewer_samples(base: SnapshotCell, cand: SnapshotCell) -> int:
    """How many of the baseline's scored samples the candidate lacks (0: none)."""
    return len(set(base.scores) - set(cand.scores))


def _detectable(n: int, alpha: float) -> str:
    """What the test could see at this n: the smallest drop it can flag at all."""
    drop = smallest_detectable_drop(n, alpha)
    if drop is None:
        return f"no drop is detectable on {n} samples"
    return f"smallest detectable drop {drop * 100:.0f} points"


def compare_pooled(base: Snapshot, cand: Snapshot, alpha: float) -> list[Finding]:
    """Per model, one exact McNemar test over the shared samples of all its right/wrong cells:
    single cells of a quick suite are too small to detect anything, their pool is not."""
    findings = []
    for model in sorted({c.model for c in base.cells}):
        lost = won = n = cells = 0
        base_right = cand_right = 0.0
        for b in base.cells:
            c = cand.cell(b.model, b.task)
            if b.model != model or c is None or b.status != "ok" or c.status != "ok":
                continue
            shared = sorted(set(b.scores) & set(c.scores))
            pairs = [(b.scores[h], c.scores[h]) for h in shared]
            if not pairs or not is_binary([v for pair in pairs for v in pair]):
                continue
            lost += sum(x > y for x, y in pairs)
            won += sum(y > x for x, y in pairs)
            base_right += sum(x for x, _ in pairs)
            cand_right += sum(y for _, y in pairs)
            n += len(pairs)
            cells += 1
        if cells < 2:  # one cell: its own test above says it all
            continue
        p = mcnemar_exact(lost, won)
        detail = (f"pooled over right/wrong tasks: McNemar p={p:.3g} on {n} shared samples "
                  f"({lost} lost, {won} won); {_detectable(n, alpha)}")  # fmt: skip
        verdict = _direction((cand_right - base_right) / n, p < alpha)
        findings.append(Finding(model, "(pooled)", "accuracy (pooled)", base_right / n,
                                cand_right / n, verdict, detail))  # fmt: skip
    return findings


def _direction(delta: float, significant: bool) -> Verdict:
    if not significant or delta == 0:
        return "unchanged"
    return "regression" if delta < 0 else "improvement"


def _figure(cell: SnapshotCell, name: str) -> float | None:
    """A recorded or derived figure of a snapshot cell (see bench.analysis.figures)."""
    return fig.figure(fig.snapshot_source(cell), name)


def compare_figure(base: SnapshotCell, cand: SnapshotCell, name: str, rule: FigureRule):
    """Relative change of one cost figure against its threshold; None if either is missing."""
    b, c = _figure(base, name), _figure(cand, name)
    if b is None or c is None or b == 0:
        return None
    change = (c - b) / b
    worse = -change if rule.higher_is_better else change
    if worse > rule.max_worse:
        verdict: Verdict = "regression"
    elif worse < -rule.max_worse:
        verdict = "improvement"
    else:
        verdict = "unchanged"
    detail = f"{change:+.1%} (allowed: {rule.max_worse:.0%} worse)"
    return Finding(base.model, base.task, name, b, c, verdict, detail)


def _decision(snap: Snapshot, task: str):
    """The report's verdict rule (default requirement) on a snapshot's cells of `task`."""
    cands = []
    for c in snap.cells:
        if c.task != task or c.status != "ok" or c.value is None:
            continue
        size = "slm" if (c.params_b or 0.0) < SLM_MAX_PARAMS_B else "llm"
        cands.append(Candidate(
            model=c.model, size_class=size, local=True, accuracy=c.value,
            ci_low=c.ci_low or 0.0, ci_high=c.ci_high or 1.0, n=c.n or len(c.scores),
            params_b=c.params_b, latency_s=_figure(c, Metric.LATENCY_PER_SAMPLE),
            scores=dict(c.scores),
        ))  # fmt: skip
    return decide(task, cands, Requirement()) if cands else None


def recommended(snap: Snapshot, task: str) -> str | None:
    """The model the report would recommend for `task` (bench.analysis.decide, defaults)."""
    d = _decision(snap, task)
    return d.recommended if d else None


def _good(snap: Snapshot, task: str) -> set[str]:
    """Models the verdict rule counts as good enough: shown within δ, and the reference."""
    d = _decision(snap, task)
    if not d or not d.reference:
        return set()
    shown = {c.model for c in d.comparisons if c.tested and c.test.outcome == "noninferior"}
    return shown | {d.reference.model}


def flipped(base: Snapshot, cand: Snapshot, task: str) -> str | None:
    """A recommendation change driven by accuracy, or None.

    Between models that are all "good enough" on both sides the choice falls to cost and
    latency, which wobble on a shared machine; that is not reported. A flip counts when the
    old choice is no longer good enough, or the new one was not good enough before.
    """
    before, after = recommended(base, task), recommended(cand, task)
    if not before or not after or before == after:
        return None
    if before not in _good(cand, task) or after not in _good(base, task):
        return f"flipped from {before} to {after}"
    return None


def compare(base: Snapshot, cand: Snapshot, thresholds: Thresholds) -> Comparison:
    """Compare every cell present in the baseline with the candidate."""
    if not cand.cells:  # a crashed or empty run must not pass as "0 comparisons"
        raise UserError(f"candidate run has no results ({cand.source})")
    if not any(c.status == "ok" for c in base.cells):  # nothing to hold the candidate to
        raise UserError(
            f"baseline has no ok cells to compare with ({base.source}); "
            "record it from a run that finished: slm-bench baseline save RUN"
        )
    same_hw = base.hardware_fingerprint == cand.hardware_fingerprint
    warnings = []
    if not same_hw:
        warnings.append(
            f"hardware differs ({base.hardware.cpu_model} vs {cand.hardware.cpu_model}): "
            "only accuracy is compared"
        )
    findings: list[Finding] = []
    for b in base.cells:
        c = cand.cell(b.model, b.task)
        if c is None:  # a crashed or truncated run must not pass the gate
            findings.append(Finding(b.model, b.task, "status", None, None, "regression",
                                    "in the baseline, missing from the candidate"))  # fmt: skip
            continue
        if b.status == "ok" and c.status != "ok":
            findings.append(Finding(b.model, b.task, "status", None, None, "regression",
                                    f"was ok, now {c.status}: {c.error}"))  # fmt: skip
            continue
        if b.status != "ok" or c.status != "ok":
            continue
        if missing := fewer_samples(b, c):
            findings.append(Finding(b.model, b.task, "samples", len(b.scores),
                                    len(b.scores) - missing, "regression",
                                    f"{missing} of the baseline's {len(b.scores)} samples "
                                    "missing from the candidate"))  # fmt: skip
        findings.append(compare_accuracy(b, c, thresholds.alpha))
        if same_hw:
            for name, rule in thresholds.figures.items():
                found = compare_figure(b, c, name, rule)
                if found:
                    findings.append(found)
    findings += compare_pooled(base, cand, thresholds.alpha)
    for task in sorted({c.task for c in base.cells}):
        if detail := flipped(base, cand, task):
            findings.append(Finding("—", task, "recommended model", None, None, "warning", detail))
    return Comparison(findings=findings, warnings=warnings, same_hardware=same_hw)
