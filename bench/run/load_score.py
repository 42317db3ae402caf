"""Accuracy under load: the answers a load step got back, scored by lm-eval like any other.

`ReplayLM` is an lm-eval model that answers each `generate_until` request with the text the
server returned under load for that document; lm-eval then builds the same requests, applies
the task's filters and metrics, and our usual records come out (`bench.run.quality`). Each
step's scores are paired, document by document, with a reference: the concurrency-1 pass for
the rates, lm-eval's own accuracy run for the concurrency-1 pass itself. Batching and
numerics can change greedy answers; the exact McNemar test says whether a drop is chance.
"""

from __future__ import annotations

from typing import Any

from bench.analysis.stats import is_binary, mcnemar_exact
from bench.analysis.stats.noninferiority import discordant_counts
from bench.results.records import LoadAccuracy, SampleResult


def _templated_lm(inner: Any):
    """An lm-eval model class whose chat templating is `inner`'s (the model that served the
    sweep), so lm-eval builds each prompt as it did for `inner`."""
    from lm_eval.api.model import LM

    class TemplatedLM(LM):
        def apply_chat_template(self, chat_history, add_generation_prompt=True) -> str:
            return inner.apply_chat_template(chat_history, add_generation_prompt)

        @property
        def tokenizer_name(self) -> str:
            return inner.tokenizer_name

        def chat_template(self, chat_template=False):
            return inner.chat_template(chat_template)

    return TemplatedLM


def replay_lm(inner: Any, answers: dict[int, str]):
    """An lm-eval model answering each document with `answers[doc_id]`."""

    class ReplayLM(_templated_lm(inner)):
        def generate_until(self, requests, disable_tqdm: bool = False) -> list[str]:
            return [answers[int(r.doc_id)] for r in requests]

        def loglikelihood(self, requests, disable_tqdm: bool = False):
            raise NotImplementedError("a load sweep replays generated answers only")

        loglikelihood_rolling = loglikelihood

    return ReplayLM()


def recording_lm(inner: Any, seen: list):
    """An lm-eval model that only keeps every request lm-eval builds for it (in `seen`) and
    answers with nothing: the task's requests again, without running the model."""

    class RecordingLM(_templated_lm(inner)):
        def generate_until(self, requests, disable_tqdm: bool = False) -> list[str]:
            seen.extend(requests)
            return [""] * len(requests)

        def loglikelihood(self, requests, disable_tqdm: bool = False):
            seen.extend(requests)
            return [(0.0, False)] * len(requests)

        def loglikelihood_rolling(self, requests, disable_tqdm: bool = False):
            seen.extend(requests)
            return [0.0] * len(requests)

    return RecordingLM()


def first_answers(rows: list[dict]) -> dict[int, str]:
    """Each document's first successful answer in a step's rows."""
    out: dict[int, str] = {}
    for row in rows:
        if row["ok"]:
            out.setdefault(int(row["doc_id"]), row["text"])
    return out


def score_rows(inner: Any, task: str, rows: list[dict], *, chat: bool,
               seed: int) -> tuple[str, list[SampleResult]]:  # fmt: skip
    """(primary metric, scored samples) of a step's answers, through lm-eval."""
    from bench.run.quality import evaluate_task

    answers = first_answers(rows)
    if not answers:
        return "", []
    outcome = evaluate_task(replay_lm(inner, answers), task, limit=None, chat=chat, seed=seed,
                            docs=sorted(answers))  # fmt: skip
    return outcome.primary_metric, outcome.samples


def task_requests(inner: Any, task: str, *, limit: int | None, chat: bool, seed: int) -> list:
    """The requests lm-eval builds for `task` (its first `limit` documents), as `inner` got
    them when the cell ran: what a load sweep redone on `--resume` replays."""
    from bench.run.quality import evaluate_task

    seen: list = []
    evaluate_task(recording_lm(inner, seen), task, limit=limit, chat=chat, seed=seed)
    return seen


def paired_accuracy(metric: str, samples: list[SampleResult], reference: list[SampleResult],
                    reference_name: str) -> LoadAccuracy | None:  # fmt: skip
    """The step's mean score and its paired difference with `reference` on shared documents."""
    if not samples or not metric:
        return None
    mine = {s.doc_id: s for s in samples}
    theirs = {s.doc_id: s for s in reference if s.doc_id in mine}
    shared = sorted(theirs)
    here = [mine[d].scores.get(metric, 0.0) for d in shared]
    there = [theirs[d].scores.get(metric, 0.0) for d in shared]
    better, worse = discordant_counts(here, there)
    binary = shared and is_binary(here) and is_binary(there)
    scores = [s.scores.get(metric, 0.0) for s in samples]
    return LoadAccuracy(
        metric=metric, value=sum(scores) / len(scores), n=len(scores), paired_n=len(shared),
        reference=reference_name,
        reference_value=sum(there) / len(there) if there else None,
        worse=worse, better=better,
        changed_answers=sum(mine[d].prediction != theirs[d].prediction for d in shared),
        mcnemar_p=mcnemar_exact(int(better), int(worse)) if binary else None,
    )  # fmt: skip
