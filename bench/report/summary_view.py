"""The report's decision sections in the reader's language: summary, money, cascade."""

from __future__ import annotations

from bench.analysis.decide import Comparison, Decision, Reference
from bench.analysis.facts import RunFacts
from bench.analysis.requirements import Requirement, RequirementsProfile
from bench.analysis.verdicts import RunDecisions
from bench.report.names import task_title
from bench.report.numbers import Formatter, interval_digits

__all__ = ["Formatter", "cascade_view", "money_view", "requirements_lines", "summary_rows"]


def _digits(test) -> int:
    """Decimals of a difference in points: what its interval supports, at most one."""
    digits = interval_digits(test.lower * 100, test.upper * 100)
    return 1 if digits is None else min(digits, 1)


def _points(x: float, fmt: Formatter, digits: int = 1) -> str:
    """A difference of scores in percentage points, signed."""
    text = fmt(abs(x) * 100, digits)
    return ("+" if x > 0 else "−" if x < 0 else "±") + text


def _bound(x: float, t: dict, fmt: Formatter, digits: int = 1) -> str:
    """A bound of the difference in words: '4.2 points worse' / 'better' / 'equal'."""
    if abs(x) < 5e-4:
        return t["points_equal"]
    key = "points_worse" if x < 0 else "points_better"
    return t[key].format(p=fmt(abs(x) * 100, digits))


def _relative_line(d: Decision, cmp: Comparison, t: dict, fmt: Formatter) -> str:
    test = cmp.test
    digits = _digits(test)
    args = {"model": cmp.model, "ref": d.reference.model,
            "diff": _points(test.difference, fmt, digits),
            "n": test.n, "d": fmt(d.margin * 100, 0)}  # fmt: skip
    if test.outcome == "inferior":
        line = t["rel_needed"].format(worse=fmt(-test.upper * 100, _digits(test)), **args)
    elif test.lower >= 0:
        line = t["rel_at_least_as_good"].format(**args)
    elif test.outcome == "noninferior":
        line = t["rel_sufficient"].format(worse=fmt(-test.lower * 100, _digits(test)), **args)
    else:
        line = t["rel_open"].format(low=_bound(test.lower, t, fmt, digits),
                                    high=_bound(test.upper, t, fmt, digits), **args)  # fmt: skip
    return line if cmp.tested else f"{line} {t['not_tested']}"


def reference_line(ref: Reference, t: dict, fmt: Formatter) -> str:
    """'Reference: model (size, how it was chosen)'."""
    return t["reference_line"].format(ref=ref.model, params=fmt(ref.params_b, 2),
                                      how=t[f"reference_{ref.chosen_by}"])  # fmt: skip


def requirement_text(r: Requirement, t: dict, fmt: Formatter) -> str:
    """A requirement in plain words: 'at most 10 points worse than the reference; data stays
    in the house'."""
    parts = [t["req_floor"].format(f=fmt(r.min_accuracy * 100, 0)) if r.min_accuracy is not None
             else t["req_margin"].format(d=fmt(r.margin * 100, 0))]  # fmt: skip
    if r.max_latency_s:
        parts.append(t["req_latency"].format(s=fmt(r.max_latency_s, 1)))
    if r.device:
        parts.append(t["req_device"].format(device=t["device_names"].get(r.device, r.device)))
    if r.max_memory_mib:
        parts.append(t["req_memory"].format(m=fmt.int(r.max_memory_mib)))
    if r.max_energy_wh_per_1k:
        parts.append(t["req_energy"].format(e=fmt(r.max_energy_wh_per_1k, 1)))
    if r.max_cost_per_1k is not None:
        parts.append(t["req_cost"].format(c=fmt(r.max_cost_per_1k, 2)))
    if r.on_premises:
        parts.append(t["req_on_premises"])
    return "; ".join(parts)


def requirements_lines(req: RequirementsProfile, t: dict, fmt: Formatter,
                       titles: dict[str, str] | None = None) -> list[str]:  # fmt: skip
    """The profile in plain words: the defaults, then each task that differs (by its title)."""
    titles = titles or {}
    name = "" if req.name == "default" else f" ({req.name})"
    lines = [t["req_all"].format(name=name, text=requirement_text(req.defaults, t, fmt))]
    for task in sorted(req.tasks):
        lines.append(f"{titles.get(task, task)}: {requirement_text(req.for_task(task), t, fmt)}")
    return lines


def summary_header(dec: RunDecisions, t: dict, fmt: Formatter) -> list[str]:
    """The reference line above the verdicts, when every task shares one reference and δ."""
    refs = {(d.reference.model, d.reference.chosen_by) for d in dec.decisions if d.reference}
    margins = {d.margin for d in dec.decisions if d.mode == "relative" and d.reference}
    if len(refs) != 1 or len(margins) != 1:
        return []
    return [reference_line(next(d.reference for d in dec.decisions if d.reference), t, fmt)]


def _verdict_text(d: Decision, t: dict, fmt: Formatter) -> str:
    kind = d.verdict
    if kind == "llm_needed" and d.reference and not d.reference.is_llm:
        kind = "reference_needed"
    text = t[f"verdict_{kind}"]
    if d.verdict == "no_reference":
        ref = d.reference.model if d.reference else "–"
        text += " — " + t[f"no_reference_{d.note}"].format(ref=ref)
    return text


def _sentence(d: Decision, cands: dict, t: dict, fmt: Formatter, currency: str,
              energy_estimated: bool) -> str:  # fmt: skip
    """The verdict in one sentence with the numbers it rests on."""
    cmp = d.comparison(d.deciding)
    if d.mode == "relative" and cmp and d.reference:
        test, args = cmp.test, {"model": cmp.model, "ref": d.reference.model, "n": cmp.test.n}
        if d.verdict == "slm_sufficient":
            worse = fmt(-test.lower * 100, _digits(test))
            text = (t["say_better"].format(**args) if test.lower >= 0
                    else t["say_sufficient"].format(worse=worse, **args))  # fmt: skip
        elif d.verdict in {"llm_needed", "none_meets"}:
            text = t["say_needed"].format(worse=fmt(-test.upper * 100, _digits(test)), **args)
        else:
            digits = _digits(test)
            text = t["say_open"].format(low=_bound(test.lower, t, fmt, digits),
                                        high=_bound(test.upper, t, fmt, digits),
                                        **args)  # fmt: skip
    elif d.mode == "absolute" and d.check(d.deciding or d.recommended):
        chk = d.check(d.deciding or d.recommended)
        text = t["say_absolute"].format(model=chk.model, lo=fmt(chk.low * 100, 0),
                                        hi=fmt(chk.high * 100, 0), n=chk.n,
                                        floor=fmt(d.threshold * 100, 0))  # fmt: skip
    elif d.verdict == "no_reference":
        text = t[f"no_reference_{d.note}"].format(ref=d.reference.model if d.reference else "–")
    else:
        text = t["verdict_" + d.verdict]
    if d.verdict == "inconclusive":
        if d.beyond_task:
            items = cands[d.deciding].items if d.deciding in cands else None
            text += " " + t["say_beyond"].format(items=fmt.int(items or 0))
        elif d.samples_needed is not None and d.deciding in cands:
            text += " " + t["say_more"].format(total=fmt.int(d.samples_needed))
    # The recommended model's running figures; with none recommended, those of the model the
    # open verdict is about, named, so the reader sees what it would cost.
    c = cands.get(d.recommended) or cands.get(d.deciding)
    if c is not None:
        wh = c.energy_wh_per_1k / 1000 if c.energy_wh_per_1k is not None else None
        text += " " + t["say_costs" if c.model == d.recommended else "say_costs_of"].format(
            model=c.model,
            lat=fmt.sig(c.latency_s, 2),
            energy=fmt.energy(wh) + (f" ({t['estimated']})" if energy_estimated else ""),
            cost=fmt.money(c.cost_per_1k, currency),
        )
    return text


def summary_rows(dec: RunDecisions, req: RequirementsProfile, t: dict, fmt: Formatter,
                 currency: str, facts: RunFacts,
                 energy_estimated: bool = False) -> list[dict]:  # fmt: skip
    """One row per task: verdict, recommended model, the numbers that justify it (the
    reference and δ only when `summary_header` does not already show them)."""
    rows = []
    shared = bool(summary_header(dec, t, fmt))
    for d in dec.decisions:
        cands = {c.model: c for c in dec.candidates.get(d.task, [])}
        why = []
        if d.mode == "absolute":
            why.append(t["threshold_abs"].format(t=fmt(d.threshold, 2)))
            shown = [d.check(d.deciding)] if d.deciding else []
            shown += [d.check(d.recommended)] if d.recommended != d.deciding else []
            for chk in filter(None, shown):
                acc = fmt(cands[chk.model].accuracy, 3)
                why.append(t["abs_line"].format(
                    model=chk.model, acc=acc, lo=fmt(chk.low, 3), hi=fmt(chk.high, 3), n=chk.n
                ))  # fmt: skip
        elif d.reference:
            if not shared:
                why.append(reference_line(d.reference, t, fmt))
                why.append(t["threshold_rel"].format(d=fmt(d.margin * 100, 0)))
            why += [_relative_line(d, cmp, t, fmt) for cmp in d.comparisons]
        if d.verdict == "inconclusive":
            if d.beyond_task:
                items = cands[d.deciding].items if d.deciding in cands else None
                why.append(t["beyond_task"].format(items=fmt.int(items or 0)))
            elif d.samples_needed is not None and d.deciding in cands:
                have = cands[d.deciding].n
                why.append(t["more_samples"].format(more=fmt.int(d.samples_needed - have),
                                                    total=fmt.int(d.samples_needed)))  # fmt: skip
        if d.recommended and d.recommended in cands:
            c = cands[d.recommended]
            if c.latency_s is not None:
                basis = t[f"basis_{c.latency_source or 'batched'}"].format(n=c.latency_n or "–")
                why.append(t["latency_line"].format(lat=fmt(c.latency_s, 2), basis=basis))
            if c.cost_per_1k is not None:
                line = t["cost_line"].format(cost=fmt.money(c.cost_per_1k, currency))
                why.append(f"{line} ({t['cost_basis']}: {c.cost_basis})" if c.cost_basis else line)
        rows.append({"task": d.task, "title": task_title(facts.of(d.task), t),
                     "sentence": _sentence(d, cands, t, fmt, currency, energy_estimated),
                     "verdict": _verdict_text(d, t, fmt), "kind": d.verdict,
                     "recommended": d.recommended or "–", "why": why,
                     "excluded": d.excluded})  # fmt: skip
    return rows


def _assumed(row: dict, fmt: Formatter, currency: str) -> str:
    """An assumption's value with its unit: 1,500 EUR, 0.35 EUR/kWh, 30 %."""
    value = row["value"]
    if row["assumption"] == "utilisation":
        return f"{fmt(value * 100, 0)} %"
    if row["assumption"] == "electricity_per_kwh":
        return f"{fmt(value, 2)} {currency}/kWh"
    return f"{fmt.approx(value, 3)} {currency}"


def money_view(dec: RunDecisions, t: dict, fmt: Formatter, currency: str = "EUR",
               titles: dict[str, str] | None = None) -> dict:  # fmt: skip
    """Break-even lines (each task by its title) and the sensitivity table."""
    titles = titles or {}
    lines = []
    for b in dec.break_even:
        if b["volume"] is None:
            line = t["no_break_even"].format(api=b["api"], model=b["model"])
        else:
            line = t["break_even"].format(model=b["model"], api=b["api"],
                                          volume=fmt.approx(b["volume"]))  # fmt: skip
            if b["beyond_capacity"]:
                line += " " + t["beyond_capacity"].format(capacity=fmt.approx(b["capacity"]))
        if b.get("basis"):
            line += f" ({t['cost_basis']}: {b['basis']})"
        lines.append(f"{titles.get(b['task'], b['task'])}: {line}")
    names = t["assumption_names"]
    sens = [{"model": s["model"], "assumption": names.get(s["assumption"], s["assumption"]),
             "factor": fmt(s["factor"], 1), "value": _assumed(s, fmt, currency),
             "per_1k": fmt.money(s["per_1k"], currency)}
            for s in dec.sensitivity]  # fmt: skip
    models = sorted({s["model"] for s in dec.sensitivity})
    return {"break_even": lines, "sensitivity": sens, "model": ", ".join(models) or None,
            "gaps": break_even_gaps(dec, t, titles)}  # fmt: skip


CASCADE_MIN_N = 30
"""Fewer shared samples than this, and a threshold chosen on them would fit chance."""


def cascade_view(dec: RunDecisions, t: dict, fmt: Formatter,
                 titles: dict[str, str] | None = None) -> dict:  # fmt: skip
    """Per task: the pair of models and the blended figures at each threshold — only where the
    verdict leaves room for one (no SLM alone shown enough) and n supports choosing a threshold;
    elsewhere one line says why not."""
    titles = titles or {}
    verdicts = {d.task: d for d in dec.decisions}
    shown, not_shown = [], []
    for task, (small, large, points) in sorted(dec.cascades.items()):
        title, d = titles.get(task, task), verdicts.get(task)
        ns = [c.n for c in dec.candidates.get(task, []) if c.model in (small, large)]
        n = min(ns) if ns else 0
        if d is not None and d.verdict == "slm_sufficient":
            not_shown.append(t["cascade_not_needed"].format(task=title, model=d.recommended))
            continue
        if n < CASCADE_MIN_N:
            not_shown.append(t["cascade_too_few"].format(task=title, n=n, need=CASCADE_MIN_N))
            continue
        shown.append({
            "task": task, "title": title, "small": small, "large": large, "n": n,
            "points": [{"threshold": fmt(p.threshold, 1), "escalated": fmt(p.escalated * 100, 0),
                        "accuracy": fmt(p.accuracy, 2), "cost": fmt.sig(p.cost_per_1k, 2),
                        "latency": fmt.sig(p.latency_s, 2)} for p in points[::2]],
        })  # fmt: skip
    return {"shown": shown, "not_shown": not_shown}


def break_even_gaps(dec: RunDecisions, t: dict, titles: dict[str, str] | None = None) -> str:
    """One line naming the tasks without a break-even because no model is recommended there
    (the verdict is open or nothing meets the requirements); '' when every task has one."""
    titles = titles or {}
    open_tasks = [titles.get(d.task, d.task) for d in dec.decisions if not d.recommended]
    return t["break_even_none"].format(tasks="; ".join(open_tasks)) if open_tasks else ""
