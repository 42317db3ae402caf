"""Reading and writing `results/<run-id>/`: atomic writes, versioned records.

Layout of a run folder:
    run.json                     RunInfo
    cells/<model>/<task>.json    CellResult, one per model × task
    perf/<model>.json            PerfResult of the latency / throughput scenario
    load/<model>/<task>.json     LoadResult of the load sweep
    load/<model>/<task>/*.jsonl  its raw per-request rows, one file per step
    samples/<model>/<task>.jsonl SampleResult, one line per scored sample
    logs/<model>.log             the model process's output
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from bench.errors import UserError
from bench.names import name_problem
from bench.results.loader import UnreadableRecord, move_aside, read_lines, read_record
from bench.results.records import (
    SCHEMA_VERSION,
    CellResult,
    LoadResult,
    PerfResult,
    RunInfo,
    SampleResult,
)
from bench.run.redact import mask


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_id() -> str:
    """Sortable, unique run id: UTC timestamp plus 4 random hex digits."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and rename, so readers never see half a file.

    Known secret values are masked first (bench.run.redact): in the model process, whatever
    a server sends back, no API key reaches a record."""
    text = mask(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_record(path: Path, record: BaseModel) -> None:
    """Atomically write one record as indented JSON."""
    atomic_write_text(path, record.model_dump_json(indent=2) + "\n")


def check_writable(folder: Path) -> None:
    """Fail early, before any model loads, if results cannot be written to `folder`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-probe.")
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise UserError(f"cannot write results to {folder}: {exc.strerror or exc}") from exc


def check_output_file(path: Path | None, what: str = "output") -> None:
    """Fail early, before any work, if a file cannot be written at `path` (a folder there,
    a file where a folder should be, no permission, a read-only file system)."""
    if path is None:
        return
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{what} {path} is a folder; give a file name")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UserError(f"cannot write {what} {path}: {parent} is a file, not a folder")
    try:  # a real write: permission bits do not tell about /proc or read-only mounts
        fd, probe = tempfile.mkstemp(dir=parent, prefix=".write-probe.")
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise UserError(f"cannot write {what} {path}: {exc.strerror or exc}") from exc


class RunStore:
    """One run folder under `results/`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @property
    def run_id(self) -> str:
        return self.root.name

    def inside(self, *parts: str) -> Path:
        """`root/parts…`, refused with one line unless it stays inside the run folder."""
        path = self.root.joinpath(*parts)
        root = self.root.resolve()
        if not path.resolve().is_relative_to(root):
            raise UserError(f"refusing to write {path}: it lies outside the run folder {root}")
        return path

    def cell_path(self, model: str, task: str) -> Path:
        return self.inside("cells", _name("model", model), f"{_name('task', task)}.json")

    def samples_path(self, model: str, task: str) -> Path:
        return self.inside("samples", _name("model", model), f"{_name('task', task)}.jsonl")

    def log_path(self, model: str) -> Path:
        return self.inside("logs", f"{_name('model', model)}.log")

    def job_path(self, model: str) -> Path:
        return self.inside("jobs", f"{_name('model', model)}.json")

    def progress_path(self, model: str) -> Path:
        """Where the model process says what it is doing now (removed when it ends)."""
        return self.inside("progress", f"{_name('model', model)}.json")

    def write_info(self, info: RunInfo) -> None:
        write_record(self.inside("run.json"), info)

    def read_info(self) -> RunInfo:
        path = self.root / "run.json"
        if not path.exists():
            raise UserError(f"{self.root} is not a run folder (no run.json)")
        return _read(path, RunInfo)

    def write_cell(self, cell: CellResult, samples: list[SampleResult] | None = None) -> None:
        """Write the samples first, then the cell: a cell file means its samples are complete."""
        if samples is not None:
            lines = "".join(s.model_dump_json() + "\n" for s in samples)
            atomic_write_text(self.samples_path(cell.model, cell.task), lines)
        write_record(self.cell_path(cell.model, cell.task), cell)

    def read_cell(self, model: str, task: str) -> CellResult | None:
        path = self.cell_path(model, task)
        return _read(path, CellResult) if path.exists() else None

    def cells(self) -> list[CellResult]:
        """Every cell of the run, sorted by model then task."""
        return [_read(p, CellResult) for p in sorted(self.root.glob("cells/*/*.json"))]

    def perf_path(self, model: str) -> Path:
        return self.inside("perf", f"{_name('model', model)}.json")

    def write_perf(self, result: PerfResult) -> None:
        write_record(self.perf_path(result.model), result)

    def read_perf(self, model: str) -> PerfResult | None:
        path = self.perf_path(model)
        return _read(path, PerfResult) if path.exists() else None

    def perf_results(self) -> list[PerfResult]:
        """Every model's scenario result, sorted by model."""
        return [_read(p, PerfResult) for p in sorted(self.root.glob("perf/*.json"))]

    def load_path(self, model: str, task: str) -> Path:
        return self.inside("load", _name("model", model), f"{_name('task', task)}.json")

    def load_rows_dir(self, model: str, task: str) -> Path:
        """Folder of a load sweep's raw per-request rows."""
        return self.inside("load", _name("model", model), _name("task", task))

    def write_load(self, result: LoadResult) -> None:
        write_record(self.load_path(result.model, result.task), result)

    def read_load(self, model: str, task: str) -> LoadResult | None:
        path = self.load_path(model, task)
        return _read(path, LoadResult) if path.exists() else None

    def load_results(self) -> list[LoadResult]:
        """Every load sweep of the run, sorted by model then task."""
        return [_read(p, LoadResult) for p in sorted(self.root.glob("load/*/*.json"))]

    def samples(self, model: str, task: str) -> list[SampleResult]:
        path = self.samples_path(model, task)
        if not path.exists():
            return []
        return read_lines(path, SampleResult)

    def reusable_cell(self, model: str, task: str) -> CellResult | None:
        """The cell for `--resume`: None when it must be (re)done. Unreadable records are
        moved aside to `*.corrupt` (kept for inspection, never deleted) so the cell is redone."""
        try:
            cell = self.read_cell(model, task)
            if cell is not None and cell.status == "ok":
                self.samples(model, task)  # an ok cell needs readable samples
            return cell
        except UnreadableRecord as exc:
            moved = move_aside(exc.path)
            print(f"note: {exc.path} is unreadable; moved to {moved.name}, redoing the cell")
            if exc.kind == "samples":
                self.cell_path(model, task).unlink(missing_ok=True)  # redone with new samples
            return None

    def reusable_perf(self, model: str) -> PerfResult | None:
        """The scenario record for `--resume`; an unreadable one is moved aside (None)."""
        try:
            return self.read_perf(model)
        except UnreadableRecord as exc:
            moved = move_aside(exc.path)
            print(f"note: {exc.path} is unreadable; moved to {moved.name}, redoing the scenario")
            return None


def _name(kind: str, name: str) -> str:
    """A model or task name fit to be a file name; else a one-line UserError."""
    problem = name_problem(kind, name)
    if problem:
        raise UserError(problem)
    return name


KINDS = {CellResult: "cell", PerfResult: "perf", RunInfo: "run_info", LoadResult: "load"}


def _read(path: Path, cls: type[BaseModel]):
    """Read one record, upgraded from older schema versions; one-line errors for unreadable
    files (naming the file and what to do) or versions newer than this code."""
    return read_record(path, cls, KINDS[cls], SCHEMA_VERSION)


def open_run(path: str | Path) -> RunStore:
    """A RunStore for an existing run folder (a path, or a run id under ./results)."""
    p = Path(path)
    if not p.exists() and (Path("results") / p).exists():
        p = Path("results") / p
    store = RunStore(p if p.name else p.resolve())  # `report .` inside the run folder
    if problem := name_problem("run id", store.run_id):  # it names the report's folder too
        raise UserError(f"{p}: {problem}")
    store.read_info()  # validates it is a run folder
    return store
