"""The long-context curve: effective length in the model's tokens and its uncertainty (pure)."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.analysis.facts import RunFacts
from bench.analysis.long_context import (
    drop_is_uncertain,
    effective_context_length,
    effective_lengths,
    long_context_table,
)
from bench.report.long_context_view import effective_rows, length_text, nominal_label
from bench.report.render import texts
from bench.report.summary_view import Formatter
from bench.taskkit.facts import task_facts

NEEDLES = [f"needle_{lang}_{n}" for lang in ("de", "en") for n in (512, 1024, 2048, 4096)]
FACTS = RunFacts({f.name: f for f in task_facts(NEEDLES)}, [])


def _cell(model, task, score, half=0.1, n=20, tokens=None):
    return {"model": model, "task": task, "metric": "found", "accuracy": score,
            "ci_low": max(score - half, 0.0), "ci_high": min(score + half, 1.0), "n": n,
            "input_tokens": tokens * n if tokens else float("nan")}  # fmt: skip


def _lengths(*cells) -> pd.DataFrame:
    return effective_lengths(long_context_table(pd.DataFrame(cells), FACTS)).set_index("model")


def test_effective_length_is_the_last_length_before_the_first_drop():
    assert effective_context_length([(512, 0.8), (1024, 0.7), (2048, 0.5), (4096, 0.8)]) == 1024
    assert effective_context_length([(1024, 0.5), (512, 0.5)]) == 1024  # order does not matter
    assert effective_context_length([(512, 0.0), (1024, 0.0)]) is None  # fails the shortest
    assert effective_context_length([]) is None


def test_effective_length_is_given_in_the_models_own_mean_input_tokens():
    lengths = _lengths(
        _cell("m", "needle_en_512", 1.0, tokens=470),
        _cell("m", "needle_en_1024", 0.9, tokens=941.4),
        _cell("m", "needle_en_2048", 0.1, tokens=1880),
    )
    row = lengths.loc["m"]
    assert row.effective_length == 1024 and row.effective_tokens == 941
    assert (row.next_length, row.next_tokens, row.next_score) == (2048, 1880, 0.1)
    assert row.floor == pytest.approx(0.8) and row.floor_low == pytest.approx(0.72)
    # The next interval [0.0, 0.2] lies well below the floor's [0.72, 0.8]: a clear drop.
    assert row.uncertain is not None and not row.uncertain


def test_drop_is_uncertain_when_the_next_interval_reaches_the_floors():
    assert drop_is_uncertain((0.56, 0.72), (0.4, 0.6))  # overlaps
    assert not drop_is_uncertain((0.56, 0.72), (0.0, 0.3))
    assert drop_is_uncertain((0.56, 0.72), (float("nan"), 0.3)) is None
    lengths = _lengths(  # 3 samples at the long end: wide intervals
        _cell("m", "needle_en_512", 0.9, half=0.1),
        _cell("m", "needle_en_1024", 0.667, half=0.4, n=3),
    )
    assert lengths.at["m", "effective_length"] == 512 and lengths.at["m", "uncertain"]


def test_no_next_length_or_no_effective_length_leaves_uncertainty_open():
    lengths = _lengths(
        _cell("all", "needle_de_512", 0.9), _cell("all", "needle_de_1024", 0.9),
        _cell("none", "needle_de_512", 0.0), _cell("none", "needle_de_1024", 0.0),
    )  # fmt: skip
    assert lengths.at["all", "effective_length"] == 1024
    assert lengths.at["all", "uncertain"] is None and lengths.at["all", "next_length"] is None
    assert pd.isna(lengths.at["none", "effective_length"])
    assert lengths.at["none", "uncertain"] is None


@pytest.mark.parametrize("lang", ["en", "de"])
def test_effective_rows_label_tokens_with_the_nominal_length(lang):
    t, fmt = texts(lang), Formatter(lang)
    assert [nominal_label(n) for n in (512, 4096, 32768)] == ["512", "4k", "32k"]
    assert nominal_label(1024.0) == "1k"  # a column with gaps holds floats
    label = length_text(4096, 3712, t, fmt)
    assert label == {"en": "4k nominal = 3,712 tokens", "de": "nominal 4k = 3.712 Tokens"}[lang]
    assert length_text(4096, None, t, fmt) == t["nominal_only"].format(nominal="4k")
    lengths = _lengths(
        _cell("m", "needle_en_512", 1.0, tokens=470),
        _cell("m", "needle_en_1024", 0.9, tokens=941),
        _cell("m", "needle_en_2048", 0.7, tokens=1880),
    ).reset_index()
    (row,) = effective_rows(lengths, t, fmt)
    assert row["tokens"] == fmt.int(941) and row["uncertain"]  # [0.6, 0.8] reaches [0.72, 0.8]
    assert row["score"] == f"{fmt(0.9)} [{fmt(0.8)}–{fmt(1.0)}]"
    # The drop may be chance: no length is claimed, the length reached is a lower bound.
    assert row["effective"] == (f"{t['not_determinable'].format(n=20)} "
                                f"({t['at_least'].format(nominal='1k')})")  # fmt: skip
    assert row["next"].startswith(length_text(2048, 1880, t, fmt))
    assert effective_rows(pd.DataFrame(), t, fmt) == []
