"""Writing result files safely: atomically, never recreating a deleted run folder, and with a
write that fails (a full disk, a read-only mount) as one line instead of an OSError traceback.

A run folder that vanished mid-run (deleted or moved by hand) is never recreated: writes
below it raise `RunFolderGone`, so a worker stops instead of silently leaving a half folder
that is no run. Every write goes through `_write_bytes`, where tests inject a full disk with
`SLM_BENCH_FAULT_ENOSPC` (see `injected_fault`); no real full file system is needed.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel

from bench.errors import UserError
from bench.run.redact import mask

FAULT_ENV = "SLM_BENCH_FAULT_ENOSPC"
"""Test hook: a glob; writing a file whose path matches it fails with ENOSPC (disk full)."""

FULL = (errno.ENOSPC, errno.EDQUOT)
"""Errors that mean the disk (or the user's quota) is full: freeing space fixes them."""


class WriteFailed(UserError):
    """A result file could not be written; the run stops, finished cells are kept."""

    def __init__(self, message: str, path: Path | None = None, full: bool = False):
        super().__init__(message)
        self.path, self.full = path, full


class RunFolderGone(WriteFailed):
    """The run folder was deleted or moved while the run was writing into it."""


def injected_fault(path: Path) -> None:
    """Raise OSError(ENOSPC) when `path` matches $SLM_BENCH_FAULT_ENOSPC (fault tests only)."""
    pattern = os.environ.get(FAULT_ENV)
    if pattern and fnmatch.fnmatch(str(path), pattern):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def failed_write(path: Path, exc: OSError) -> WriteFailed:
    """The one-line error for a write of `path` that failed with `exc`."""
    if exc.errno in FULL:
        return WriteFailed(f"disk full while writing {path}", path, full=True)
    return WriteFailed(f"cannot write {path}: {exc.strerror or exc}", path)


def folder_gone(root: Path) -> RunFolderGone:
    """The one-line error for a run folder that no longer exists."""
    return RunFolderGone(
        f"the run folder {root} was deleted or moved during the run; it is not recreated and "
        "the run stops (if it was moved, resume it where it is now with slm-bench run --resume)",
        root,
    )


def _write_bytes(fd: int, data: bytes, path: Path) -> None:
    """Write all of `data` to `fd` and flush it to disk (a full disk may only show on fsync)."""
    injected_fault(path)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def make_folders(folder: Path, root: Path | None) -> None:
    """Create `folder`; below `root` only, one level at a time, never `root` itself."""
    if root is None:
        folder.mkdir(parents=True, exist_ok=True)
        return
    if not root.is_dir():
        raise folder_gone(root)
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        try:
            current.mkdir(exist_ok=True)
        except FileNotFoundError:  # root vanished between the check and here
            raise folder_gone(root) from None


def atomic_write_text(path: Path, text: str, root: Path | None = None) -> None:
    """Write via a temp file in the same folder and rename, so readers never see half a file.

    `root`: the run folder the file lies in; it must exist and is never recreated.
    A failed write is a `WriteFailed` (one line), and leaves no temp file behind.
    """
    path = Path(path)
    text = mask(text)  # known key values: whatever a server echoes, no key reaches a record
    tmp = None
    try:
        make_folders(path.parent, root)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            _write_bytes(fd, text.encode("utf-8"), path)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if root is not None and not root.is_dir():
            raise folder_gone(root) from exc
        raise failed_write(path, exc) from exc
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def write_record(path: Path, record: BaseModel, root: Path | None = None) -> None:
    """Atomically write one record as indented JSON (`root`: see `atomic_write_text`)."""
    atomic_write_text(path, record.model_dump_json(indent=2) + "\n", root)


PROBE_BYTES = 64 * 1024
"""Size of the writability probe when the run has no cell to measure: a typical cell."""


def check_writable(folder: Path, size: int = PROBE_BYTES) -> None:
    """Fail early, before any model loads, if `size` bytes cannot be written to `folder`.

    A real write of about a cell's size, flushed to disk: creating an empty file still
    succeeds on a full disk, so it would not tell.
    """
    probe = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-probe.")
        try:
            _write_bytes(fd, b"\0" * size, Path(probe))
        finally:
            os.close(fd)
    except OSError as exc:
        why = "disk full" if exc.errno in FULL else exc.strerror or str(exc)
        raise UserError(
            f"cannot write results to {folder}: {why} (tried {size // 1024} KiB)"
        ) from exc
    finally:
        if probe is not None:
            Path(probe).unlink(missing_ok=True)


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
