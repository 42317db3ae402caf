"""Regression gate: paired tests, thresholds, hardware mismatch, exit codes, formats."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bench.analysis.stats import mcnemar_exact
from bench.ci.regress import Thresholds, compare, load_thresholds
from bench.ci.regress_format import to_junit, to_markdown
from bench.errors import UserError
from bench.results.baseline import Snapshot, SnapshotCell, SnapshotFigure
from bench.results.records import HardwareInfo, Metric

HW = HardwareInfo(cpu_model="AMD EPYC", cpu_cores_logical=2, cpu_cores_physical=2,
                  ram_total_gib=23.5, platform="Linux")  # fmt: skip


def _cell(model="m", task="t", scores=None, latency=1.0, rss=1000.0, status="ok", params=None):
    scores = scores if scores is not None else {f"h{i}": float(i % 2) for i in range(40)}
    value = sum(scores.values()) / len(scores) if scores else None
    figs = [SnapshotFigure(metric=Metric.LATENCY_PER_SAMPLE, value=latency, unit="s",
                           provenance="measured:x"),
            SnapshotFigure(metric=Metric.PEAK_RSS, value=rss, unit="MiB",
                           provenance="measured:x")]  # fmt: skip
    return SnapshotCell(
        model=model, task=task, status=status, metric="acc", value=value,
        ci_low=0.0, ci_high=1.0, n=len(scores), figures=figs, scores=scores, params_b=params,
    )  # fmt: skip


def _snap(cells, fingerprint="aaa", cpu="AMD EPYC"):
    return Snapshot(run_id="r", created_at="t", source="s",
                    hardware=HW.model_copy(update={"cpu_model": cpu}),
                    hardware_fingerprint=fingerprint, cells=cells)  # fmt: skip


def test_mcnemar_known_values():
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(0, 6) == pytest.approx(2 / 64)  # all six discordant one way
    assert mcnemar_exact(3, 3) == 1.0


def test_identical_runs_have_no_regression():
    result = compare(_snap([_cell()]), _snap([_cell()]), Thresholds())
    assert not result.regressions and not result.warnings


def test_accuracy_drop_on_shared_samples_is_a_regression():
    base = {f"h{i}": 1.0 for i in range(40)}
    worse = {**base, **{f"h{i}": 0.0 for i in range(12)}}  # 12 lost, none won
    result = compare(_snap([_cell(scores=base)]), _snap([_cell(scores=worse)]), Thresholds())
    [reg] = result.regressions
    assert reg.quantity.startswith("accuracy") and "12 lost" in reg.detail


def test_small_accuracy_wobble_is_not_a_regression():
    base = {f"h{i}": 1.0 for i in range(40)}
    wobble = {**base, "h0": 0.0}
    assert not compare(_snap([_cell(scores=base)]), _snap([_cell(scores=wobble)]),
                       Thresholds()).regressions  # fmt: skip


def test_latency_inside_the_band_is_fine_and_outside_is_not():
    t = Thresholds()
    assert not compare(_snap([_cell(latency=1.0)]), _snap([_cell(latency=1.2)]), t).regressions
    [reg] = compare(_snap([_cell(latency=1.0)]), _snap([_cell(latency=1.5)]), t).regressions
    assert reg.quantity == "latency_per_sample"


def test_hardware_mismatch_warns_and_checks_accuracy_only():
    result = compare(_snap([_cell(latency=1.0)]),
                     _snap([_cell(latency=9.0)], fingerprint="bbb", cpu="Other CPU"),
                     Thresholds())  # fmt: skip
    assert not result.regressions
    assert any("hardware differs" in w for w in result.warnings)
    assert {f.quantity for f in result.findings} == {"accuracy (acc)"}


def test_missing_cells_are_regressions_and_an_empty_candidate_an_input_error():
    base = _snap([_cell(), _cell(task="u")])
    result = compare(base, _snap([_cell()]), Thresholds())
    assert [(f.task, f.quantity) for f in result.regressions] == [("u", "status")]
    with pytest.raises(UserError, match="candidate run has no results"):
        compare(base, _snap([]), Thresholds())


def test_a_baseline_without_ok_cells_is_an_input_error_not_a_pass():
    for cells in ([], [_cell(status="error", scores={})]):
        with pytest.raises(UserError, match="baseline has no ok cells"):
            compare(_snap(cells), _snap([_cell()]), Thresholds())


def test_baseline_save_refuses_a_run_without_ok_cells(cli, tmp_path):
    import shutil

    run = tmp_path / "20260101-000000-abcd"
    shutil.copytree(Path(__file__).parent / "fixtures" / "run_v1", run)
    for cell in run.glob("cells/*/*.json"):  # a run that crashed before any cell finished
        cell.unlink()
    out = tmp_path / "b.json"
    result = cli("baseline", "save", str(run), "--out", str(out))
    assert result.returncode == 2 and "has no ok cells" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
    gate = cli("compare", str(run), str(run))  # and as a candidate it fails the gate
    assert gate.returncode == 2 and "candidate run has no results" in gate.stderr


def test_each_cell_states_the_drop_it_could_detect():
    three = {f"h{i}": 1.0 for i in range(3)}
    [finding] = compare(_snap([_cell(scores=three)]), _snap([_cell(scores=three)]),
                        Thresholds(), ).findings[:1]  # fmt: skip
    assert "no drop is detectable on 3 samples" in finding.detail


def test_pooled_gate_fails_on_a_ten_point_drop_no_single_cell_can_see():
    # 4 right/wrong tasks × 15 samples: one cell with 1–2 lost can never be significant,
    # 6 losses out of 60 pooled (a 10-point drop) are (p = 0.031).
    tasks = ["a", "b", "c", "d"]
    base = [_cell(task=t, scores={f"{t}{i}": 1.0 for i in range(15)}) for t in tasks]
    lost = {"a": 2, "b": 2, "c": 1, "d": 1}
    cand = [_cell(task=t, scores={f"{t}{i}": float(i >= lost[t]) for i in range(15)})
            for t in tasks]  # fmt: skip
    result = compare(_snap(base), _snap(cand), Thresholds())
    assert [f.quantity for f in result.regressions] == ["accuracy (pooled)"]
    assert "6 lost, 0 won" in result.regressions[0].detail


def test_cell_that_now_fails_is_a_regression():
    result = compare(_snap([_cell()]), _snap([_cell(status="error", scores={})]), Thresholds())
    assert [f.quantity for f in result.regressions] == ["status"]


def test_flipped_recommendation_is_flagged():
    # the report's rule: the large model is the reference; the small one is recommended once
    # it is shown within δ of it
    fast_bad = _cell("small", scores={f"h{i}": 0.0 for i in range(40)}, latency=0.1, params=1)
    slow_good = _cell("large", scores={f"h{i}": 1.0 for i in range(40)}, latency=2.0, params=70)
    fast_good = _cell("small", scores={f"h{i}": 1.0 for i in range(40)}, latency=0.1, params=1)
    result = compare(_snap([fast_bad, slow_good]), _snap([fast_good, slow_good]), Thresholds())
    flips = [f for f in result.findings if f.quantity == "recommended model"]
    assert flips and "from large to small" in flips[0].detail


def test_markdown_and_junit_outputs():
    base = {f"h{i}": 1.0 for i in range(40)}
    worse = {f"h{i}": 0.0 for i in range(40)}
    result = compare(_snap([_cell(scores=base)]), _snap([_cell(scores=worse)]), Thresholds())
    md = to_markdown(result)
    assert "1 regression" in md and "| m | t |" in md
    root = ET.fromstring(to_junit(result))
    assert root.get("failures") == "1" and root.find("testcase/failure") is not None


def test_thresholds_yaml_overrides_and_rejects_unknown_keys(tmp_path):
    good = tmp_path / "t.yaml"
    good.write_text("alpha: 0.01\nfigures:\n  peak_rss: {max_worse: 0.5}\n")
    t = load_thresholds(good)
    assert t.alpha == 0.01 and t.figures["peak_rss"].max_worse == 0.5
    assert "latency_per_sample" in t.figures
    bad = tmp_path / "bad.yaml"
    bad.write_text("alpah: 0.01\n")
    from bench.errors import UserError

    with pytest.raises(UserError, match="unknown key"):
        load_thresholds(bad)
    typo = tmp_path / "typo.yaml"
    typo.write_text("figures:\n  peak_rs: {max_worse: 0.5}\n")
    with pytest.raises(UserError, match="unknown figure 'peak_rs'"):
        load_thresholds(typo)


def test_committed_ci_thresholds_name_known_figures():
    t = load_thresholds(Path(__file__).parent.parent / "results/baselines/ci-thresholds.yaml")
    assert set(t.figures) == {"latency_per_sample", "tokens_per_s", "peak_rss", "energy_per_sample"}


def test_derived_figures_read_the_same_from_a_snapshot_and_a_summary_row():
    from bench.analysis import figures as fig

    cell = _cell(scores={"a": 1.0, "b": 0.0, "c": 1.0, "d": 1.0}, latency=0.5)
    cell.figures.append(SnapshotFigure(metric=Metric.ENERGY, value=2e-3, unit="kWh",
                                       provenance="estimated:x"))  # fmt: skip
    row = {"n": 4, "accuracy": 0.75, Metric.ENERGY.value: 2e-3, Metric.LATENCY_PER_SAMPLE: 0.5}
    for source in (fig.snapshot_source(cell), row):
        assert fig.figure(source, fig.ENERGY_PER_SAMPLE) == pytest.approx(5e-4)
        assert fig.figure(source, fig.ENERGY_WH_PER_1K) == pytest.approx(500.0)
        assert fig.figure(source, fig.ENERGY_WH_PER_1K_CORRECT) == pytest.approx(500.0 / 0.75)
        assert fig.figure(source, Metric.LATENCY_PER_SAMPLE) == 0.5
    assert fig.figure({"n": 0, "energy": 1.0}, fig.ENERGY_PER_SAMPLE) is None
    assert fig.figure({"n": 4, "energy": float("nan")}, fig.ENERGY_WH_PER_1K) is None
    assert fig.per_correct(1.0, 0.0) is None


def test_cli_exit_codes(cli, tmp_path):
    base = _snap([_cell(scores={f"h{i}": 1.0 for i in range(40)})])
    cand = _snap([_cell(scores={f"h{i}": 0.0 for i in range(40)})])
    (tmp_path / "base.json").write_text(base.model_dump_json())
    (tmp_path / "cand.json").write_text(cand.model_dump_json())
    same = cli("compare", str(tmp_path / "base.json"), str(tmp_path / "base.json"))
    assert same.returncode == 0 and "no regression" in same.stdout
    junit = tmp_path / "out.xml"
    worse = cli("compare", str(tmp_path / "base.json"), str(tmp_path / "cand.json"),
                "--junit", str(junit), "--markdown", str(tmp_path / "out.md"))  # fmt: skip
    assert worse.returncode == 1 and junit.exists() and (tmp_path / "out.md").exists()
    (tmp_path / "corrupt.json").write_text("{nope")
    corrupt = cli("compare", str(tmp_path / "corrupt.json"), str(tmp_path / "cand.json"))
    assert corrupt.returncode == 2 and "unreadable baseline" in corrupt.stderr
    assert "Traceback" not in corrupt.stderr
    missing = cli("compare", str(tmp_path / "nope.json"), str(tmp_path / "cand.json"))
    assert missing.returncode == 2 and "no run folder or baseline" in missing.stderr
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"kind": "something"}))
    assert cli("compare", str(other), str(tmp_path / "cand.json")).returncode == 2


def test_latency_wobble_between_equally_good_models_is_no_flip():
    a1, b1 = _cell(model="a", latency=1.0), _cell(model="b", latency=1.1)
    a2, b2 = _cell(model="a", latency=1.1), _cell(model="b", latency=1.0)
    result = compare(_snap([a1, b1]), _snap([a2, b2]), Thresholds())
    assert not [f for f in result.findings if f.quantity == "recommended model"]
