"""The typed context the report template reads: every value it shows, computed beforehand.

`bench.report.render.build_context` fills it from a run folder alone; the template reads its
fields by name and computes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from bench.analysis.requirements import CostProfile, RequirementsProfile
from bench.results.records import CellResult, RunInfo


def texts(lang: str) -> dict:
    """The report's texts in `lang`."""
    path = Path(__file__).parent / "i18n" / f"{lang}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass
class ReportContext:
    """Everything `report.html.j2` shows, in the reader's language and number format."""

    t: dict
    """The report's texts in `lang` (from `i18n/<lang>.yaml`)."""
    lang: str
    """Language of the report: 'en' or 'de'."""
    info: RunInfo
    """The run's run.json: command, hardware, software, models and tasks as run."""
    currency: str
    """Currency of every money figure."""
    cost_text: str
    """The cost method in words, with the assumptions filled in."""
    requirements: RequirementsProfile
    """What counts as good enough, per task."""
    costs: CostProfile
    """Price assumptions behind the money figures."""
    summary: list[dict]
    """One verdict row per task (see `summary_view.summary_rows`)."""
    summary_header: list[str]
    """The reference model, when every task shares it."""
    requirements_text: list[str]
    """The requirements profile in plain words."""
    summary_undecided: bool
    """No task could be decided (no reference model): one line says so instead of rows."""
    has_llm: bool
    """The run holds at least one LLM to compare with."""
    money: dict | None
    """Break-even lines and the sensitivity table; None without decisions."""
    cascades: dict | None
    """Cascade what-ifs (small model first, escalation to the large one): 'shown' per task
    where verdict and n support one, 'not_shown' one line per other task saying why."""
    rows_by_task: dict[str, list[dict]]
    """Per task, one formatted row per model: accuracy with CI, speed, memory, energy, cost."""
    task_titles: dict[str, str]
    """Task identifier → its title in the reader's language (identifiers: method section)."""
    knowledge_rows: dict[str, list[dict]]
    """The rows of the knowledge family's tasks (where larger models should win)."""
    families: dict | None
    """The overview table by task family (see `family_view`); None for an empty run."""
    overview_svg: str | None
    """Pooled score against time, energy and cost per request, one row per task family
    (inline SVG)."""
    overview_alt: str
    """The overview figure in words: each model's score, interval, n, time, Pareto front."""
    figure_svg: str | None
    """Quality-versus-cost figure (long-context tasks left out), as inline SVG."""
    long_context_svg: str | None
    """Score against input length per model, as inline SVG."""
    perf: dict
    """The latency / throughput scenario's rows and series (see `perf_view`)."""
    perf_svg: str | None
    load: dict
    """Capacity at the SLO per model × task and the sweeps' curves (see `load_view`)."""
    load_svg: str | None
    """Latency / throughput figure, as inline SVG."""
    variants: list[dict]
    """Groups of the same model run on different backends or quantisations."""
    models_as_run: list[dict]
    """Backend, dtype, quantisation and context length of every model as run."""
    effective: list[dict]
    """Effective context length per model and language, formatted (see `long_context_view`)."""
    rag: list[dict]
    """Per model and language: score with retrieved, gold and no documents; recall."""
    examples: list[dict]
    """A few scored samples per ok cell, for auditing predictions."""
    not_run: list[CellResult]
    """Cells that failed or were skipped, with their reason."""
    energy_provenance: list[str]
    """How the energy figures were obtained, e.g. 'measured:rapl'."""
    energy_is_estimate: bool
    """At least one energy figure is an estimate: the report shows a banner."""
    memory_provenance: list[str]
    """How the memory figures were obtained."""
    n_cells: int
    """Number of model × task cells in the run."""
    n_failed: int
    """Number of cells that ended in an error."""
    nodes: list[dict] = field(default_factory=list)
    """Cluster runs: per hardware fingerprint, its hosts, cells and contended cells."""
    facts_derived: bool = False
    """An old run without stored task facts: they were derived from today's `tasks/`."""

    def template_vars(self) -> dict:
        """The fields by name, as the template's top-level variables (not deep-copied)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
