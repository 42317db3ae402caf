"""The report's numbers: no more digits than the interval supports; energy and money in
units a reader can read (mWh, cents), in both locales."""

from __future__ import annotations

import pytest

from bench.report.numbers import Formatter, interval_digits, significant_digits


@pytest.mark.parametrize(
    ("low", "high", "digits"),
    [
        (0.0, 0.43, 1),  # n = 5: ±0.2 → one decimal
        (0.42, 0.75, 2),  # ±0.165: the leading 1 keeps a second digit
        (0.58, 0.64, 2),  # ±0.03
        (0.8, 1.0, 2),  # ±0.1 (a float's 0.0999…) is still a leading 1
        (120.0, 180.0, 0),  # ±30 → whole numbers
        (0.5, 0.5, None),  # no width, no interval
        (float("nan"), 0.5, None),
    ],
)
def test_an_interval_fixes_the_last_digit(low, high, digits):
    assert interval_digits(low, high) == digits


def test_estimates_round_value_and_bounds_alike_in_the_readers_locale():
    assert Formatter("en").estimate(0.6, 0.23, 0.88) == ("0.6", "0.2–0.9")
    assert Formatter("de").estimate(0.6, 0.23, 0.88) == ("0,6", "0,2–0,9")
    # In percentage points the same interval keeps no decimals.
    assert Formatter("en").estimate(-0.04, -0.21, 0.13, scale=100) == ("-4", "-21–13")
    assert Formatter("en").estimate(0.5, None, None) == ("0.500", "")
    assert Formatter("en").estimate(float("nan"), 0.1, 0.2) == ("–", "")


def test_figures_without_an_interval_keep_two_significant_digits():
    fmt = Formatter("de")
    assert [significant_digits(v) for v in (0.0829, 1.5, 1234.0)] == [3, 1, 0]
    assert (fmt.sig(0.0829), fmt.sig(1234.0), fmt.sig(None)) == ("0,083", "1.234", "–")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_energy_is_never_shown_as_zero_kwh(lang):
    fmt = Formatter(lang)
    comma = "," if lang == "de" else "."
    assert fmt.energy(0.0000213) == f"0{comma}021 mWh"
    assert fmt.energy(0.02) == "20 mWh"
    assert fmt.energy(3.456) == f"3{comma}5 Wh"
    assert fmt.energy(None) == "–"


def test_small_money_is_shown_in_cents():
    fmt = Formatter("de")
    assert fmt.money(0.0829, "EUR") == "8,3 ct"
    assert fmt.money(0.000412, "USD") == "0,041 ¢"
    assert fmt.money(12.5, "EUR") == "12,50 EUR"
    assert fmt.money(0.5, "JPY") == "0,50 JPY"  # no cents known: the currency itself


def test_large_estimates_round_their_whole_part():
    fmt = Formatter("en")
    assert (fmt.approx(142_668), fmt.approx(1_500, 3), fmt.approx(42.4)) == (
        "140,000",
        "1,500",
        "42",
    )
    assert (fmt.approx(0.43), fmt.approx(None)) == ("0.43", "–")
