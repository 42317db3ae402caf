"""Views across a task family: order, overview and RAG table (pure logic)."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.analysis.facts import RunFacts
from bench.analysis.families import family_overview, pooled_by_family, rag_table, task_sort_key
from bench.analysis.long_context import effective_lengths, long_context_table
from bench.report.family_view import family_view, overview_alt
from bench.report.figures import pareto_front
from bench.report.names import task_title
from bench.report.render import texts
from bench.report.summary_view import Formatter
from bench.taskkit.facts import task_facts
from bench.taskkit.registry import bundled_tasks

# The facts a run of every bundled task would store (lm-eval's own tasks: name only).
FACTS = RunFacts({f.name: f for f in task_facts([i.name for i in bundled_tasks()])}, [])


def _cell(model, task, accuracy, metric="exact_match", n=20, **extra):
    ok = accuracy is not None
    return {
        "model": model, "task": task, "metric": metric if ok else None,
        "accuracy": accuracy if ok else float("nan"),
        "ci_low": accuracy - 0.1 if ok else float("nan"),
        "ci_high": accuracy + 0.1 if ok else float("nan"),
        "n": n if ok else float("nan"), "status": float("nan") if ok else "skipped",
        "error": float("nan") if ok else "needs 16,384 tokens of context", **extra,
    }  # fmt: skip


@pytest.fixture
def run_summary() -> pd.DataFrame:
    rows = [
        _cell("big", "needle_de_512", 0.8, metric="found"),
        _cell("big", "needle_de_1024", 0.7, metric="found"),
        _cell("big", "needle_de_2048", 0.5, metric="found"),  # below 0.8 × 0.8
        _cell("big", "needle_de_16384", 0.8, metric="found"),  # recovers: still not counted
        _cell("small", "needle_de_512", 0.0, metric="found"),
        _cell("small", "needle_de_1024", 0.0, metric="found"),
        _cell("small", "needle_de_16384", None),
        _cell("big", "knowledge_de", 0.3, n=200),
        _cell("small", "knowledge_de", 0.1, n=200),
        _cell("big", "citizen_requests_de", 0.4, metric="acc", n=200),
        _cell("small", "citizen_requests_de", 0.4, metric="acc", n=200),
        _cell("big", "rag_retrieved_de", 0.2, recall_at_3=0.9),
        _cell("big", "rag_gold_de", 0.3),
        _cell("big", "rag_closed_de", 0.0),
        _cell("big", "arc_easy", 0.5, metric="acc"),
    ]
    return pd.DataFrame(rows)


def _overview(summary: pd.DataFrame) -> list[dict]:
    return family_overview(summary, FACTS, effective_lengths(long_context_table(summary, FACTS)))


def test_rag_table_puts_the_three_contexts_and_recall_side_by_side(run_summary):
    row = rag_table(run_summary, FACTS).set_index("model").loc["big"]
    assert (row.retrieved, row.gold, row.closed, row.recall) == (0.2, 0.3, 0.0, 0.9)


def test_tasks_sort_by_family_language_and_length():
    names = ["knowledge_en", "needle_de_16384", "arc_easy", "needle_de_2048", "rag_gold_de",
             "citizen_requests_en", "citizen_requests_de", "extraction_de"]  # fmt: skip
    assert sorted(names, key=task_sort_key(FACTS)) == [
        "citizen_requests_de", "citizen_requests_en", "extraction_de", "rag_gold_de",
        "needle_de_2048", "needle_de_16384", "knowledge_en", "arc_easy",
    ]  # fmt: skip


def test_family_overview_groups_tasks_and_summarises_long_context(run_summary):
    groups = _overview(run_summary)
    assert [g["family"] for g in groups] == [
        "citizen_requests", "rag", "long_context", "knowledge", "lm_eval",
    ]  # fmt: skip
    long_rows = groups[2]["rows"]
    assert [r["task"] for r in long_rows] == ["needle_de_*"]
    big = long_rows[0]["values"]["big"]
    assert {k: big[k] for k in ("effective_length", "effective_tokens", "uncertain",
                                "longest_run")} == {
        "effective_length": 1024, "effective_tokens": None, "uncertain": True,
        "longest_run": 16384,
    }  # fmt: skip
    # The scores the length rests on travel with it: at 1024, and the shortest length's.
    assert (big["effective_score"], big["effective_n"]) == (0.7, 20)
    assert (big["first_length"], big["first_score"]) == (512, 0.8)
    knowledge = groups[3]["rows"][0]
    assert knowledge["metric"] == "exact_match"
    assert knowledge["values"]["big"]["value"] == 0.3 and knowledge["values"]["small"]["n"] == 200
    rag_models = groups[1]["rows"][0]["values"]
    assert rag_models["small"] is None  # not in the run at all


@pytest.mark.parametrize("lang", ["en", "de"])
def test_family_view_marks_the_best_value_and_explains_gaps(run_summary, lang):
    view = family_view(_overview(run_summary), ["big", "small"], texts(lang),
                       Formatter(lang))  # fmt: skip
    rows = {r["task"]: r for g in view["groups"] for r in g["rows"]}
    big, small = rows["knowledge_de"]["cells"]
    assert big["best"] and not small["best"]
    assert [c["best"] for c in rows["citizen_requests_de"]["cells"]] == [True, True]  # a tie
    eff_big, eff_small = rows["needle_de_*"]["cells"]
    t, fmt = texts(lang), Formatter(lang)
    # The drop after 1k may be chance at n = 20: no length is claimed, only a lower bound with
    # the score it rests on; an undetermined length is not marked best.
    assert eff_big["text"] == t["not_determinable"].format(n=20) and not eff_big["best"]
    at_1k = t["length_rests_on"].format(score=f"{fmt(0.7)} [{fmt(0.6)}–{fmt(0.8)}]",
                                        length="1k", n=20)  # fmt: skip
    assert eff_big["ci"] == " · ".join([t["at_least"].format(nominal="1k"), at_1k,
                                        t["of_run"].format(longest="16k")])  # fmt: skip
    # No length at all: the shortest length's score (0 of 20) is what that rests on.
    assert eff_small["text"] == "–"
    assert eff_small["ci"].startswith(t["length_rests_on"].format(
        score=f"{fmt(0.0)} [{fmt(-0.1)}–{fmt(0.1)}]", length="512", n=20))  # fmt: skip
    gap = rows["rag_gold_de"]["cells"][1]
    assert gap["text"] == "–" and gap["note"] == texts(lang)["not_in_run"]
    assert view["groups"][0]["label"] == texts(lang)["family_labels"]["citizen_requests"]
    assert view["has_lengths"]  # the caption explaining the length rows is shown


@pytest.mark.parametrize("lang", ["en", "de"])
def test_family_view_names_tasks_and_metrics_in_the_readers_words(run_summary, lang):
    t = texts(lang)
    titles = {name: task_title(FACTS.of(name), t) for name in set(run_summary.task)}
    view = family_view(_overview(run_summary), ["big", "small"], t, Formatter(lang), titles)
    rows = {r["task"]: r for g in view["groups"] for r in g["rows"]}
    routing = rows["citizen_requests_de"]
    assert routing["title"] == titles["citizen_requests_de"]
    assert routing["title"].startswith(("Route citizen requests", "Bürgeranliegen zuordnen"))
    assert routing["metric"] == t["metric_names"]["acc"] != "acc"
    assert rows["needle_de_*"]["title"] == f"{t['long_context_row']} ({t['languages']['de']})"
    # A task without a title of ours (lm-eval's own) keeps its name.
    assert rows["arc_easy"]["title"] == "arc_easy"


def test_families_pool_their_samples_and_mark_the_pareto_front():
    cells = pd.DataFrame([
        _cell("big", "citizen_requests_de", 0.6, metric="acc", n=30, latency_per_sample=2.0),
        _cell("big", "citizen_requests_en", 0.8, metric="acc", n=10, latency_per_sample=4.0),
        _cell("small", "citizen_requests_de", 0.5, metric="acc", n=30, latency_per_sample=0.5),
        _cell("slow", "citizen_requests_de", 0.4, metric="acc", n=30, latency_per_sample=3.0),
    ])  # fmt: skip
    points = pooled_by_family(cells, {n: FACTS.of(n).family for n in set(cells.task)})
    big = points.set_index("model").loc["big"]
    # Score mass over all 40 samples; time per sample weighted by n.
    assert (big.n, big.score) == (40, pytest.approx((0.6 * 30 + 0.8 * 10) / 40))
    assert big.latency_per_sample == pytest.approx((2.0 * 30 + 4.0 * 10) / 40)
    assert big.ci_low < big.score < big.ci_high and pd.isna(big.energy_wh_per_1k)
    xy = list(zip(points.latency_per_sample, points.score, strict=True))
    assert pareto_front(xy) == [(0.5, 0.5), (2.5, 0.65)]  # 'slow' is dominated by 'big'
    t = texts("en")
    alt = overview_alt(points, t["family_labels"], t, Formatter("en"))
    assert alt.startswith(t["alt_overview"]) and t["family_labels"]["citizen_requests"] in alt
    assert alt.count(t["alt_front"]) == 2 and "slow 0.4" in alt
