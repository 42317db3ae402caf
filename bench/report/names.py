"""Human names for tasks and metrics in the reader's language, from the run's task facts.

Identifiers (`citizen_requests_de`, `acc`) stay in the method section; everything a
decision-maker reads uses these names. Built from facts stored with the run (family, language,
variant), never by parsing task names.
"""

from __future__ import annotations

from bench.results.records import TaskFacts


def task_title(facts: TaskFacts, t: dict) -> str:
    """'Route citizen requests — choose the department (German)'; the name for others."""
    titles = t["task_titles"]
    entry = titles.get(facts.family)
    if entry is None:
        return facts.title or facts.name
    if isinstance(entry, dict):  # variants of one family
        key = (
            facts.context_mode
            or ("mc" if facts.multiple_choice else "gen" if facts.output_type else None)
            or "default"
        )
        entry = entry.get(key) or next(iter(entry.values()))
    title = entry.format(tokens=_tokens(facts.context_tokens, t))
    language = t["languages"].get(facts.language or "", "")
    return f"{title} ({language})" if language else title


def _tokens(count: int | None, t: dict) -> str:
    if not count:
        return "?"
    return f"{count // 1024}k" if count >= 1024 else str(count)


def metric_name(metric: str | None, t: dict) -> str:
    """'share right', 'field F1' … ; the identifier when there is no name for it."""
    return t["metric_names"].get(metric or "", metric or "–")
