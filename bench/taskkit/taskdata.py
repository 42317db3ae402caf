"""Loading the bundled tasks' JSONL data; their `utils.py` modules call this.

lm-eval imports each task's `utils.py` through `!function`; keeping the logic in the package
keeps those modules a few lines long and lets the tests cover it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSONL file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def jsonl_splits(folder: Path, stem: str, process: Callable[[dict], dict] | None = None):
    """A `datasets.DatasetDict` of the `<stem>_<split>.jsonl` files (test, train) in `folder`."""
    import datasets

    splits = {}
    for split in ("test", "train", "validation"):
        path = Path(folder) / f"{stem}_{split}.jsonl"
        if path.exists():
            rows = read_jsonl(path)
            if process:
                rows = [process(r) for r in rows]
            splits[split] = datasets.Dataset.from_list(rows)
    if not splits:
        raise FileNotFoundError(f"no {stem}_test.jsonl in {folder}")
    return datasets.DatasetDict(splits)
