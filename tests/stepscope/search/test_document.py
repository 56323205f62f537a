"""The search document: words of everything, values of the input and output by path, masked
values left out, sizes bounded."""

from __future__ import annotations

import json

from stepscope.history.redaction import MASK
from stepscope.search.document import MAX_VALUES, flatten, search_document


def test_words_and_values():
    document = search_document(
        name="order-7",
        arn="arn:aws:states:us-east-1:1:execution:m:order-7",
        errors=["States.Timeout", ""],
        cause="Card was Declined",
        notes=["ChargePayment failed"],
        input_text=json.dumps({"customerId": "C-77", "amount": 42.0, "items": [{"sku": "A-1"}]}),
        output_text=json.dumps({"ok": True, "total": 1.5}),
    )
    assert "order 7" in document.text
    assert "states timeout" in document.text
    assert "chargepayment failed" in document.text
    assert "c 77" in document.text
    assert document.cause == "card was declined"
    assert dict(document.values) == {
        "input.customerId": "c-77",
        "input.amount": "42",
        "input.items.sku": "a-1",
        "output.total": "1.5",
    }


def test_masked_values_are_left_out():
    document = search_document(
        name="x", input_text=json.dumps({"card": MASK, "id": "keep"}), cause=MASK
    )
    assert ("input.card", MASK.casefold()) not in document.values
    assert "redacted" not in document.text
    assert document.cause == ""


def test_text_that_is_not_json_is_one_string():
    document = search_document(name="x", input_text="plain words")
    assert document.values == (("input", "plain words"),)


def test_values_are_bounded_and_deep_values_do_not_recurse():
    many = {f"k{i}": i for i in range(MAX_VALUES + 50)}
    assert len(search_document(name="x", input_text=json.dumps(many)).values) == MAX_VALUES
    deep: object = "bottom"
    for _ in range(5000):
        deep = [deep]
    assert list(flatten(deep, "input")) == [("input", "bottom")]
