"""BM25 ranking, suites, and the long-context generator's reproducibility."""

import subprocess
import sys

import pytest

from bench.errors import UserError
from bench.taskkit.registry import bundled_tasks
from bench.taskkit.retrieval import BM25, tokenize
from bench.taskkit.suites import load_suites, resolve_suite

from .conftest import REPO


def test_tokenize_drops_stop_words_and_case():
    assert tokenize("Wie viel kostet der Reisepass?") == ["viel", "kostet", "reisepass"]


def test_bm25_ranks_the_matching_document_first():
    docs = ["Der Reisepass kostet 70 Euro.", "Der Personalausweis kostet 37 Euro.",
            "Die Bibliothek öffnet um 9 Uhr."]  # fmt: skip
    index = BM25(docs)
    assert index.top_k("Was kostet ein Reisepass?", 2)[0] == 0
    assert index.top_k("Wann öffnet die Bibliothek?", 1) == [2]
    # Ties are broken by position, so retrieval is deterministic.
    assert index.top_k("nichts passt", 3) == [0, 1, 2]


def test_subwords_let_german_compounds_meet_their_parts():
    assert tokenize("Sperrmüll", subwords=True) == [
        "sperrmüll", "#sper", "#perr", "#errm", "#rrmü", "#rmül", "#müll",
    ]  # fmt: skip
    assert tokenize("Haus", subwords=True) == ["haus"]  # short words stay whole
    docs = ["Sperrmüllabholung: zweimal im Jahr kostenlos.", "Altpapier kommt alle vier Wochen."]
    question = "Wie oft holt die Stadt Sperrmüll ab?"
    assert BM25(docs).scores(question)[0] == 0  # no whole word in common
    assert BM25(docs, subwords=True).top_k(question, 1) == [0]


def test_every_suite_resolves_to_known_bundled_tasks():
    ours = {t.name for t in bundled_tasks()}
    for name in load_suites():
        tasks, limit = resolve_suite(name)
        assert tasks and set(tasks) <= ours, name
        assert limit is None or limit > 0
    full, _ = resolve_suite("full")
    assert len(full) == len(set(full))
    assert set(resolve_suite("civic-de")[0]) <= set(full)


def test_unknown_suite_suggests():
    with pytest.raises(UserError, match="did you mean quick"):
        resolve_suite("quik")


def test_long_context_files_are_reproducible_byte_for_byte():
    gen = REPO / "tasks" / "long_context" / "generate.py"
    result = subprocess.run([sys.executable, str(gen), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_long_context_tasks_cover_doubling_lengths():
    lengths = sorted({t.context_tokens for t in bundled_tasks() if t.context_tokens})
    assert lengths == [512 * 2**i for i in range(7)]


def test_long_context_sample_has_one_asked_needle_among_three():
    sys.path.insert(0, str(REPO / "tasks" / "long_context"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    row = generate.sample("en", 1024, 3)
    assert row["context"].count("access code") == 3
    assert row["context"].count(row["answer"]) == 1
    assert generate.sample("en", 1024, 3) == row


def test_extraction_files_are_reproducible_byte_for_byte():
    gen = REPO / "tasks" / "extraction" / "generate.py"
    result = subprocess.run([sys.executable, str(gen), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_default_suite_runs_a_light_scenario_and_full_the_complete_one():
    from bench.run.config import PerfConfig

    suites = load_suites()
    light, full = suites["default"].perf_config(), suites["full"].perf_config()
    assert full == PerfConfig()
    assert max(light.input_tokens) <= 512 and max(light.batch_sizes) <= 4
    assert suites["quick"].perf_config() is None


def test_full_suite_switches_the_load_sweep_on_and_the_default_does_not():
    import argparse

    from bench.commands import _load_config
    from bench.run.config import LoadConfig

    suites = load_suites()
    assert suites["full"].load and not suites["default"].load and not suites["quick"].load
    unset = argparse.Namespace(load=None, load_config=None)
    assert _load_config(unset, suite_load=True) == LoadConfig()
    assert _load_config(unset, suite_load=False) is None
