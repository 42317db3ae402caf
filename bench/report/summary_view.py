"""The report's decision sections in the reader's language: summary, money, cascade."""

from __future__ import annotations

import math

from bench.analysis.requirements import RequirementsProfile
from bench.analysis.verdicts import RunDecisions


class Formatter:
    """Numbers as the reader's locale writes them (de: 1.234,5; en: 1,234.5)."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, value, digits: int = 2) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        text = f"{value:,.{digits}f}"
        if self.lang == "de":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text

    def int(self, value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return self(float(value), 0)


def summary_rows(dec: RunDecisions, req: RequirementsProfile, t: dict, fmt: Formatter,
                 currency: str) -> list[dict]:  # fmt: skip
    """One row per task: verdict, recommended model, the numbers that justify it."""
    rows = []
    for d in dec.decisions:
        cands = {c.model: c for c in dec.candidates.get(d.task, [])}
        why = []
        r = req.for_task(d.task)
        if not math.isnan(d.threshold):
            limit = fmt(d.threshold, 3)
            if r.min_accuracy is not None:
                why.append(t["threshold_abs"].format(t=limit))
            else:
                why.append(t["threshold_rel"].format(d=fmt(r.within_best, 2), t=limit))
        if d.recommended:
            c = cands[d.recommended]
            why.append(
                t["reaches"].format(
                    model=c.model,
                    acc=fmt(c.accuracy, 3),
                    lo=fmt(c.ci_low, 3),
                    hi=fmt(c.ci_high, 3),
                    n=c.n,
                )
            )
            if c.cost_per_1k is not None:
                why.append(t["cost_line"].format(cost=fmt(c.cost_per_1k, 4), currency=currency))
        verdict = t[f"verdict_{d.verdict}"]
        if d.verdict == "inconclusive" and d.more_samples is not None:
            verdict += " — " + t["more_samples"].format(n=fmt.int(d.more_samples))
        paired = None
        if d.comparison:
            cmp = d.comparison
            paired = t["paired"].format(
                slm=cmp.slm, llm=cmp.llm, diff=fmt(cmp.difference, 3), n=cmp.n_shared,
                test=cmp.test, p=fmt(cmp.p_value, 3) if cmp.p_value is not None else "–",
                eq=t["equivalent"] if cmp.equivalent else t["not_equivalent"],
            )  # fmt: skip
        rows.append({"task": d.task, "verdict": verdict, "kind": d.verdict,
                     "recommended": d.recommended or "–", "why": "; ".join(why),
                     "excluded": d.excluded, "paired": paired})  # fmt: skip
    return rows


def money_view(dec: RunDecisions, t: dict, fmt: Formatter) -> dict:
    """Break-even lines and the sensitivity table."""
    lines = []
    for b in dec.break_even:
        if b["volume"] is None:
            lines.append(t["no_break_even"].format(api=b["api"], model=b["model"]))
        else:
            lines.append(t["break_even"].format(model=b["model"], api=b["api"],
                                                volume=fmt.int(b["volume"])))  # fmt: skip
    sens = [{"assumption": s["assumption"], "factor": fmt(s["factor"], 1),
             "value": fmt(s["value"], 2), "per_1k": fmt(s["per_1k"], 4)}
            for s in dec.sensitivity]  # fmt: skip
    return {"break_even": lines, "sensitivity": sens,
            "model": dec.sensitivity[0]["model"] if dec.sensitivity else None}  # fmt: skip


def cascade_view(dec: RunDecisions, fmt: Formatter) -> list[dict]:
    """Per task: the pair of models and the blended figures at each threshold."""
    out = []
    for task, (small, large, points) in sorted(dec.cascades.items()):
        out.append({
            "task": task, "small": small, "large": large,
            "points": [{"threshold": fmt(p.threshold, 1), "escalated": fmt(p.escalated * 100, 0),
                        "accuracy": fmt(p.accuracy, 3), "cost": fmt(p.cost_per_1k, 4),
                        "latency": fmt(p.latency_s, 3)} for p in points[::2]],
        })  # fmt: skip
    return out
