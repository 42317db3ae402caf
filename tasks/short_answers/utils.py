"""Loader and scoring for the short-answer reading tasks (data in ./data)."""

from pathlib import Path

from bench.taskdata import exact_match, first_line, jsonl_splits, token_f1


def load(lang: str, **_metadata):
    """Test and train splits of `lang`."""
    return jsonl_splits(Path(__file__).parent / "data", lang)


def process_results(doc: dict, results: list[str]) -> dict[str, float]:
    """Exact match and token F1 of the first answer line against the answer and its aliases."""
    prediction = first_line(results[0])
    golds = [doc["answer"], *doc.get("aliases", [])]
    return {"exact_match": exact_match(prediction, golds), "f1": token_f1(prediction, golds)}
