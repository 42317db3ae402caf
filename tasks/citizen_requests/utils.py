"""Loader and scoring for the citizen-request routing tasks (data in ./data)."""

from pathlib import Path

from bench.taskkit.scoring import match_label
from bench.taskkit.taskdata import jsonl_splits

LABELS = ["waste", "roads", "social", "building", "registry", "environment", "order", "childcare"]
NAMES = {
    "de": ["Abfall", "Straßen und Verkehr", "Soziales", "Bauen und Genehmigungen",
           "Bürgerbüro", "Umwelt und Grünflächen", "Ordnungsamt", "Kita und Schule"],
    "en": ["Waste", "Roads and traffic", "Social services", "Building and permits",
           "Registry office", "Environment and parks", "Public order", "Childcare and schools"],
}  # fmt: skip


def load(lang: str, **_metadata):
    """Test and train splits with the department names of `lang` as answer options."""

    def add_choices(row: dict) -> dict:
        return {**row, "choices": NAMES[lang], "label_index": LABELS.index(row["label"]),
                "departments": ", ".join(NAMES[lang])}  # fmt: skip

    return jsonl_splits(Path(__file__).parent / "data", lang, process=add_choices)


def process_results_gen(doc: dict, results: list[str]) -> dict[str, float]:
    """Right department named (acc), and whether the answer named any single one."""
    found = match_label(results[0], doc["choices"])
    return {"acc": float(found == doc["label_index"]), "valid_label": float(found is not None)}
