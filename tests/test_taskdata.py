"""Scoring helpers and the bundled task data: schema, balance, and gold answers scoring 1.0."""

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from bench.taskkit.registry import bundled_tasks, bundled_tasks_dir
from bench.taskkit.scoring import exact_match, first_line, normalise_answer, token_f1
from bench.taskkit.taskdata import read_jsonl

TASKS = bundled_tasks_dir()


def _utils(family: str):
    spec = importlib.util.spec_from_file_location(f"{family}_utils", TASKS / family / "utils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_normalise_drops_case_punctuation_and_articles_but_keeps_decimals():
    assert normalise_answer("Die Stadtbibliothek.") == ["stadtbibliothek"]
    assert normalise_answer("The Town Hall!") == ["town", "hall"]
    assert normalise_answer("2,50 Euro") == ["2,50", "euro"]


def test_exact_match_and_f1():
    assert exact_match("25 Euro.", ["25 Euro"]) == 1.0
    assert exact_match("25", ["25 Euro"]) == 0.0
    assert exact_match("25", ["25 Euro", "25"]) == 1.0
    assert token_f1("25", ["25 Euro"]) == pytest.approx(2 / 3)
    assert token_f1("nothing", ["25 Euro"]) == 0.0
    assert token_f1("", [""]) == 1.0


def test_first_line_skips_blank_lines():
    assert first_line("\n  Room 12\nmore") == "Room 12"
    assert first_line("") == ""


def test_every_bundled_task_is_listed_with_language_and_claim():
    infos = bundled_tasks()
    assert {t.name for t in infos} >= {
        "citizen_requests_de",
        "citizen_requests_en",
        "short_answers_de",
        "short_answers_en",
    }
    for t in infos:
        assert t.language in {"de", "en"} and t.claim


@pytest.mark.parametrize("lang", ["de", "en"])
def test_citizen_requests_data_is_balanced_and_unique(lang):
    utils = _utils("citizen_requests")
    rows = read_jsonl(TASKS / "citizen_requests" / "data" / f"{lang}_test.jsonl")
    counts = Counter(r["label"] for r in rows)
    assert set(counts) == set(utils.LABELS)
    assert len(set(counts.values())) == 1, counts
    assert len({r["text"] for r in rows}) == len(rows)
    assert len({r["id"] for r in rows}) == len(rows)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_citizen_requests_gold_option_is_a_choice(lang):
    ds = _utils("citizen_requests").load(lang)
    for doc in ds["test"]:
        assert 0 <= doc["label_index"] < len(doc["choices"]) == 8


@pytest.mark.parametrize("lang", ["de", "en"])
def test_short_answers_gold_is_in_context_and_scores_one(lang):
    utils = _utils("short_answers")
    rows = read_jsonl(TASKS / "short_answers" / "data" / f"{lang}_test.jsonl")
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["answer"] in row["context"], row["id"]
        scores = utils.process_results(row, [" " + row["answer"] + "\nmore text"])
        assert scores == {"exact_match": 1.0, "f1": 1.0}, row["id"]
        wrong = utils.process_results(row, ["zzz"])
        assert wrong["exact_match"] == 0.0


def test_every_bundled_task_has_test_data():
    for t in bundled_tasks():
        assert Path(t.path).exists()
        assert t.size and t.size > 0, t.name
