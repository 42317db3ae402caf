"""Information extraction: fields of letters, notices, invoices and forms as JSON.

The data comes from `generate.py` (deterministic). Gold values are canonical (ISO dates,
'1234.50' amounts, 'HH:MM' times, other fields verbatim); `bench.taskkit.scoring` normalises the
model's values the same way before comparing.
"""

import json
from pathlib import Path

from bench.taskkit.scoring import extraction_scores
from bench.taskkit.taskdata import jsonl_splits


def _prepare(row: dict) -> dict:
    # Field sets differ by document type; a JSON string keeps `datasets` from padding every
    # row with the union of all fields.
    fields = row["fields"]
    return {
        "id": row["id"],
        "doc_type": row["doc_type"],
        "text": row["text"],
        "field_names": ", ".join(fields),
        "gold_json": json.dumps(fields, ensure_ascii=False),
    }


def load(lang: str, **_metadata):
    """Test and train splits of `lang`."""
    return jsonl_splits(Path(__file__).parent / "data", lang, process=_prepare)


def process_results(doc: dict, results: list[str]) -> dict[str, float]:
    """Field precision/recall/F1, whole-document exact match and JSON validity."""
    # Generation stops at the first "}" (lm-eval drops the stop string): put it back.
    return extraction_scores(results[0] + "}", json.loads(doc["gold_json"]))
