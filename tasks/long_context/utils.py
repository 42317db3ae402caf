"""Loader and scoring for the long-context needle tasks (data from generate.py)."""

from pathlib import Path

from bench.taskkit.scoring import first_line, short_answer_scores
from bench.taskkit.taskdata import jsonl_splits


def load(lang: str, data_stem: str, **_metadata):
    """The test split of one language × length."""
    return jsonl_splits(Path(__file__).parent / "data", data_stem)


def process_results(doc: dict, results: list[str]) -> dict[str, float]:
    """`found`: the asked-for code is in the answer's first line and no other code is.

    Chat models answer "The access code for the archive is 4711."; that is right, so the code
    need not stand alone, but naming a distractor as well is not. Exact match is kept too.
    """
    line = first_line(results[0])
    found = doc["answer"] in line and not any(d in line for d in doc["distractors"])
    return {"found": float(found), "exact_match": short_answer_scores(doc, results)["exact_match"]}
