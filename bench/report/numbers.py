"""Numbers as the reader writes them: locale separators, and no more digits than the data
support (an interval fixes the last digit; a figure without one keeps a few significant ones).
Energy in Wh / mWh and money in cents where small, never `0.0000 kWh`."""

from __future__ import annotations

import math

CENTS = {"EUR": "ct", "USD": "¢", "CHF": "Rp."}
"""The hundredth of a currency as readers write it."""
MAX_DIGITS = 6
"""Decimals never exceed this, however narrow an interval."""


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def interval_digits(low, high) -> int | None:
    """Decimals an interval supports: the half-width to one significant digit (two when that
    digit is a 1, so ±0.14 keeps 0.14 rather than 0.1). None without an interval."""
    if _missing(low) or _missing(high) or high <= low:
        return None
    # Scientific notation rounds first, so 0.0999999 (a float's 0.1) reads as 1.0e-01.
    mantissa, exponent = f"{(high - low) / 2:.1e}".split("e")
    leading, exponent = int(mantissa[0]), int(exponent)
    return max(0, min(MAX_DIGITS, -exponent + (1 if leading == 1 else 0)))


def significant_digits(value, figures: int = 2) -> int:
    """Decimals that keep `figures` significant digits of `value` (none for large numbers)."""
    if _missing(value) or value == 0:
        return 0
    return max(0, min(MAX_DIGITS, figures - 1 - math.floor(math.log10(abs(value)))))


class Formatter:
    """Numbers as the reader's locale writes them (de: 1.234,5; en: 1,234.5)."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, value, digits: int = 2) -> str:
        if _missing(value):
            return "–"
        text = f"{value:,.{digits}f}"
        if self.lang == "de":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text

    def int(self, value) -> str:
        """A count, without decimals."""
        return "–" if _missing(value) else self(float(value), 0)

    def sig(self, value, figures: int = 2) -> str:
        """A figure without an interval, to `figures` significant digits (0.083, 12, 1,234)."""
        return "–" if _missing(value) else self(value, significant_digits(value, figures))

    def approx(self, value, figures: int = 2) -> str:
        """A large estimate rounded to `figures` significant digits, whole part included
        (142,668 → 140,000): a break-even volume is no more precise than its inputs."""
        if _missing(value):
            return "–"
        if abs(value) < 1:
            return self.sig(value, figures)
        return self(round(value, figures - 1 - math.floor(math.log10(abs(value)))), 0)

    def estimate(self, value, low, high, scale: float = 1.0) -> tuple[str, str]:
        """(value, 'low–high'), both rounded to the decimals the interval supports (times
        `scale`, e.g. 100 for percentage points); three decimals where there is no interval."""
        if _missing(value):
            return "–", ""
        digits = interval_digits(low, high) if not _missing(low) else None
        if digits is None:
            return self(value * scale, 3), ""
        digits = interval_digits(low * scale, high * scale)
        bounds = f"{self(low * scale, digits)}–{self(high * scale, digits)}"
        return self(value * scale, digits), bounds

    def energy(self, wh) -> str:
        """Energy in the unit that keeps two significant digits readable: Wh, or mWh below 1."""
        if _missing(wh):
            return "–"
        return f"{self.sig(wh, 2)} Wh" if abs(wh) >= 1 else f"{self.sig(wh * 1000, 2)} mWh"

    def money(self, amount, currency: str) -> str:
        """Money in cents below one unit (0.7 ct), else in the currency; two significant
        digits for small amounts, cents for large ones."""
        if _missing(amount):
            return "–"
        if abs(amount) < 1 and currency in CENTS:
            return f"{self.sig(amount * 100, 2)} {CENTS[currency]}"
        return f"{self(amount, 2)} {currency}"
