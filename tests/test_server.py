"""The managed server: healthy before use, reported when it dies, never left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.backends.server import ManagedServer, free_port
from bench.errors import UserError

FAKE = str(Path(__file__).with_name("fake_openai_server.py"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is gone for our purposes.
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(")")[-1].split()[0] != "Z"


def _wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def _helper_pid(log: Path) -> int:
    for _ in range(100):
        for line in log.read_text().splitlines():
            if line.startswith("helper pid"):
                return int(line.split()[-1])
        time.sleep(0.05)
    raise AssertionError("fake server printed no helper pid")


def test_start_waits_for_health_and_stop_ends_the_whole_group(tmp_path):
    port = free_port()
    server = ManagedServer([sys.executable, FAKE, str(port), "--child"], port, tmp_path / "s.log")
    with server:
        assert server.healthy() and server.problem() is None
        helper = _helper_pid(tmp_path / "s.log")
        assert _alive(helper)
    assert server.proc.poll() is not None
    assert _wait_gone(helper), "the server's helper process outlived it"
    server.stop()  # a second stop is harmless


def test_server_dying_while_starting_is_one_clear_error(tmp_path):
    port = free_port()
    cmd = [sys.executable, FAKE, str(port), "--die-on-start"]
    with pytest.raises(UserError, match="exited with code 3.*cannot allocate the KV cache"):
        ManagedServer(cmd, port, tmp_path / "s.log").start()


def test_problem_reports_a_server_killed_mid_run(tmp_path):
    port = free_port()
    with ManagedServer([sys.executable, FAKE, str(port)], port, tmp_path / "s.log") as server:
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
        assert "exited with code -9" in server.problem()


def test_server_dies_with_a_killed_parent(tmp_path):
    """Even a SIGKILLed model process (no `finally` runs) leaves no server behind."""
    log = str(tmp_path / "s.log")
    script = (
        "import sys, time\n"
        "from bench.backends.server import ManagedServer, free_port\n"
        "port = free_port()\n"
        f"cmd = [sys.executable, {FAKE!r}, str(port), '--child']\n"
        f"s = ManagedServer(cmd, port, {log!r}).start()\n"
        "print(s.proc.pid, flush=True)\n"
        "time.sleep(600)\n"
    )  # fmt: skip
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    server_pid = int(parent.stdout.readline())
    helper = _helper_pid(tmp_path / "s.log")
    parent.kill()
    parent.wait()
    assert _wait_gone(server_pid), "server outlived its SIGKILLed parent"
    # The death signal is SIGTERM, on which a server stops its own workers (vLLM does).
    assert _wait_gone(helper)


def test_a_local_server_never_gets_the_users_keys(tmp_path, monkeypatch):
    """vLLM's server needs no API key; one it never gets cannot reach logs/<model>.server.log."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-SECRET-77")
    monkeypatch.setenv("HF_TOKEN", "hf-env-SECRET-77")
    server = ManagedServer(["true"], free_port(), tmp_path / "s.log", env={"VLLM_X": "1"})
    assert "OPENAI_API_KEY" not in server.env and "HF_TOKEN" not in server.env
    assert server.env["VLLM_X"] == "1" and server.env["PATH"] == os.environ["PATH"]
