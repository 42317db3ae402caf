"""Loader and scoring for the short-answer reading tasks (data in ./data)."""

from pathlib import Path

from bench.taskkit.scoring import short_answer_scores
from bench.taskkit.taskdata import jsonl_splits


def load(lang: str, **_metadata):
    """Test and train splits of `lang`."""
    return jsonl_splits(Path(__file__).parent / "data", lang)


def process_results(doc: dict, results: list[str]) -> dict[str, float]:
    """Exact match and token F1 of the first answer line against the answer and its aliases."""
    return short_answer_scores(doc, results)
