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

import secrets
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
from bench.results.writes import (
    PROBE_BYTES,
    RunFolderGone,
    WriteFailed,
    atomic_write_text,
    check_output_file,
    check_writable,
    make_folders,
    write_record,
)

__all__ = [
    "RunFolderGone",
    "RunStore",
    "WriteFailed",
    "atomic_write_text",
    "check_output_file",
    "check_writable",
    "new_run_id",
    "now_iso",
    "open_run",
    "write_record",
]


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_id() -> str:
    """Sortable, unique run id: UTC timestamp plus 4 random hex digits."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


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

    def create(self, info: RunInfo) -> None:
        """Make the run folder and write its run.json: the only write that creates the folder."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.write_info(info)

    def write_info(self, info: RunInfo) -> None:
        write_record(self.inside("run.json"), info, self.root)

    def folder_for(self, path: Path) -> Path:
        """`path`, with its folder made inside the run folder (which is never recreated)."""
        make_folders(path.parent, self.root)
        return path

    def write(self, path: Path, text: str) -> None:
        """Write a file inside the run folder atomically; a vanished folder is not recreated."""
        atomic_write_text(path, text, self.root)

    def read_info(self) -> RunInfo:
        path = self.root / "run.json"
        if not path.exists():
            raise UserError(f"{self.root} is not a run folder (no run.json)")
        return _read(path, RunInfo)

    def write_cell(self, cell: CellResult, samples: list[SampleResult] | None = None) -> None:
        """Write the samples first, then the cell: a cell file means its samples are complete."""
        if samples is not None:
            lines = "".join(s.model_dump_json() + "\n" for s in samples)
            self.write(self.samples_path(cell.model, cell.task), lines)
        write_record(self.cell_path(cell.model, cell.task), cell, self.root)

    def read_cell(self, model: str, task: str) -> CellResult | None:
        path = self.cell_path(model, task)
        return _read(path, CellResult) if path.exists() else None

    def cells(self) -> list[CellResult]:
        """Every cell of the run, sorted by model then task."""
        return [_read(p, CellResult) for p in sorted(self.root.glob("cells/*/*.json"))]

    def perf_path(self, model: str) -> Path:
        return self.inside("perf", f"{_name('model', model)}.json")

    def write_perf(self, result: PerfResult) -> None:
        write_record(self.perf_path(result.model), result, self.root)

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
        write_record(self.load_path(result.model, result.task), result, self.root)

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

    def cell_bytes(self) -> int:
        """About what one cell takes on disk: the largest cell with its samples (at least a
        typical cell's size, so a nearly full disk does not pass on a tiny write)."""
        sizes = [
            p.stat().st_size + _size(self.root / "samples" / p.parent.name / f"{p.stem}.jsonl")
            for p in self.root.glob("cells/*/*.json")
        ]
        return max([*sizes, PROBE_BYTES])

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


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


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
