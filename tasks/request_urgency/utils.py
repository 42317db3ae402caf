"""Loader for the urgency tasks: how soon must the city act on a message? (data in ./data)"""

from pathlib import Path

from bench.taskkit.taskdata import jsonl_splits

LABELS = ["urgent", "normal", "low"]
NAMES = {"de": ["dringend", "normal", "niedrig"], "en": ["urgent", "normal", "low"]}


def load(lang: str, **_metadata):
    """Test and train splits with the urgency levels of `lang` as answer options."""

    def add_choices(row: dict) -> dict:
        return {**row, "choices": NAMES[lang], "label_index": LABELS.index(row["label"])}

    return jsonl_splits(Path(__file__).parent / "data", lang, process=add_choices)
