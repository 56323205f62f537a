"""The search query language: terms, fields, quotes, escapes, and a clear error for the rest."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.search.query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    Field,
    QueryError,
    SearchQuery,
    Term,
    parse_query,
    words,
)


def test_empty_query_has_no_terms():
    assert parse_query("") == SearchQuery()
    assert parse_query("   \t ") == SearchQuery()
    assert not parse_query("")


def test_free_words_and_fields():
    query = parse_query(
        "c-77 input.customerId:c-77 output.order.total:42 error:States.Timeout "
        "state:ChargePayment ran:Refund name:order cause:declined status:failed"
    )
    assert query.terms == (
        Term(Field.TEXT, "c-77"),
        Term(Field.INPUT, "c-77", "input.customerId"),
        Term(Field.OUTPUT, "42", "output.order.total"),
        Term(Field.ERROR, "States.Timeout"),
        Term(Field.STATE, "ChargePayment"),
        Term(Field.RAN, "Refund"),
        Term(Field.NAME, "order"),
        Term(Field.CAUSE, "declined"),
        Term(Field.STATUS, "FAILED"),
    )


def test_quoted_values_keep_spaces_and_colons():
    query = parse_query('state:"Charge Payment" error:"My.Error" "a:b c"')
    assert query.terms == (
        Term(Field.STATE, "Charge Payment"),
        Term(Field.ERROR, "My.Error"),
        Term(Field.TEXT, "a:b c"),
    )


def test_escapes():
    assert parse_query(r"error:a\ b").terms == (Term(Field.ERROR, "a b"),)
    quoted = parse_query(r'state:"say \"hi\" \\ now"')
    assert quoted.terms == (Term(Field.STATE, 'say "hi" \\ now'),)
    assert parse_query(r"name\:x").terms == (Term(Field.TEXT, "name:x"),)


def test_unknown_prefix_is_a_free_word():
    arn = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1"
    assert parse_query(arn).terms == (Term(Field.TEXT, arn),)


def test_field_names_ignore_case_and_status_is_normalised():
    assert parse_query("ERROR:X Status:timed-out").terms == (
        Term(Field.ERROR, "X"),
        Term(Field.STATUS, "TIMED_OUT"),
    )


def test_array_indexes_share_the_array_path():
    assert parse_query("input.items[0].sku:A-1").terms == (
        Term(Field.INPUT, "A-1", "input.items.sku"),
    )
    assert parse_query("input.items[*].sku:A-1").terms[0].path == "input.items.sku"


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ('state:"Charge', "this quote is never closed", 7),
        ('"abc', "this quote is never closed", 1),
        ("abc\\", "a backslash at the end escapes nothing", 4),
        ("error:", "error: needs a value", 6),
        ('state:""', "state: needs a value", 6),
        ("input:c-77", "input: needs a path", 1),
        ("input..a:x", "input..a is not a path", 1),
        ("output.a[:x", "output.a[ is not a path", 1),
        ("status:sleeping", "status:sleeping is not a status", 8),
        ("---", "holds no letters or digits", 1),
        ("cause:...", "holds no letters or digits", 1),
        ("a\x00b", "NUL character", 2),
    ],
)
def test_malformed_queries_say_what_and_where(text, message, position):
    with pytest.raises(QueryError) as raised:
        parse_query(text)
    assert message in str(raised.value)
    assert raised.value.position == position
    assert f"(at character {position})" in str(raised.value)


def test_limits():
    with pytest.raises(QueryError, match=f"at most {MAX_QUERY_LENGTH}"):
        parse_query("a" * (MAX_QUERY_LENGTH + 1))
    with pytest.raises(QueryError, match=f"at most {MAX_TERMS}"):
        parse_query(" ".join(["a"] * (MAX_TERMS + 1)))


def test_words_are_letters_and_digits_case_folded():
    assert words("States.Timeout c-77 ÉTÉ_x") == ["states", "timeout", "c", "77", "été", "x"]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80) | st.text(alphabet='ab :"\\.[]*0-_\x00', max_size=40))
def test_any_string_parses_or_says_why(text):
    try:
        query = parse_query(text)
    except QueryError as error:
        assert error.reason
        assert error.position is None or 1 <= error.position <= len(text)
        return
    for term in query.terms:
        assert isinstance(term.field, Field)
        assert term.value
        assert term.describe()


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=30).filter(lambda value: words(value)))
def test_a_quoted_value_round_trips(value):
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    try:
        query = parse_query(f"state:{quoted}")
    except QueryError as error:  # only characters a database cannot hold are refused
        assert "NUL" in error.reason or "surrogate" in error.reason
        return
    assert query.terms == (Term(Field.STATE, value),)
