"""A model server run as a managed child process: loopback only, health-checked, always stopped.

The server gets its own process group (so stopping it stops its helpers too) and, on Linux,
asks the kernel to send it SIGTERM if the process that started it dies — so not even a
SIGKILLed model process leaves a server behind. Output goes to a log file next to the run's
other logs; a server that dies while starting is reported with the last lines of that log.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.errors import UserError
from bench.logtail import log_tail
from bench.run.redact import without_secrets

PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child between fork and exec
    # Not Linux: no such call; the parent's `finally` and SIGTERM handler still stop it.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class ManagedServer:
    """Start `command` (which must listen on `port`), wait until `health_path` answers 200."""

    def __init__(self, command: list[str], port: int, log_path: Path,
                 env: dict[str, str] | None = None, health_path: str = "/health",
                 start_timeout_s: float = 600.0):  # fmt: skip
        self.command, self.port, self.log_path = command, port, Path(log_path)
        # A local server needs none of the user's keys; one it never gets cannot reach its log.
        self.env = {**without_secrets(dict(os.environ)), **(env or {})}
        self.health_url = f"http://127.0.0.1:{port}{health_path}"
        self.start_timeout_s = start_timeout_s
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ManagedServer:
        """Launch and block until healthy; raise (after stopping it) if it dies or times out."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self.env, start_new_session=True, preexec_fn=_die_with_parent,
            )  # fmt: skip
        deadline = time.monotonic() + self.start_timeout_s
        try:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise UserError(
                        f"model server exited with code {self.proc.returncode} while starting: "
                        f"{log_tail(self.log_path, 3)} (log: {self.log_path})"
                    )
                if self.healthy():
                    return self
                time.sleep(0.5)
            raise UserError(
                f"model server not healthy after {self.start_timeout_s:.0f} s "
                f"(log: {self.log_path})"
            )
        except BaseException:
            self.stop()
            raise

    def healthy(self) -> bool:
        """True when the health endpoint answers 200 within 2 s."""
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def problem(self) -> str | None:
        """None while the server runs, else one line saying how it ended."""
        if self.proc is None:
            return "model server was never started"
        if self.proc.poll() is not None:
            return (
                f"model server exited with code {self.proc.returncode}: "
                f"{log_tail(self.log_path, 1)} (log: {self.log_path})"
            )
        return None

    def stop(self, grace_s: float = 15.0) -> None:
        """SIGTERM to the server's process group, SIGKILL after `grace_s`; safe to repeat."""
        if self.proc is None:
            return
        for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:  # the whole group is gone already
                break
            if _wait_group_gone(self.proc, wait_s):
                break
        self.proc.poll()

    def __enter__(self) -> ManagedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _wait_group_gone(proc: subprocess.Popen, timeout_s: float) -> bool:
    """Reap the leader and wait until no process of its group is left; False on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        proc.poll()
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False
