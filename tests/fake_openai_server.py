"""A stand-in OpenAI-compatible server for injecting faults (not for accuracy).

    python tests/fake_openai_server.py PORT [--key K] [--fail-first N] [--status S]
        [--delay SECONDS] [--slow SECONDS] [--child] [--die-on-start] [--echo-auth]

Answers /health, /v1/models and /v1/chat/completions (always the text "Abfall", with usage;
with --echo-auth the request's Authorization header instead, as a careless proxy might).
It demands `Authorization: Bearer K` when --key is given (401 otherwise), answers the first N
completion requests with HTTP S (default 429) — after sleeping --delay seconds, so that
a client timeout fires first — sleeps --slow seconds before every good answer (so a test
can act mid-run), prints one line per completion request (to count attempts),
and with --child starts a sleeping helper
process so that tests can check the whole process group is stopped.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--key", default="")
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--status", type=int, default=429)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--slow", type=float, default=0.0)
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--die-on-start", action="store_true")
    ap.add_argument("--echo-auth", action="store_true")
    args = ap.parse_args()
    if args.die_on_start:
        print("fake server: cannot allocate the KV cache", flush=True)
        sys.exit(3)
    if args.child:
        helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        print(f"helper pid {helper.pid}", flush=True)

        def stop_helper(signum, frame):  # as real servers do: SIGTERM stops their workers
            helper.kill()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop_helper)
    state = {"completions": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):  # keep test output quiet
            pass

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if args.key and self.headers.get("Authorization") != f"Bearer {args.key}":
                self._send(401, {"error": {"message": "invalid api key"}})
                return False
            return True

        def do_GET(self):
            if self.path == "/health":
                self._send(200, {})
            elif self.path == "/v1/models" and self._authorised():
                self._send(200, {"data": [{"id": "fake"}]})
            elif self.path not in ("/health", "/v1/models"):
                self._send(404, {})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if not self._authorised():
                return
            state["completions"] += 1
            print(f"completion request {state['completions']}", flush=True)
            if state["completions"] <= args.fail_first:
                time.sleep(args.delay)
                self._send(args.status, {"error": {"message": "injected failure"}})
                return
            time.sleep(args.slow)
            text = self.headers.get("Authorization", "") if args.echo_auth else "Abfall"
            self._send(200, {
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 100, "completion_tokens": 2, "total_tokens": 102},
            })  # fmt: skip

    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
