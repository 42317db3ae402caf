"""`tasks validate`: every bundled task passes, and a broken task is caught."""

from bench.taskkit.registry import bundled_tasks
from bench.taskkit.validate import validate_all


def test_every_bundled_task_passes_validation_with_gold_self_test():
    reports = validate_all([t.name for t in bundled_tasks()])
    failures = {r.task: r.problems for r in reports if not r.ok}
    assert not failures
    by_name = {r.task: r for r in reports}
    for t in bundled_tasks():
        r = by_name[t.name]
        assert r.n == t.size
        if t.output_type == "multiple_choice":
            assert 0 < r.figures["random_baseline"] <= r.figures["majority_baseline"] + 1e-9 < 1
        else:
            assert r.figures["empty_answer_baseline"] < 0.5
    # BM25 with subwords for German compounds; whole words alone found 0.64 / 0.98.
    assert by_name["rag_retrieved_de"].figures["recall_at_3"] >= 0.9
    assert by_name["rag_retrieved_en"].figures["recall_at_3"] >= 0.95


def test_a_task_whose_gold_is_unreachable_fails(cli, tmp_path):
    family = tmp_path / "broken"
    (family / "data").mkdir(parents=True)
    (family / "data" / "xx_test.jsonl").write_text(
        '{"id": "1", "context": "Das Amt öffnet um 9 Uhr.", "question": "Wann?", '
        '"answer": "10 Uhr", "aliases": []}\n'
    )
    (family / "utils.py").write_text(
        "from pathlib import Path\n"
        "from bench.taskkit.scoring import short_answer_scores\n"
        "from bench.taskkit.taskdata import jsonl_splits\n"
        "def load(lang, **_):\n    return jsonl_splits(Path(__file__).parent / 'data', lang)\n"
        "def process_results(doc, results):\n    return short_answer_scores(doc, results)\n"
    )
    (family / "broken_xx.yaml").write_text(
        "task: broken_xx\ncustom_dataset: !function utils.load\ndataset_kwargs:\n  lang: xx\n"
        "output_type: generate_until\ntest_split: test\ndoc_to_text: '{{question}}'\n"
        "doc_to_target: answer\nprocess_results: !function utils.process_results\n"
        "metric_list:\n  - metric: exact_match\n    aggregation: mean\n"
        "    higher_is_better: true\n"
    )
    result = cli("tasks", "validate", "broken_xx", env={"SLM_BENCH_TASKS_PATH": str(tmp_path)})
    assert result.returncode == 1
    assert "gold answer not in its text" in result.stderr
