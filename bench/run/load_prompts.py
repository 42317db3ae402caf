"""The load sweep's prompts: lm-eval's own requests of a task, as `vllm bench serve` reads them.

lm-eval has just built every request of the task (prompt with chat template and few-shot
examples, generation settings); `MeteredCalls` kept them. Each document's first
`generate_until` request becomes one line of a custom-dataset JSONL (`prompt`,
`output_tokens` = lm-eval's token budget), and the rest of the request body — stop
sequences, temperature, seed — comes from lm-eval's own `_create_payload`, so the server sees
what lm-eval sent it, apart from the prompt travelling as text instead of token ids
(`add_special_tokens: false` keeps the tokens equal). Multiple-choice requests cannot be
replayed by a generation benchmark: a task without generative requests has no load sweep.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.errors import UserError
from bench.run.probe import documents

FIXED = ("prompt", "model", "max_tokens")
"""Payload keys that vary per request or are set by `vllm bench serve` itself."""


@dataclass(frozen=True)
class LoadPrompts:
    """A task's requests for the sweep: one per document, and the shared request body."""

    doc_ids: list[int]
    prompts: list[str]
    max_tokens: list[int]
    extra_body: dict[str, Any]
    """Everything else lm-eval puts in the request (stop, temperature, seed, …)."""

    def __len__(self) -> int:
        return len(self.prompts)


def task_prompts(lm: Any, instances: Sequence[Any]) -> LoadPrompts | None:
    """The generative requests of a task as lm-eval built them; None when it has none."""
    groups = [g for g in documents(instances) if g[0].request_type == "generate_until"]
    if not groups:
        return None
    doc_ids, prompts, budgets, bodies = [], [], [], []
    for group in groups:
        context, gen_kwargs = group[0].args[0], group[0].args[1]
        payload = lm._create_payload(
            context, generate=True, gen_kwargs=copy.deepcopy(gen_kwargs),
            seed=lm._seed, eos=lm.eos_string,
        )  # fmt: skip
        doc_ids.append(int(group[0].doc_id))
        prompts.append(context)
        budgets.append(int(payload["max_tokens"]))
        bodies.append({k: v for k, v in payload.items() if k not in FIXED})
    if any(b != bodies[0] for b in bodies):  # `--extra-body` is one for the whole run
        raise UserError("load sweep: the task's documents use different generation settings")
    extra = {**bodies[0], "add_special_tokens": False}  # lm-eval encodes without them
    return LoadPrompts(doc_ids=doc_ids, prompts=prompts, max_tokens=budgets, extra_body=extra)


def write_dataset(path: Path, prompts: LoadPrompts, count: int) -> list[int]:
    """Write `count` requests (the documents in order, cycled) as a custom-dataset JSONL;
    return the document id of each line, which is also the order of the tool's results."""
    path.parent.mkdir(parents=True, exist_ok=True)
    order = [i % len(prompts) for i in range(count)]
    with open(path, "w", encoding="utf-8") as fh:
        for i in order:
            row = {"prompt": prompts.prompts[i], "output_tokens": prompts.max_tokens[i]}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return [prompts.doc_ids[i] for i in order]
