"""How a run stops early: a failed write (disk full), a vanished run folder or Ctrl-C end in
one line saying what to do, with `run.json` marked `interrupted` where it can still be written.

Finished cells are never touched: `slm-bench run --resume <run folder>` redoes only the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bench.errors import UserError
from bench.results.store import RunFolderGone, RunStore, WriteFailed, now_iso


class RunInterrupted(UserError):
    """Ctrl-C during a run: exit code 130, as shells expect after SIGINT."""

    exit_code = 130


def resume_command(store: RunStore) -> str:
    """The exact command that continues this run."""
    return f"slm-bench run --resume {store.root}"


def mark_interrupted(store: RunStore) -> bool:
    """Set run.json's status to `interrupted`; False when it cannot be written any more."""
    try:
        info = store.read_info()
        info.status, info.ended_at = "interrupted", now_iso()
        store.write_info(info)
    except (UserError, OSError):  # the disk is still full, or the folder is gone
        return False
    return True


@contextmanager
def stopping_cleanly(store: RunStore) -> Iterator[None]:
    """Turn a failed write or Ctrl-C inside the block into one line that names the resume
    command; run.json says `interrupted`. A vanished run folder has nothing left to resume."""
    try:
        yield
    except RunFolderGone:
        raise
    except WriteFailed as exc:
        mark_interrupted(store)
        fix = "free space" if exc.full else "fix that"
        raise WriteFailed(
            f"{exc}; finished cells are kept; {fix} and run {resume_command(store)}",
            exc.path,
            exc.full,
        ) from exc
    except KeyboardInterrupt:
        mark_interrupted(store)
        raise RunInterrupted(
            f"interrupted; finished cells are kept; resume with: {resume_command(store)}"
        ) from None
