"""Every metric on known inputs: labels, dates, amounts, times, JSON fields."""

import pytest

from bench.taskkit.scoring import (
    extraction_scores,
    match_label,
    normalise_amount,
    normalise_date,
    normalise_field,
    normalise_time,
    parse_json_object,
    short_answer_scores,
)

NAMES = ["Abfall", "Straßen und Verkehr", "Soziales", "Umwelt und Grünflächen"]


@pytest.mark.parametrize(
    ("answer", "index"),
    [
        ("Abfall", 0),
        ("  abfall.", 0),
        ("Straßen und Verkehr – wegen des Schlaglochs", 1),
        ("Zuständig ist Soziales.", 2),
        ("Abfall oder Soziales", None),  # names two: not a valid single label
        ("Keine Ahnung", None),
        ("", None),
    ],
)
def test_match_label(answer, index):
    assert match_label(answer, NAMES) == index


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("14.03.2026", "2026-03-14"),
        ("14.3.26", "2026-03-14"),
        ("14. März 2026", "2026-03-14"),
        ("14 March 2026", "2026-03-14"),
        ("March 14, 2026", "2026-03-14"),
        ("14/03/2026", "2026-03-14"),
        ("2026-03-14", "2026-03-14"),
        ("Dienstag, 2.11.27", "2027-11-02"),
        ("Thursday, February 26, 2026", "2026-02-26"),
        ("tomorrow", None),
        ("31.13.2026", None),
    ],
)
def test_normalise_date(text, iso):
    assert normalise_date(text) == iso


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,50 €", "1234.50"),
        ("1234,50 EUR", "1234.50"),
        ("EUR 1.234,50", "1234.50"),
        ("£1,234.50", "1234.50"),
        ("GBP 1234.50", "1234.50"),
        ("1234.5", "1234.50"),
        ("1.234 €", "1234.00"),
        ("99", "99.00"),
        ("none", None),
    ],
)
def test_normalise_amount(text, value):
    assert normalise_amount(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("9:30 Uhr", "09:30"), ("09.30 Uhr", "09:30"), ("2.15 pm", "14:15"), ("12:00 am", "00:00")],
)
def test_normalise_time(text, value):
    assert normalise_time(text) == value


def test_normalise_field_by_name():
    assert normalise_field("due_date", "1. April 2026") == "2026-04-01"
    assert normalise_field("total_amount", "€ 12,00") == "12.00"
    assert normalise_field("iban", "DE89 3704 0044 0532 0130 00") == "de89370400440532013000"
    assert normalise_field("sender_name", "  Dr. Anna  Weber ") == "dr anna weber"
    assert normalise_field("office", None) is None
    assert normalise_field("office", "null") is None


def test_parse_json_object_finds_the_object_in_prose():
    assert parse_json_object('Sure! ```json\n{"a": 1}\n``` done') == {"a": 1}
    assert parse_json_object("no json here") is None
    assert parse_json_object('{"a": [1, 2], "b": {"c": null}}') == {"a": [1, 2], "b": {"c": None}}
    assert parse_json_object('{broken} then {"ok": true}') == {"ok": True}


GOLD = {"case_number": "AZ 12/345", "notice_date": "2026-03-14", "amount": "45.00",
        "recipient_name": "Jana Kühn", "phone": None}  # fmt: skip


def test_extraction_perfect_answer():
    pred = ('{"case_number": "AZ 12/345", "notice_date": "14.03.2026", "amount": "45,00 €", '
            '"recipient_name": "Jana Kühn", "phone": null}')  # fmt: skip
    scores = extraction_scores(pred, GOLD)
    assert scores == {"field_f1": 1.0, "field_precision": 1.0, "field_recall": 1.0,
                      "exact_doc": 1.0, "valid_json": 1.0}  # fmt: skip


def test_extraction_partial_and_invented_fields():
    # Two right, one wrong, one missing, and an invented phone number where gold is null.
    pred = ('{"case_number": "AZ 12/345", "notice_date": "2026-03-14", "amount": "54.00", '
            '"phone": "0123"}')  # fmt: skip
    s = extraction_scores(pred, GOLD)
    assert s["field_precision"] == pytest.approx(2 / 4)
    assert s["field_recall"] == pytest.approx(2 / 4)
    assert s["field_f1"] == pytest.approx(0.5)
    assert s["exact_doc"] == 0.0 and s["valid_json"] == 1.0


def test_extraction_invalid_json_scores_zero():
    s = extraction_scores("The case number is AZ 12/345.", GOLD)
    assert s["valid_json"] == 0.0 and s["field_f1"] == 0.0 and s["field_recall"] == 0.0


def test_short_answer_scores_use_aliases_and_first_line():
    doc = {"answer": "25 Euro", "aliases": ["25 €"]}
    assert short_answer_scores(doc, ["25 €\nweil …"]) == {"exact_match": 1.0, "f1": 1.0}
    assert short_answer_scores(doc, ["30 Euro"])["f1"] == pytest.approx(0.5)
