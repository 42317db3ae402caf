"""Driving remote units: records coming back are written into the run folder as they land.

Knows nothing of Ray: `submit(unit)` yields a unit's payloads (plain dicts, see below) and
raises `NodeLost` when the node or its worker died. A lost unit is submitted again with only
its unfinished work, at most `retries` times; then its cells are recorded as errors with the
reason. Everything is written by the calling thread, atomically, in the driver's run folder,
so a driver that dies leaves a run that `--resume` completes.

Payloads: {"kind": "node", "node": NodeInfo as dict} first, then {"kind": "cell", "task",
"cell": CellResult JSON, "samples": JSON lines or None} per cell, {"kind": "perf", "perf":
PerfResult JSON} and {"kind": "log", "text": the model process's output, "process_seconds":
its wall time} at the end;
{"kind": "progress", "status": a `bench.run.progress.Status` as dict} whenever it changes.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator

from bench.results.records import CellResult, NodeInfo, PerfResult, SampleResult
from bench.results.store import RunStore, now_iso
from bench.results.writes import failed_write
from bench.run.config import RunConfig
from bench.run.executors import OnCell, Unit
from bench.run.progress import Status, write_status
from bench.run.worker import one_line

Submit = Callable[[Unit], Iterator[dict]]


class NodeLost(Exception):
    """The node or worker process running a unit died: its unfinished work may be retried."""


def drive(
    units: list[Unit],
    submit: Submit,
    store: RunStore,
    config: RunConfig,
    on_cell: OnCell = None,
    contended: bool = False,
    retries: int = 2,
    cancel: Callable[[], None] | None = None,
) -> dict[str, float]:
    """Run every unit through `submit` at once (the cluster queues them); write what returns.

    Returns each model's overhead: the unit's wall time on the driver less its model
    process's own (sent with the log) — placement, queueing, worker start, transfers.
    On any exception here (Ctrl-C) `cancel()` is called to stop the remote units.
    """
    events: queue.Queue = queue.Queue()
    overheads: dict[str, float] = {}

    def consume(unit: Unit) -> None:
        left, lost = unit, 0
        start, process = time.perf_counter(), 0.0
        try:
            while True:
                node, done, perf_done = None, set(), False
                try:
                    for payload in submit(left):
                        if payload["kind"] == "node":
                            node = NodeInfo.model_validate(payload["node"])
                        done.add(payload.get("task"))
                        process += payload.get("process_seconds", 0.0)
                        perf_done = perf_done or payload["kind"] == "perf"
                        events.put(("payload", left, payload, node))
                    return
                except NodeLost as exc:
                    lost += 1
                    left = left.rest(done, perf_done)
                    if not left.tasks and not left.run_perf:
                        return
                    if lost > retries:
                        where = f"node {node.hostname}" if node else "its node"
                        why = f"{where} lost {lost} times, gave up: {exc}"
                        events.put(("failed", left, why, node))
                        return
                except Exception as exc:  # noqa: BLE001 - recorded in the unit's cells
                    left = left.rest(done, perf_done)
                    events.put(("failed", left, f"unit failed: {one_line(exc)}", node))
                    return
        finally:
            if process:
                overheads[unit.spec.name] = time.perf_counter() - start - process
            events.put(("end", unit, None, None))

    threads = [threading.Thread(target=consume, args=(u,), daemon=True) for u in units]
    for thread in threads:
        thread.start()
    running = len(threads)
    try:
        while running:
            try:
                kind, unit, data, node = events.get(timeout=0.5)
            except queue.Empty:
                continue
            if kind == "end":
                running -= 1
                store.progress_path(unit.spec.name).unlink(missing_ok=True)
            elif kind == "payload":
                receive(store, data, node, contended, on_cell)
            else:
                record_failure(store, config, unit, data, node, contended, on_cell)
    except BaseException:
        if cancel is not None:
            cancel()
        raise
    return overheads


def receive(
    store: RunStore, payload: dict, node: NodeInfo | None, contended: bool, on_cell: OnCell
) -> None:
    """Write one payload of a unit into the driver's run folder (atomically)."""
    where = {"node": node, "contended": contended}
    kind = payload["kind"]
    if kind == "progress":  # shown by the CLI's progress watcher, like a local process's
        status = Status(**payload["status"])
        write_status(store.progress_path(status.model), status)
    elif kind == "cell":
        cell = CellResult.model_validate_json(payload["cell"]).model_copy(update=where)
        if cell.status == "error" and node is not None:
            cell.error = f"{cell.error} (on node {node.hostname})"
        text = payload.get("samples")
        samples = None
        if text is not None:
            samples = [SampleResult.model_validate_json(ln) for ln in text.splitlines() if ln]
        store.write_cell(cell, samples)
        if on_cell:
            on_cell(cell)
    elif kind == "perf":
        perf = PerfResult.model_validate_json(payload["perf"]).model_copy(update=where)
        store.write_perf(perf)
    elif kind == "log":
        # The model's name is the log's; the payload says which through the cell or perf
        # records, so the log carries it too.
        log = store.folder_for(store.log_path(payload["model"]))
        host = node.hostname if node else "?"
        try:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"[slm-bench] --- output on node {host} ---\n{payload['text']}")
        except OSError as exc:
            raise failed_write(log, exc) from exc


def record_failure(
    store: RunStore,
    config: RunConfig,
    unit: Unit,
    reason: str,
    node: NodeInfo | None,
    contended: bool,
    on_cell: OnCell,
) -> None:
    """Error cells (and an error scenario record) for the work a unit could not finish."""
    for task in unit.tasks:
        cell = CellResult(
            run_id=store.run_id,
            model=unit.spec.name,
            task=task,
            status="error",
            error=reason,
            limit=config.limit,
            ended_at=now_iso(),
            node=node,
            contended=contended,
        )
        store.write_cell(cell)
        if on_cell:
            on_cell(cell)
    if unit.run_perf and config.perf is not None:
        store.write_perf(
            PerfResult(
                run_id=store.run_id,
                model=unit.spec.name,
                status="error",
                error=reason,
                config=config.perf,
                ended_at=now_iso(),
                node=node,
                contended=contended,
            )
        )
