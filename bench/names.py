"""Names that become file or folder names (models, tasks, run ids) must be plain identifiers.

A model called `../../x` or `sub/dir` would write records outside the run folder; checking
the name where it enters (catalogue, command line, run.json) stops that with one line.
"""

from __future__ import annotations

import re

MAX_NAME_LEN = 128
"""Long enough for `family-size-variant@backend-precision`, short for every file system."""

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")


def name_problem(kind: str, name: object) -> str | None:
    """Why `name` cannot be a `kind` name, or None when it can."""
    if not isinstance(name, str) or not name:
        return f"{kind} name must not be empty"
    if len(name) > MAX_NAME_LEN:
        return f"{kind} name '{name[:40]}…' is longer than {MAX_NAME_LEN} characters"
    if not _NAME.fullmatch(name) or ".." in name:
        return (
            f"{kind} name '{name}' may hold only letters, digits and . - _ @ "
            "(starting with a letter or digit, no '..')"
        )
    return None


def check_name(kind: str, name: object) -> str:
    """`name` itself if it is a valid `kind` name; else ValueError with one clear line."""
    problem = name_problem(kind, name)
    if problem:
        raise ValueError(problem)
    return name  # type: ignore[return-value]
