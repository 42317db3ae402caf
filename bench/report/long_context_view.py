"""The long-context table of the report: effective length in the model's tokens, with its
nominal length as the label and the scores that decide it, formatted for the reader."""

from __future__ import annotations

import pandas as pd

from bench.report.numbers import Formatter


def nominal_label(length: int | None) -> str:
    """A nominal length as the curve's axis writes it: 512, 1k, 2k … 32k."""
    if length is None:
        return "–"
    length = int(length)  # a table column with gaps holds floats: 1024.0 is still "1k"
    return f"{length // 1024}k" if length >= 1024 else str(length)


def length_text(length: int | None, tokens: int | None, t: dict, fmt: Formatter) -> str:
    """'4k nominal = 3,712 tokens' (in the reader's language), or '4k nominal' without tokens."""
    if length is None:
        return "–"
    nominal = nominal_label(length)
    if tokens is None:
        return t["nominal_only"].format(nominal=nominal)
    return t["nominal_is"].format(nominal=nominal, tokens=fmt.int(tokens))


def effective_rows(lengths: pd.DataFrame, t: dict, fmt: Formatter) -> list[dict]:
    """One row per model × language of `bench.analysis.long_context.effective_lengths`."""
    rows = []
    for r in lengths.to_dict("records") if not lengths.empty else []:
        r = {k: None if _missing(v) else v for k, v in r.items()}
        effective = r["effective_length"]
        tokens = r["effective_tokens"]
        rows.append({
            "model": r["model"], "lang": r["lang"],
            "tokens": fmt.int(tokens) if tokens is not None else "–",
            # A drop that may be chance leaves the length open: a lower bound, not a figure.
            "effective": (f"{t['not_determinable'].format(n=fmt.int(r['next_n']))} "
                          f"({t['at_least'].format(nominal=nominal_label(effective))})")
            if effective and r["uncertain"] else length_text(effective, tokens, t, fmt)
            if effective else "",
            "uncertain": bool(r["uncertain"]),
            # No effective length rests on the shortest length's score: shown in its place.
            "score": _score(r, "effective" if effective else "first", fmt),
            "next": f"{length_text(r['next_length'], r['next_tokens'], t, fmt)}: "
            f"{_score(r, 'next', fmt)}" if r["next_length"] is not None else "–",
            "floor": _score(r, "floor", fmt, low="floor_low", high="floor_high"),
            "longest_run": nominal_label(r["longest_run"]),
            "skipped_from": nominal_label(r["skipped_from"]),
        })  # fmt: skip
    return rows


def _score(r: dict, key: str, fmt: Formatter, low: str = "", high: str = "") -> str:
    value = r[f"{key}_score"] if key != "floor" else r["floor"]
    if value is None:
        return "–"
    text, bounds = fmt.estimate(value, r[low or f"{key}_ci_low"], r[high or f"{key}_ci_high"])
    return f"{text} [{bounds}]" if bounds else text


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))
