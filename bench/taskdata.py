"""Helpers the bundled tasks' `utils.py` modules call: loading JSONL splits, scoring answers.

lm-eval imports each task's `utils.py` through `!function`; keeping the logic here keeps
those modules a few lines long and lets the tests cover it.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSONL file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def jsonl_splits(folder: Path, lang: str, process: Callable[[dict], dict] | None = None):
    """A `datasets.DatasetDict` of `<lang>_<split>.jsonl` files (test, train, …) in `folder`."""
    import datasets

    splits = {}
    for path in sorted(Path(folder).glob(f"{lang}_*.jsonl")):
        rows = read_jsonl(path)
        if process:
            rows = [process(r) for r in rows]
        splits[path.stem.split("_", 1)[1]] = datasets.Dataset.from_list(rows)
    if not splits:
        raise FileNotFoundError(f"no {lang}_*.jsonl files in {folder}")
    return datasets.DatasetDict(splits)


_ARTICLES = {
    "a",
    "an",
    "the",
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "ein",
    "eine",
    "einen",
    "einem",
    "einer",
    "eines",
}
_PUNCT = set(string.punctuation) | {"„", "“", "”", "‚", "‘", "’", "–", "—", "…", "«", "»"}


def normalise_answer(text: str) -> list[str]:
    """SQuAD-style normalisation, German-aware: lower case, no punctuation or articles.

    Decimal commas and points inside numbers are kept ("2,50" stays "2,50").
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(?<=\d)[.,](?=\d)", "\x00", text)  # protect 2,50 / 1.000
    text = "".join(" " if ch in _PUNCT else ch for ch in text).replace("\x00", ",")
    return [tok for tok in text.split() if tok not in _ARTICLES]


def exact_match(prediction: str, golds: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals any normalised gold answer."""
    pred = normalise_answer(prediction)
    return float(any(pred == normalise_answer(g) for g in golds))


def token_f1(prediction: str, golds: Iterable[str]) -> float:
    """Best token-overlap F1 of the prediction against any gold answer."""
    pred = normalise_answer(prediction)
    best = 0.0
    for gold in golds:
        ref = normalise_answer(gold)
        if not pred or not ref:
            best = max(best, float(pred == ref))
            continue
        common = sum((Counter(pred) & Counter(ref)).values())
        if common:
            precision, recall = common / len(pred), common / len(ref)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def first_line(text: str) -> str:
    """The first non-empty line of a generation (models often go on after the answer)."""
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
