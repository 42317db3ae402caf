"""Progress inside a cell: the status a model process writes and what the CLI shows."""

from __future__ import annotations

import json
import shutil
import time

from bench.backends.base import Usage
from bench.run.progress import Reporter, Status, Watcher, progress_shower, read_statuses


def test_status_describes_counts_and_eta():
    st = Status(model="m", task="t")
    st.set("scoring")
    st.since = 100.0
    st.done, st.total = 10, 40
    # 10 requests in 20 s: 30 left take 60 s.
    assert st.eta_seconds(now=120.0) == 60.0
    assert st.describe(now=120.0) == "m × t: scoring 10/40 requests, ETA 1:00"
    st.done = 0
    assert st.eta_seconds(now=120.0) is None  # no rate before the first batch
    assert Status(model="m").describe() == "m: starting"


def test_usage_progress_counts_batches_and_never_exceeds_total():
    usage = Usage()
    usage.expected = 5
    usage.batches.add(0.1, 2)
    assert usage.progress() == (2, 5)
    usage.batches.add(0.1, 8)  # a fallback batch may hold more rows than were announced
    assert usage.progress() == (5, 5)


def test_reporter_writes_polls_and_removes_its_file(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    path = run / "progress" / "m.json"
    st = Status(model="m")

    def poll(status):
        status.done, status.total = 3, 9

    with Reporter(st, path, poll=poll, interval=0.05):
        st.set("scoring", "t")
        deadline = time.time() + 10
        while time.time() < deadline and not path.exists():
            time.sleep(0.05)
        seen = json.loads(path.read_text())
        assert (seen["stage"], seen["task"], seen["done"], seen["total"]) == ("scoring", "t", 3, 9)
        assert [s.describe() for s in read_statuses(run / "progress")][0].startswith("m × t")
    assert not path.exists()


def test_reporter_never_recreates_a_deleted_run_folder(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    reporter = Reporter(Status(model="m"), run / "progress" / "m.json", interval=0.05)
    with reporter:
        shutil.rmtree(run)
        reporter.write()
        time.sleep(0.2)
    assert not run.exists()


class FakeBar:
    def __init__(self):
        self.lines, self.postfix = [], None

    def write(self, text):
        self.lines.append(text)

    def set_postfix_str(self, text, refresh=True):
        self.postfix = text


def test_shower_prints_stage_changes_to_a_log_and_postfix_to_a_terminal(tmp_path):
    bar = FakeBar()
    show = progress_shower(bar, interactive=False, every=3600)
    st = Status(model="m", task="t", stage="loading")
    show([st])
    show([st])  # unchanged: no new line
    st.set("scoring")
    show([st])
    assert bar.lines == ["  … m × t: loading", "  … m × t: scoring"]
    term = FakeBar()
    progress_shower(term, interactive=True)([st, Status(model="n")])
    assert term.postfix == "m × t: scoring | n: starting"
    # The watcher feeds the shower from the files the model processes write.
    (tmp_path / "m.json").write_text(json.dumps(st.__dict__))
    got = []
    with Watcher(tmp_path, got.append, interval=0.05):
        deadline = time.time() + 10
        while time.time() < deadline and not got:
            time.sleep(0.05)
    assert got and got[0][0].stage == "scoring"
