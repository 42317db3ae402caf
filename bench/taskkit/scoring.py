"""Scoring functions the bundled tasks use: short answers, labels, extracted JSON fields.

Pure functions with no heavy imports, so every metric is unit-tested on known inputs.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable

_ARTICLES = {
    "a",
    "an",
    "the",
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "ein",
    "eine",
    "einen",
    "einem",
    "einer",
    "eines",
}
_PUNCT = set(string.punctuation) | {"„", "“", "”", "‚", "‘", "’", "–", "—", "…", "«", "»"}


def normalise_answer(text: str) -> list[str]:
    """SQuAD-style normalisation, German-aware: lower case, no punctuation or articles.

    Decimal commas and points inside numbers are kept ("2,50" stays "2,50").
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(?<=\d)[.,](?=\d)", "\x00", text)  # protect 2,50 / 1.000
    text = "".join(" " if ch in _PUNCT else ch for ch in text).replace("\x00", ",")
    tokens = text.split()
    # An answer that is only an article-like word ("A" for ampere) keeps it.
    return [tok for tok in tokens if tok not in _ARTICLES] or tokens


def exact_match(prediction: str, golds: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals any normalised gold answer."""
    pred = normalise_answer(prediction)
    return float(any(pred == normalise_answer(g) for g in golds))


def token_f1(prediction: str, golds: Iterable[str]) -> float:
    """Best token-overlap F1 of the prediction against any gold answer."""
    pred = normalise_answer(prediction)
    best = 0.0
    for gold in golds:
        ref = normalise_answer(gold)
        if not pred or not ref:
            best = max(best, float(pred == ref))
            continue
        common = sum((Counter(pred) & Counter(ref)).values())
        if common:
            precision, recall = common / len(pred), common / len(ref)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def first_line(text: str) -> str:
    """The first non-empty line of a generation (models often go on after the answer)."""
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")


# --- generative classification -------------------------------------------------------


def match_label(prediction: str, names: list[str]) -> int | None:
    """Index of the label a free-text answer names, or None if it names none or several.

    The answer's first line is compared after normalisation: equal to a label name, or
    containing exactly one label name (chat models answer "Abfall – weil …"). An answer that
    names two labels is ambiguous and counts as no valid label.
    """
    answer = normalise_answer(first_line(prediction))
    normed = [normalise_answer(n) for n in names]
    for i, name in enumerate(normed):
        if answer == name:
            return i
    hits = [i for i, name in enumerate(normed) if name and _contains(answer, name)]
    return hits[0] if len(hits) == 1 else None


def _contains(tokens: list[str], name: list[str]) -> bool:
    return any(tokens[i : i + len(name)] == name for i in range(len(tokens) - len(name) + 1))


# --- information extraction ----------------------------------------------------------

_MONTHS = {
    "januar": 1, "jänner": 1, "january": 1, "jan": 1, "februar": 2, "february": 2, "feb": 2,
    "märz": 3, "maerz": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mai": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "october": 10, "oct": 10, "okt": 10,
    "november": 11, "nov": 11, "dezember": 12, "december": 12, "dec": 12, "dez": 12,
}  # fmt: skip


_WEEKDAY = re.compile(
    r"^(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday|mo|di|mi|do|fr|sa|so|mon|tue|wed|"
    r"thu|fri|sat|sun)\.?,?\s+"
)


def normalise_date(text: str) -> str | None:
    """A date in common German/English forms → 'YYYY-MM-DD', or None if not a date."""
    t = _WEEKDAY.sub("", text.strip().lower()).replace(",", " ").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{2,4})", t):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})\.?\s+([a-zäö]+)\.?\s+(\d{2,4})", t):
        d, mo, y = int(m[1]), _MONTHS.get(m[2], 0), int(m[3])
    elif m := re.fullmatch(r"([a-zäö]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{4})", t):
        mo, d, y = _MONTHS.get(m[1], 0), int(m[2]), int(m[3])
    else:
        return None
    y = y + 2000 if y < 100 else y
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def normalise_amount(text: str) -> str | None:
    """A money amount ('1.234,50 €', '£1,234.50', 'EUR 99') → '1234.50', or None."""
    t = re.sub(r"[^\d.,-]", "", text)
    if not re.search(r"\d", t):
        return None
    if "," in t and "." in t:
        decimal = "," if t.rfind(",") > t.rfind(".") else "."
    elif "," in t:
        decimal = "," if len(t) - t.rfind(",") - 1 in (1, 2) else None
    elif "." in t:
        decimal = "." if len(t) - t.rfind(".") - 1 in (1, 2) else None
    else:
        decimal = None
    if decimal:
        whole, frac = t.rsplit(decimal, 1)
        whole = re.sub(r"[.,]", "", whole)
    else:
        whole, frac = re.sub(r"[.,]", "", t), "0"
    try:
        return f"{float(f'{whole}.{frac}'):.2f}"
    except ValueError:
        return None


def normalise_time(text: str) -> str | None:
    """'9:30 Uhr', '09.30', '2.15 pm' → 'HH:MM', or None."""
    t = text.strip().lower()
    m = re.search(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", t)
    if not m:
        return None
    h, mi = int(m[1]), int(m[2] or 0)
    if m[3] and m[3].startswith("p") and h < 12:
        h += 12
    if m[3] and m[3].startswith("a") and h == 12:
        h = 0
    return f"{h:02d}:{mi:02d}" if h < 24 and mi < 60 else None


def normalise_text_field(text: str) -> str:
    """Case-, space- and punctuation-insensitive form of a verbatim field."""
    return " ".join(normalise_answer(text))


def normalise_field(name: str, value: object) -> str | None:
    """Canonical form of one extracted value, chosen by the field's name."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or text.lower() in {"null", "none", "n/a", "-", "unbekannt", "unknown"}:
        return None
    if name.endswith("date") or name.endswith("deadline"):
        return normalise_date(text) or normalise_text_field(text)
    if name.endswith("amount") or name == "amount":
        return normalise_amount(text) or normalise_text_field(text)
    if name.endswith("time"):
        return normalise_time(text) or normalise_text_field(text)
    if name in {"iban", "phone"} or name.endswith("number"):
        return re.sub(r"[\s/()-]", "", text).lower()
    return normalise_text_field(text)


def parse_json_object(text: str) -> dict | None:
    """The first JSON object in a generation (models wrap it in prose or ``` fences)."""
    import json

    start = text.find("{")
    while start != -1:
        depth = 0
        for end in range(start, len(text)):
            if text[end] == "{":
                depth += 1
            elif text[end] == "}":
                depth -= 1
                if depth == 0:
                    try:
                        obj = json.loads(text[start : end + 1])
                    except json.JSONDecodeError:
                        break
                    return obj if isinstance(obj, dict) else None
        start = text.find("{", start + 1)
    return None


def extraction_scores(prediction: str, gold: dict[str, object]) -> dict[str, float]:
    """Per-document field precision, recall, F1, exact match and JSON validity.

    Only fields of the document type count. A predicted value is a true positive when its
    normalised form equals the gold one; a value given where the gold is null is a false
    positive (an invented field); a gold value missed or wrong is a false negative.
    """
    obj = parse_json_object(prediction)
    if obj is None:
        pred: dict[str, str | None] = {}
    else:
        pred = {k: normalise_field(k, obj.get(k)) for k in gold}
    truth = {k: normalise_field(k, v) for k, v in gold.items()}
    tp = sum(1 for k, v in truth.items() if v is not None and pred.get(k) == v)
    predicted = sum(1 for k in gold if pred.get(k) is not None)
    actual = sum(1 for v in truth.values() if v is not None)
    precision = tp / predicted if predicted else float(actual == 0)
    recall = tp / actual if actual else float(predicted == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact = float(obj is not None and all(pred.get(k) == v for k, v in truth.items()))
    return {
        "field_f1": f1,
        "field_precision": precision,
        "field_recall": recall,
        "exact_doc": exact,
        "valid_json": float(obj is not None),
    }


def short_answer_scores(doc: dict, results: list[str]) -> dict[str, float]:
    """Exact match and token F1 of the answer's first line against `answer` and `aliases`."""
    prediction = first_line(results[0])
    golds = [doc["answer"], *(doc.get("aliases") or [])]
    return {"exact_match": exact_match(prediction, golds), "f1": token_f1(prediction, golds)}
