"""Renderings of a Comparison: terminal table, Markdown (CI summaries), JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bench.ci.regress import Comparison, Finding

MARK = {"regression": "❌ regression", "improvement": "✅ improvement", "unchanged": "·",
        "warning": "⚠️ warning"}  # fmt: skip


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.4g}"


def _rows(comp: Comparison, changed_only: bool) -> list[Finding]:
    return [f for f in comp.findings if not changed_only or f.verdict != "unchanged"]


def headline(comp: Comparison) -> str:
    """One line: how many regressions, improvements and comparisons."""
    n_reg = len(comp.regressions)
    n_imp = sum(f.verdict == "improvement" for f in comp.findings)
    state = f"{n_reg} regression(s)" if n_reg else "no regression"
    return f"{state}, {n_imp} improvement(s) in {len(comp.findings)} comparisons"


def to_text(comp: Comparison, changed_only: bool = False) -> str:
    """A plain table for the terminal."""
    header = ["model", "task", "quantity", "baseline", "candidate", "verdict", "detail"]
    rows = [[f.model, f.task, f.quantity, _num(f.baseline), _num(f.candidate), f.verdict,
             f.detail] for f in _rows(comp, changed_only)]  # fmt: skip
    if not rows:
        return "\n".join([f"warning: {w}" for w in comp.warnings] + [headline(comp)])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=False)).rstrip()
             for r in [header, ["-" * w for w in widths], *rows]]  # fmt: skip
    lines += [f"warning: {w}" for w in comp.warnings]
    lines.append(headline(comp))
    return "\n".join(lines)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(comp: Comparison) -> str:
    """Markdown fit for a CI job summary or a pull-request comment."""
    out = [f"### slm-bench compare: {headline(comp)}", ""]
    out += [f"> ⚠️ {_md(w)}" for w in comp.warnings]
    if comp.warnings:
        out.append("")
    out += ["| model | task | quantity | baseline | candidate | verdict | detail |",
            "| --- | --- | --- | ---: | ---: | --- | --- |"]  # fmt: skip
    order = {"regression": 0, "warning": 1, "improvement": 2, "unchanged": 3}
    for f in sorted(comp.findings, key=lambda f: order[f.verdict]):
        out.append(f"| {_md(f.model)} | {_md(f.task)} | {_md(f.quantity)} | {_num(f.baseline)} "
                   f"| {_num(f.candidate)} | {MARK[f.verdict]} | {_md(f.detail)} |")  # fmt: skip
    return "\n".join(out) + "\n"


def to_junit(comp: Comparison) -> str:
    """JUnit XML: one test case per comparison, regressions as failures."""
    suite = ET.Element("testsuite", name="slm-bench compare", tests=str(len(comp.findings)),
                       failures=str(len(comp.regressions)))  # fmt: skip
    for f in comp.findings:
        case = ET.SubElement(suite, "testcase", classname=f"{f.model}.{f.task}", name=f.quantity)
        if f.verdict == "regression":
            failure = ET.SubElement(case, "failure", message=f.detail)
            failure.text = f"baseline {_num(f.baseline)} → candidate {_num(f.candidate)}"
        elif f.verdict == "warning":
            ET.SubElement(case, "system-out").text = f.detail
    for w in comp.warnings:
        ET.SubElement(suite, "system-err").text = w
    return ET.tostring(ET.ElementTree(suite).getroot(), encoding="unicode", xml_declaration=True)
