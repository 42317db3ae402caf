"""Progress inside a cell: what a model process is doing now, how far along, and an ETA.

The model process keeps a `Status` and a `Reporter` thread writes it once a second to
`progress/<model>.json` in the run folder; the CLI's `Watcher` reads those files and shows
them beside the cell bar. The counts are lm-eval's own requests: a task sends all of them
in one call, and the backends count each finished forward batch (see `Usage.progress`).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.errors import UserError
from bench.results.store import atomic_write_text


@dataclass
class Status:
    """One model process's current stage, with request counts while lm-eval scores."""

    model: str
    task: str | None = None
    stage: str = "starting"  # preparing, loading, lm-eval set-up, scoring, probe, load sweep, …
    done: int = 0
    total: int = 0
    since: float = field(default_factory=time.time)  # when this stage (or scoring) began
    node: str | None = None  # the host it runs on, for runs on a cluster

    def set(self, stage: str, task: str | None = None) -> None:
        """Enter a new stage (counts reset)."""
        self.stage, self.done, self.total, self.since = stage, 0, 0, time.time()
        if task is not None:
            self.task = task

    def eta_seconds(self, now: float | None = None) -> float | None:
        """Seconds left at the rate so far; None before the first batch has finished."""
        if not self.total or not self.done or self.done >= self.total:
            return None
        elapsed = (now or time.time()) - self.since
        return elapsed / self.done * (self.total - self.done)

    def describe(self, now: float | None = None) -> str:
        """One short line, e.g. 'gemma3-270m × routing_de: scoring 70/240 requests, ETA 0:31'."""
        model = f"{self.model} on {self.node}" if self.node else self.model
        where = f"{model} × {self.task}" if self.task else model
        text = f"{where}: {self.stage}"
        if self.total:
            text += f" {self.done}/{self.total} requests"
            eta = self.eta_seconds(now)
            if eta is not None:
                text += f", ETA {int(eta) // 60}:{int(eta) % 60:02d}"
        return text


class Reporter:
    """Writes `status` (refreshed by `poll`) to `path` every `interval` seconds until closed.

    It never creates the run folder: if the folder vanished (deleted mid-run) it stops
    writing rather than recreate part of a run somebody removed.
    """

    def __init__(self, status: Status, path: Path, poll: Callable[[Status], None] | None = None,
                 interval: float = 1.0):  # fmt: skip
        self.status, self.path, self.poll, self.interval = status, Path(path), poll, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="progress")

    def __enter__(self) -> Reporter:
        # Only progress/ itself, inside an existing run; if the run folder is gone, `write`
        # skips and the cells' own writes say why.
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(exist_ok=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the last process out removes progress/
            self.path.parent.rmdir()

    def write(self) -> None:
        """Write the status now (skipped once the run folder is gone)."""
        if self.poll is not None:
            self.poll(self.status)
        if self.path.parent.parent.is_dir():
            # Progress is a convenience: it never fails the run (a full disk, say).
            with contextlib.suppress(OSError, UserError):
                write_status(self.path, self.status)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.write()


def read_status(path: Path) -> Status | None:
    """The status in `path`; None when absent or being replaced right now."""
    try:
        return Status(**json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def write_status(path: Path, status: Status) -> None:
    """Write `status` to `path` atomically (the driver of a cluster run relays node statuses)."""
    path = Path(path)  # …/<run>/progress/<model>.json: the run folder is never recreated
    atomic_write_text(path, json.dumps(asdict(status)), root=path.parent.parent)


def read_statuses(folder: Path, max_age: float = 30.0) -> list[Status]:
    """The statuses under `folder` (a run's `progress/`) written within `max_age` seconds."""
    out = []
    now = time.time()
    for path in sorted(Path(folder).glob("*.json")):
        try:
            if now - path.stat().st_mtime > max_age:
                continue  # left over from a process that died
        except OSError:
            continue
        if (status := read_status(path)) is not None:
            out.append(status)
    return out


class Watcher:
    """Calls `show(statuses)` every `interval` seconds with what the run's processes report."""

    def __init__(self, folder: Path, show: Callable[[list[Status]], None], interval: float = 1.0):
        self.folder, self.show, self.interval = Path(folder), show, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="progress-watch")

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            with contextlib.suppress(Exception):  # a display glitch must not end the run
                self.show(read_statuses(self.folder))


def progress_shower(bar, interactive: bool, every: float = 30.0) -> Callable[[list[Status]], None]:
    """A `Watcher` callback: in a terminal the statuses ride on the tqdm `bar`'s postfix;
    in a log (not a terminal) a line is printed when a stage changes and every `every` s."""
    last: dict[str, tuple[str, float]] = {}

    def show(statuses: list[Status]) -> None:
        if interactive:
            bar.set_postfix_str(" | ".join(s.describe() for s in statuses) or "", refresh=True)
            return
        now = time.time()
        for st in statuses:
            key = f"{st.model}|{st.task}|{st.stage}"
            seen = last.get(st.model)
            if seen is None or seen[0] != key or now - seen[1] >= every:
                last[st.model] = (key, now)
                bar.write(f"  … {st.describe(now)}")

    return show
