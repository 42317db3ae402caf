"""Errors a user can fix. The CLI prints them as one line and exits non-zero, no traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UserError(Exception):
    """Bad input or a missing prerequisite: shown as one line, exit code 2."""

    exit_code = 2


def did_you_mean(kind: str, name: str, known: Iterable[str]) -> UserError:
    """An 'unknown <kind>' error naming the closest known names."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    more = ", …" if len(known) > 12 else ""
    listing = "" if close else f" (known: {', '.join(known[:12])}{more})"
    return UserError(f"unknown {kind} '{name}'{hint}{listing}")
