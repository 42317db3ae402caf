"""Shared-context scoring against lm-eval's own path, side by side in one process.

    python -m bench.run.speed_check --model smollm2-135m-instruct --task citizen_requests_de \
        --limit 20 --dtype float32

Loads the model once through the HF backend, evaluates the task with lm-eval's path and with
the shared-context path (alternating, so machine noise hits both), and prints the time of
each, the largest log-likelihood difference and any sample whose chosen answer differs.
Exit status 1 when an answer differs or a log-likelihood differs by more than `--tol`.
"""

from __future__ import annotations

import argparse
import time


def _evaluate(lm, task: str, limit: int, chat: bool) -> tuple[float, list[list[float]]]:
    """Seconds taken and each sample's option log-likelihoods, in doc order."""
    from lm_eval import simple_evaluate

    from bench.taskkit.registry import task_manager

    start = time.perf_counter()
    res = simple_evaluate(
        model=lm, tasks=[task], limit=limit, log_samples=True, apply_chat_template=chat,
        task_manager=task_manager(task), random_seed=1234, numpy_random_seed=1234,
        torch_random_seed=1234, fewshot_random_seed=1234, bootstrap_iters=0, verbosity="ERROR",
    )  # fmt: skip
    seconds = time.perf_counter() - start
    samples = sorted(res["samples"][task], key=lambda s: s["doc_id"])
    # Each option's response is [(log-likelihood, is_greedy)].
    return seconds, [[float(r[0][0]) for r in s["resps"]] for s in samples]


def _argmax(values: list[float]) -> int:
    return max(range(len(values)), key=values.__getitem__)


def main(argv: list[str] | None = None) -> int:
    """Run both paths `--rounds` times each and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--task", default="citizen_requests_de")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--dtype", default="float32", help="float32, bfloat16 or auto")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--tol", type=float, default=1e-4)
    args = parser.parse_args(argv)

    from bench.backends.hf import HFBackend
    from bench.catalogue.specs import load_catalogue

    spec = load_catalogue().get(args.model).model_copy(update={"dtype": args.dtype})
    loaded = HFBackend().load(spec)
    print(f"{spec.name}: {loaded.info['dtype']} ({loaded.info['dtype_reason']})")
    times: dict[bool, list[float]] = {False: [], True: []}
    scores: dict[bool, list[list[float]]] = {}
    for _ in range(args.rounds):
        for shared in (False, True):
            loaded.lm.shared_context = shared
            seconds, scores[shared] = _evaluate(loaded.lm, args.task, args.limit, spec.chat)
            times[shared].append(seconds)
            print(f"{'shared context' if shared else 'lm-eval path'}: {seconds:.1f}s", flush=True)
    ref, new = scores[False], scores[True]
    pairs = list(zip(ref, new, strict=True))
    worst = max(abs(a - b) for r, n in pairs for a, b in zip(r, n, strict=True))
    flipped = [i for i, (r, n) in enumerate(pairs) if _argmax(r) != _argmax(n)]
    t_ref, t_new = min(times[False]), min(times[True])
    print(f"{args.task}, {len(ref)} samples: lm-eval path {t_ref:.1f}s, shared context "
          f"{t_new:.1f}s, speed-up {t_ref / t_new:.2f}x (best of {args.rounds})")  # fmt: skip
    print(f"largest log-likelihood difference {worst:.2e}; answers differing: {flipped or 'none'}")
    return 1 if flipped or worst > args.tol else 0


if __name__ == "__main__":
    raise SystemExit(main())
