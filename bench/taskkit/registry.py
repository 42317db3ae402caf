"""Task lookup: our task folders (lm-eval YAML) plus every task in lm-eval's own registry."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bench.errors import UserError, did_you_mean


def bundled_tasks_dir() -> Path:
    """The repository's `tasks/` folder (next to the `bench` package)."""
    return Path(__file__).resolve().parents[2] / "tasks"


def include_paths() -> list[str]:
    """Folders lm-eval should search for task YAML: ours, plus $SLM_BENCH_TASKS_PATH entries."""
    extra = [p for p in os.environ.get("SLM_BENCH_TASKS_PATH", "").split(os.pathsep) if p]
    return [str(bundled_tasks_dir()), *extra]


@dataclass(frozen=True)
class TaskInfo:
    """What `tasks list` shows about one of our tasks, read from its YAML `metadata`."""

    name: str
    family: str
    language: str
    output_type: str
    metric: str
    claim: str
    size: int | None
    context_tokens: int | None
    path: Path
    context_mode: str | None = None  # RAG: where the documents come from (retrieved|gold|closed)
    title: str | None = None  # the task card's human title, when its metadata has one


class _TaskYamlLoader(yaml.SafeLoader):
    """Safe loader that tolerates lm-eval's `!function` tag (we only read metadata)."""


_TaskYamlLoader.add_constructor("!function", lambda loader, node: loader.construct_scalar(node))


def read_task_yaml(path: Path) -> dict:
    """A task YAML with its `include:` base merged in, as lm-eval would see it."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_TaskYamlLoader) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"malformed YAML in {path}: {str(exc).splitlines()[0]}") from exc
    if "include" in doc:
        base = read_task_yaml(path.parent / doc.pop("include"))
        doc = {**base, **doc}
    return doc


def bundled_tasks() -> list[TaskInfo]:
    """Our own tasks, one per YAML file that defines a `task:` name."""
    infos = []
    for path in sorted(bundled_tasks_dir().glob("*/*.yaml")):
        doc = read_task_yaml(path)
        if "task" not in doc:
            continue
        meta = doc.get("metadata") or {}
        metrics = doc.get("metric_list") or [{}]
        infos.append(
            TaskInfo(
                name=doc["task"],
                family=path.parent.name,
                language=str(meta.get("language", "?")),
                output_type=str(doc.get("output_type", "?")),
                metric=str(metrics[0].get("metric", "?")),
                claim=str(meta.get("claim", "")),
                size=_test_size(path.parent, doc),
                context_tokens=meta.get("context_tokens"),
                path=path,
                context_mode=(doc.get("dataset_kwargs") or {}).get("mode"),
                title=meta.get("title"),
            )
        )
    return sorted(infos, key=lambda t: (t.family, t.language, t.context_tokens or 0, t.name))


def _test_size(folder: Path, doc: dict) -> int | None:
    """Number of test samples, counted from the task's JSONL data file when it has one."""
    kwargs = doc.get("dataset_kwargs") or {}
    lang, stem = kwargs.get("lang"), kwargs.get("data_stem", kwargs.get("lang"))
    path = folder / "data" / f"{stem}_{doc.get('test_split', 'test')}.jsonl"
    if not lang or not path.exists():
        return None
    with open(path, encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip())


def task_manager(*names: str):
    """lm-eval's TaskManager able to load `names` (every task it knows when none are given).

    When all `names` are ours, only our folders are indexed: lm-eval's own index of ~15,000
    task YAMLs costs seconds per process on a quiet 2-core CPU and close to a minute under
    load, and a model process pays it once before its first cell.
    """
    return _task_manager(bool(names) and set(names) <= _bundled_names())


@lru_cache(maxsize=1)
def _bundled_names() -> frozenset[str]:
    return frozenset(t.name for t in bundled_tasks())


@lru_cache(maxsize=2)
def _task_manager(ours_only: bool):
    from lm_eval.tasks import TaskManager

    return TaskManager(include_path=include_paths(), include_defaults=not ours_only)


def check_tasks(names: list[str]) -> None:
    """Raise a did-you-mean UserError for the first task name neither we nor lm-eval know."""
    ours = {t.name for t in bundled_tasks()}
    unknown = [n for n in names if n not in ours]
    if not unknown:
        return
    known = set(task_manager().all_tasks)
    for name in unknown:
        if name not in known:
            raise did_you_mean("task", name, ours | known)
