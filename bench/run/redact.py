"""Keep secrets out of the model process's logs and records.

Libraries log request details on errors (lm-eval logs aiohttp's `ClientResponseError`, whose
repr carries the request headers, `Authorization: Bearer sk-…` included). Rather than chase
each call site, the worker calls `install()` once at start-up: every log record (whatever
logger or handler emits it) and every write to `sys.stdout` / `sys.stderr` — which go to
`results/<run>/logs/<model>.log` — pass through `scrub()` first. The store passes every record
it writes through `mask()` (the known key values only: a server that echoes the key into an
answer must not get it into `samples/`).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable

MASK = "***"
MIN_SECRET_LEN = 6
"""Shorter values are not masked: they would also blank ordinary words and numbers."""

SECRET_ENV_SUFFIXES = ("_API_KEY", "_KEY", "_TOKEN", "_SECRET", "_PASSWORD")
"""Environment variables whose values are treated as secrets even if no model names them."""

# `Authorization: Bearer x`, `'Authorization': 'Bearer x'`, `api-key=x`, `"x-api-key": "x"`.
_HEADER = re.compile(
    r"""(?P<name>\b(?:proxy-)?authorization|\b(?:x-)?api[-_]key)(?P<sep>['"]?\s*[:=]\s*['"]?)"""
    r"""(?P<scheme>(?:bearer|basic|token)\s+)?(?P<value>[^\s'",}\)>]+)""",
    re.IGNORECASE,
)

_secrets: set[str] = set()


def add_secrets(values: Iterable[str | None]) -> None:
    """Mask these values from now on (empty or too short ones are ignored)."""
    _secrets.update(v for v in values if v and len(v) >= MIN_SECRET_LEN)


def without_secrets(env: dict[str, str]) -> dict[str, str]:
    """`env` less every variable that looks like a key or token: for local servers, which
    need none and cannot then log one."""
    return {k: v for k, v in env.items() if not k.upper().endswith(SECRET_ENV_SUFFIXES)}


def env_secrets(names: Iterable[str] = ()) -> list[str]:
    """Values of the named variables plus of any variable that looks like a key or token."""
    wanted = set(names)
    return [
        value
        for name, value in os.environ.items()
        if name in wanted or name.upper().endswith(SECRET_ENV_SUFFIXES)
    ]


def mask(text: str) -> str:
    """`text` with every known secret value replaced by `***` (no pattern guessing, so
    records keep their data; a no-op in a process that registered no secrets)."""
    if not _secrets or not isinstance(text, str):
        return text
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def scrub(text: str) -> str:
    """`text` with every known secret and every auth header value replaced by `***`."""
    if not isinstance(text, str) or not text:
        return text
    return _HEADER.sub(lambda m: f"{m['name']}{m['sep']}{m['scheme'] or ''}{MASK}", mask(text))


class RedactFilter(logging.Filter):
    """A logging filter that formats the record's message and traceback, then scrubs them."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Scrub one record in place: message (with its args), traceback and stack text."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record is logging's problem, not ours
        return record
    record.msg, record.args = scrub(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    return record


class RedactingStream:
    """A text stream that scrubs every write before passing it on (everything else passes)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(scrub(text))
        return len(text)  # callers count what they gave, not what was written

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


_installed = False


def install(secret_env: Iterable[str] = ()) -> None:
    """Scrub this process's logs from now on: streams, root handlers, every record.

    `secret_env` names environment variables holding keys (a model's `api_key_env`); their
    values are masked along with those of variables that look like keys or tokens.
    """
    global _installed
    add_secrets(env_secrets(secret_env))
    if _installed:
        return
    _installed = True
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = RedactingStream(old_out), RedactingStream(old_err)
    handlers = list(logging.getLogger().handlers)
    for logger in logging.Logger.manager.loggerDict.values():
        handlers += getattr(logger, "handlers", [])
    for handler in handlers:
        handler.addFilter(RedactFilter())
        # Handlers made before now hold the raw streams; point them at the scrubbed ones.
        stream = getattr(handler, "stream", None)
        if stream is old_out or stream is old_err:
            handler.setStream(sys.stdout if stream is old_out else sys.stderr)
    # Handlers added later (lm-eval adds its own when it starts) are covered at the source:
    # every record is scrubbed as it is made.
    make_record = logging.getLogRecordFactory()
    logging.setLogRecordFactory(lambda *a, **kw: redact_record(make_record(*a, **kw)))
