"""The committed long-context data: the asked-for note's depth spreads over the whole input."""

from __future__ import annotations

import json
import sys

import pytest

from .conftest import REPO

HERE = REPO / "tasks" / "long_context"
FILES = sorted((HERE / "data").glob("*_test.jsonl"))


@pytest.fixture(scope="module")
def generate():
    sys.path.insert(0, str(HERE))
    try:
        import generate
    finally:
        sys.path.pop(0)
    return generate


def _rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _derived_depth(row: dict, needle_start: str) -> float:
    """Share of haystack sentences before the asked-for note, counted in the text itself."""
    context = row["context"]
    before = context[: context.index(row["answer"])]
    items_before = before.count(". ")  # every sentence and note ends with ". " (or the end)
    needles_before = before.count(needle_start) - 1  # less the asked-for note itself
    sentences = context.count(". ") + 1 - 3
    return (items_before - needles_before) / sentences


def test_every_length_has_a_data_file():
    assert len(FILES) == 2 * 7


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_depth_is_recorded_and_true_to_the_text(path, generate):
    needle_start = generate.WORDS[path.stem.split("_")[0]]["needle"].split("{")[0]
    for row in _rows(path):
        assert row["depth"] == pytest.approx(_derived_depth(row, needle_start), abs=1e-3)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_depths_cover_the_input_evenly_for_the_files_own_sample_count(path):
    depths = [row["depth"] for row in _rows(path)]
    k = len(depths)
    even = [(i + 0.5) / k for i in range(k)]
    # Within 0.1 of the even grid: the 512-token German haystack holds only ~8 sentences,
    # so its depths are rounded to eighths.
    assert max(abs(d - e) for d, e in zip(sorted(depths), even, strict=True)) <= 0.1
    # The first three (what `--limit 3` runs) spread too, not all near the start.
    assert max(depths[:3]) - min(depths[:3]) >= 0.4


def test_needle_depth_slots_are_even_and_dealt_in_spread_order(generate):
    assert [generate.needle_depth(i, 3) for i in range(3)] == [1 / 6, 5 / 6, 0.5]
    for count in (3, 6, 20):
        depths = sorted(generate.needle_depth(i, count) for i in range(count))
        assert depths == pytest.approx([(i + 0.5) / count for i in range(count)])
