"""The end of a process's log as one line, without progress bars, for error messages.

A model process killed mid-task leaves a log ending in tqdm's progress bars
(`Running requests: 40%|████ | 2/5 [00:01<00:02, 1.5it/s]`), redrawn with carriage
returns; they say nothing about why it stopped, so they are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

PROGRESS_BAR = re.compile(r"\d+%\||\|\s*\d+/\d+\s*\[|\d(?:it/s|s/it)\]")
"""A tqdm bar: `40%|`, `| 2/5 [`, or a rate like `1.5it/s]`."""

READ_BYTES = 256 * 1024
"""Only the end of a log is read: it says why the process stopped."""


def log_lines(path: Path, start: int = 0) -> list[str]:
    """The meaningful lines at the end of the log at `path`, from byte `start` on: stripped,
    no blank lines, no progress bars ([] when the file is unreadable)."""
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            fh.seek(max(start, size - READ_BYTES))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    lines = (ln.strip() for ln in re.split(r"[\r\n]", text))
    return [ln for ln in lines if ln and not PROGRESS_BAR.search(ln)]


def log_tail(path: Path, lines: int = 1, start: int = 0) -> str:
    """The last `lines` meaningful lines of the log (see `log_lines`), joined by ' | '."""
    return " | ".join(log_lines(path, start)[-lines:])
