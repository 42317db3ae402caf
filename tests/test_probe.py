"""The request probe on a fake lm-eval model with known delays (pure timing and grouping logic;
the real model runs in test_e2e)."""

import time

import pytest
from lm_eval.api.instance import Instance

from bench.results.records import CellResult, Metric, Phase
from bench.run.probe import documents, pick, run_probe


def generative(doc_id: int) -> Instance:
    args = (f"Frage {doc_id}?", {"until": ["\n"], "max_gen_toks": 8})
    return Instance("generate_until", {}, args, idx=0, metadata=("t", doc_id, 1))


def choices(doc_id: int, k: int = 3) -> list[Instance]:
    return [Instance("loglikelihood", {}, (f"Frage {doc_id}?", f" {o}"), idx=o,
                     metadata=("t", doc_id, 1)) for o in range(k)]  # fmt: skip


class FakeLM:
    """Generates 5 tokens 2 ms apart after 10 ms of prefill; scores an option in 3 ms."""

    token_hook = None

    def __init__(self, stream: bool = True):
        self.stream, self.calls = stream, []

    def generate_until(self, requests):
        self.calls.append([r.doc_id for r in requests])
        time.sleep(0.010)
        for _ in range(5):
            time.sleep(0.002)
            if self.stream and self.token_hook:
                self.token_hook()
        return ["x"] * len(requests)

    def loglikelihood(self, requests):
        self.calls.append([r.doc_id for r in requests])
        time.sleep(0.003 * len(requests))
        return [(-1.0, False)] * len(requests)


def test_generative_requests_give_e2e_and_ttft_with_percentiles():
    lm = FakeLM()
    ms = run_probe(lm, [generative(d) for d in range(30)], n=20)
    e2e, ttft = (next(m for m in ms if m.metric == k) for k in (Metric.E2E, Metric.TTFT))
    assert e2e.phase == ttft.phase == Phase.REQUEST and e2e.unit == "s"
    assert e2e.n == ttft.n == 20 and e2e.provenance.startswith("measured:")
    assert e2e.value == pytest.approx(0.020, abs=0.01)
    assert ttft.value == pytest.approx(0.012, abs=0.008)
    assert e2e.detail["p95"] >= e2e.detail["p50"] > 0 and e2e.detail["request"] == "generate_until"
    # One warm-up (the 21st document) before the first 20, one document per request.
    assert lm.calls == [[20]] + [[d] for d in range(20)]
    assert lm.token_hook is None  # the hook is removed after the probe


def test_multiple_choice_sends_all_options_of_a_document_as_one_request():
    lm = FakeLM()
    instances = [i for d in range(4) for i in choices(d)]
    ms = run_probe(lm, list(reversed(instances)), n=20)  # lm-eval may reorder; docs regroup
    assert [m.metric for m in ms] == [Metric.E2E]  # nothing is generated: no TTFT
    e2e = ms[0]
    assert e2e.n == 4 and e2e.value == pytest.approx(0.009, abs=0.006)
    assert lm.calls == [[3, 3, 3], [0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]]


def test_backends_that_do_not_stream_give_e2e_only():
    ms = run_probe(FakeLM(stream=False), [generative(d) for d in range(3)], n=20)
    assert [(m.metric, m.n) for m in ms] == [(Metric.E2E, 3)]


def test_grouping_keeps_one_copy_of_repeated_instances_in_option_order():
    inst = generative(0)
    opts = choices(1)
    groups = documents([opts[2], inst, inst, opts[0], opts[1]])
    assert [[i.idx for i in g] for g in groups] == [[0], [0, 1, 2]]
    assert pick([], 20) == (None, [])
    warm, measured = pick(groups, 1)
    assert warm is groups[1] and measured == groups[:1]


def test_no_requests_no_figures():
    assert run_probe(FakeLM(), [], n=20) == []


def test_cell_lookup_by_phase():
    ms = run_probe(FakeLM(), [generative(d) for d in range(3)], n=2)
    cell = CellResult(run_id="r", model="m", task="t", status="ok", measurements=ms)
    assert cell.measurement(Metric.E2E, phase=Phase.REQUEST).n == 2
    assert cell.measurement(Metric.E2E) is None  # the task phase has no E2E


def test_cached_prompts_are_forgotten_before_every_request():
    class CachingLM(FakeLM):
        forgotten = 0

        def forget_prompts(self):
            self.forgotten += 1

    lm = CachingLM()
    run_probe(lm, [generative(d) for d in range(4)], n=3)
    assert lm.forgotten == 1 + 3  # the warm-up and each measured request


def test_a_time_budget_stops_new_requests_and_says_so():
    lm = FakeLM()  # 20 ms a request
    ms = run_probe(lm, [generative(d) for d in range(30)], n=20, budget_s=0.05)
    e2e = ms[0]
    assert 2 <= e2e.n <= 5 and e2e.detail["stopped_by_budget_s"] == 0.05
    one = run_probe(FakeLM(), [generative(d) for d in range(5)], n=20, budget_s=1e-9)
    assert one[0].n == 1  # at least one request is always timed
    assert "stopped_by_budget_s" not in run_probe(FakeLM(), [generative(0)], n=20)[0].detail


def test_shared_context_scoring_stands_in_for_the_probe_on_multiple_choice():
    from bench.backends.base import Usage
    from bench.run.probe import SCORING_PROVENANCE, from_scoring

    usage = Usage(instances=choices(0) + choices(1), document_seconds=[0.2, 0.4])
    (e2e,) = from_scoring(usage)
    assert (e2e.metric, e2e.phase, e2e.n) == (Metric.E2E, Phase.REQUEST, 2)
    assert e2e.value == pytest.approx(0.3) and e2e.provenance == SCORING_PROVENANCE
    # Any request left to lm-eval's batches, or a generative task: the real probe runs.
    assert from_scoring(Usage(instances=choices(0), document_seconds=[0.2], unshared=1)) == []
    assert from_scoring(Usage(instances=[generative(0)], document_seconds=[0.2])) == []
    assert from_scoring(Usage(instances=choices(0))) == []
