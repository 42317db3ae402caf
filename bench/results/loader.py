"""One loader for every record kind: a file that cannot be read is one clear line, never a
traceback, naming the file and what to do about it.

Records can be damaged by a full disk, a copy cut short or a hand edit: `null`, a list,
truncated JSON, a half-written JSONL line. Each kind says how to recover (`HINTS`).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bench.errors import UserError
from bench.results.migrations import SchemaError, upgrade

WHAT = {
    "cell": "cell record",
    "perf": "performance record",
    "load": "load sweep record",
    "run_info": "run record",
    "samples": "samples file",
    "baseline": "baseline",
}


class UnreadableRecord(UserError):
    """A record file that exists but cannot be read; `path` names it."""

    def __init__(self, message: str, path: Path, kind: str):
        super().__init__(message)
        self.path, self.kind = Path(path), kind


def hint(kind: str, path: Path) -> str:
    """What the user can do about an unreadable record of `kind` at `path`."""
    if kind in ("cell", "samples"):  # <run>/cells/<model>/<task>.json
        return f"rerun that cell with: slm-bench run --resume {path.parents[2]}"
    if kind == "perf":  # <run>/perf/<model>.json
        return f"rerun it with: slm-bench run --resume {path.parents[1]}"
    if kind == "load":  # <run>/load/<model>/<task>.json
        return f"move it aside and rerun with: slm-bench run --resume {path.parents[2]}"
    if kind == "run_info":
        return "restore run.json from a copy, or start a new run"
    return "save it again with: slm-bench baseline save RUN_FOLDER --out " + str(path)


def unreadable(kind: str, path: Path, why: str) -> UnreadableRecord:
    """The one-line error for `path`: what it is, why it cannot be read, what to do."""
    line = f"unreadable {WHAT.get(kind, kind)} {path}: {why}; {hint(kind, path)}"
    return UnreadableRecord(line, path, kind)


def _why(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        loc = ".".join(map(str, err["loc"]))
        return f"{loc + ': ' if loc else ''}{err['msg']}"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def read_record(path: Path, cls: type[BaseModel], kind: str, version: int):
    """One JSON record of `kind`, upgraded from older schema versions to `version`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise unreadable(kind, path, _why(exc)) from exc
    if not isinstance(data, dict):
        raise unreadable(kind, path, f"holds {type(data).__name__}, not a JSON object")
    try:
        data = upgrade(kind, data, version)
    except SchemaError as exc:  # newer than this code: no recovery but upgrading slm-bench
        raise UserError(f"{path} {exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise unreadable(kind, path, f"cannot upgrade: {exc}") from exc
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise unreadable(kind, path, _why(exc)) from exc


def read_lines(path: Path, cls: type[BaseModel], kind: str = "samples") -> list:
    """Every line of a JSONL file as `cls`; the first bad line makes the file unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise unreadable(kind, path, _why(exc)) from exc
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        try:
            records.append(cls.model_validate_json(line))
        except ValidationError as exc:
            raise unreadable(kind, path, f"line {number}: {_why(exc)}") from exc
    return records


def move_aside(path: Path) -> Path:
    """Rename a bad file to `<name>.corrupt` (or `.corrupt.N`), never deleting anything."""
    target = path.with_name(path.name + ".corrupt")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt.{n}")
        n += 1
    path.rename(target)
    return target
