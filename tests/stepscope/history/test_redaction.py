"""Redaction rules and the Redactor: what is masked, what is not, and that nothing leaks."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepscope.history.redaction import (
    MASK,
    MAX_RULE_LENGTH,
    RedactionRuleError,
    Redactor,
    Step,
    parse_rule,
)

CARD = "4111 1111 1111 1111"


def redactor(*patterns: str) -> Redactor:
    return Redactor.from_patterns(patterns)


# -- rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("cardNumber", [Step("deep", "cardNumber")]),
        ("  card number  ", [Step("deep", "card number")]),
        ("$..cardNumber", [Step("deep", "cardNumber")]),
        ("$.a.b", [Step("name", "a"), Step("name", "b")]),
        ("$.a[*].b", [Step("name", "a"), Step("wildcard"), Step("name", "b")]),
        ("$['odd key'].x", [Step("name", "odd key"), Step("name", "x")]),
        ('$["it\\"s"]', [Step("name", 'it"s')]),
        ("$.items[0].card", [Step("name", "items"), Step("index", 0), Step("name", "card")]),
        ("$.items[ -1 ]", [Step("name", "items"), Step("index", -1)]),
        ("$..['key with space']", [Step("deep", "key with space")]),
        ("$.a.*", [Step("name", "a"), Step("wildcard")]),
        ("$.*", [Step("wildcard")]),
        ("$.customer..cvv", [Step("name", "customer"), Step("deep", "cvv")]),
        ("$.x-api-key", [Step("name", "x-api-key")]),
    ],
)
def test_rule_forms(text: str, steps: list[Step]) -> None:
    rule = parse_rule(text)
    assert list(rule.steps) == steps
    assert rule.ignore_case is False
    assert rule.text == text.strip()


def test_ignore_case_prefix() -> None:
    rule = parse_rule("(?i)Password")
    assert rule.ignore_case and rule.steps == (Step("deep", "Password"),)
    assert parse_rule("(?i) $.a.b").steps == (Step("name", "a"), Step("name", "b"))


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        ("", "the rule is empty", None),
        ("   ", "the rule is empty", None),
        ("$", "`$` alone", None),
        ("$..", "`..` must be followed by a key name", 2),
        ("$..*", "`..` must be followed by a key name", 2),
        ("$..[0]", "`..` must be followed by a key name", 2),
        ("$..[*]", "`..` must be followed by a key name", 2),
        ("$.", "`.` must be followed by a key name or `*`", 2),
        ("$.a[?(@.x == 1)]", "filters", 4),
        ("$.a[(@.length-1)]", "script expressions", 4),
        ("$.a[1:2]", "slices", 4),
        ("$.a[:2]", "slices", 4),
        ("$.a[1,2]", "unions", 4),
        ("$.a['x','y']", "unions", 4),
        ("$.a['b", "unterminated quote", 5),
        ("$.items['b'", "unterminated bracket", 8),
        ("$.a[0", "unterminated bracket", 4),
        ("$.a[]", "empty brackets", 4),
        ("$.a['']", "empty", 5),
        ("$.a[x]", "expected a quoted key name, an index or `*`", 5),
        ("$.a.length()", "functions", 11),
        ("$x", "unexpected 'x'", 2),
        ("$.a[0]$", "`$` may appear only at the start", 7),
        ("a.b", "may not hold '.'", 2),
        ("card[0]", "may not hold '['", 5),
        ("'cardNumber'", "may not hold", 1),
        ("(?i)", "`(?i)` must be followed", None),
        ("card\nNumber", "control characters", 5),
    ],
)
def test_bad_rules_say_what_and_where(text: str, reason: str, position: int | None) -> None:
    with pytest.raises(RedactionRuleError) as raised:
        parse_rule(text)
    assert reason in raised.value.reason
    assert raised.value.position == position
    assert reason in str(raised.value)
    if position is not None:
        assert f"at character {position}" in str(raised.value)


def test_positions_count_in_the_text_as_given() -> None:
    with pytest.raises(RedactionRuleError) as raised:
        parse_rule("  (?i) $.a[1:2]")
    assert raised.value.position == 11  # the `[`
    assert "unterminated bracket at character 6" in str(_error("$.abc['x'"))


def _error(text: str) -> RedactionRuleError:
    with pytest.raises(RedactionRuleError) as raised:
        parse_rule(text)
    return raised.value


def test_rule_length_is_limited() -> None:
    assert parse_rule("a" * MAX_RULE_LENGTH).steps == (Step("deep", "a" * MAX_RULE_LENGTH),)
    error = _error("a" * (MAX_RULE_LENGTH + 1))
    assert f"at most {MAX_RULE_LENGTH} characters" in str(error)
    assert len(str(error)) < 200  # the rule is shortened in the message


def test_from_patterns_skips_blank_lines_and_numbers_the_bad_rule() -> None:
    assert [rule.text for rule in redactor("a", "", "  ", "$.b").rules] == ["a", "$.b"]
    with pytest.raises(RedactionRuleError) as raised:
        redactor("cardNumber", "$..")
    assert raised.value.number == 2
    assert str(raised.value).startswith("rule 2: `..` must be followed by a key name")


def test_an_empty_redactor_is_falsy_and_returns_its_inputs() -> None:
    for empty in (Redactor(), redactor(), redactor("", " ")):
        assert not empty
        text = '{"cardNumber": "4111"}'
        assert empty.redact_json_text(text) is text
        value: dict[str, Any] = {"cardNumber": "4111"}
        assert empty.redact_value(value) is value
        event = {"id": 1, "type": "ExecutionStarted", "executionStartedEventDetails": {}}
        assert empty.redact_event(event) is event
        assert empty.redact_events([event])[0] is event
    assert redactor("x")


# -- values -----------------------------------------------------------------------------------


def test_a_bare_key_is_masked_at_any_depth_with_its_whole_subtree() -> None:
    value = {
        "cardNumber": CARD,
        "order": {"payment": {"cardNumber": {"digits": CARD, "parts": [4111, 1111]}}},
        "history": [{"cardNumber": [CARD, CARD]}, [{"cardNumber": None}]],
        "cardNumbers": "kept",
        "CardNumber": "kept (case differs)",
    }
    before = copy.deepcopy(value)
    result = redactor("cardNumber").redact_value(value)
    assert result == {
        "cardNumber": MASK,
        "order": {"payment": {"cardNumber": MASK}},
        "history": [{"cardNumber": MASK}, [{"cardNumber": MASK}]],
        "cardNumbers": "kept",
        "CardNumber": "kept (case differs)",
    }
    assert value == before
    assert result is not value and result["order"] is not value["order"]


def test_ignore_case_masks_every_spelling() -> None:
    value = {"password": 1, "Password": 2, "PASSWORD": [3], "passwords": 4}
    r = redactor("(?i)password")
    expected = {"password": MASK, "Password": MASK, "PASSWORD": MASK, "passwords": 4}
    assert r.redact_value(value) == expected
    assert json.loads(r.redact_json_text(json.dumps(value))) == expected
    assert json.loads(r.redact_json_text('{"P\\u0041SSWORD": 1}')) == {"PASSWORD": MASK}
    assert r.redact_json_text("login failed, Password=hunter2") == f"login failed, Password={MASK}"
    folded = redactor("(?i)Straße").redact_json_text('{"STRASSE": 1, "x": {"straße": 2}}')
    assert json.loads(folded) == {"STRASSE": MASK, "x": {"straße": MASK}}


def test_a_path_masks_only_at_that_path() -> None:
    value = {"a": {"b": 1, "c": {"b": 2}}, "x": {"a": {"b": 3}}, "b": 4}
    assert redactor("$.a.b").redact_value(value) == {
        "a": {"b": MASK, "c": {"b": 2}},
        "x": {"a": {"b": 3}},
        "b": 4,
    }


def test_wildcards_indexes_quoted_names_and_deep_steps() -> None:
    value = {
        "items": [{"card": 1, "n": 1}, {"card": 2, "n": 2}, {"n": 3}],
        "odd key": {"x": 5, "y": 6},
        "a": {"p": 1, "q": [2]},
        "customer": {"profile": {"cvv": 123}, "cvv": 456},
        "cvv": 789,
    }
    result = redactor(
        "$.items[*].card", "$['odd key'].x", "$.a.*", "$.customer..cvv", "$.items[-1].n"
    ).redact_value(value)
    assert result == {
        "items": [{"card": MASK, "n": 1}, {"card": MASK, "n": 2}, {"n": MASK}],
        "odd key": {"x": MASK, "y": 6},
        "a": {"p": MASK, "q": MASK},
        "customer": {"profile": {"cvv": MASK}, "cvv": MASK},
        "cvv": 789,
    }
    assert redactor("$.items[0].card").redact_value(value)["items"] == [
        {"card": MASK, "n": 1},
        {"card": 2, "n": 2},
        {"n": 3},
    ]
    assert redactor("$..['odd key']").redact_value({"z": [{"odd key": 1}]}) == {
        "z": [{"odd key": MASK}]
    }


def test_a_value_that_is_not_a_container_is_returned_or_masked_in_text() -> None:
    r = redactor("cardNumber")
    assert r.redact_value(5) == 5
    assert r.redact_value(None) is None
    assert r.redact_value(f"cardNumber={CARD}") == f"cardNumber={MASK}"
    assert r.redact_value(("a", {"cardNumber": 1})) == ["a", {"cardNumber": MASK}]


def test_strings_inside_values_have_their_pairs_masked() -> None:
    value = {
        "errorMessage": f"KeyError: {{'cardNumber': '{CARD}', 'amount': 5}}",
        "body": json.dumps({"cardNumber": CARD, "amount": 5}),
    }
    result = redactor("cardNumber").redact_value(value)
    assert CARD not in json.dumps(result)
    assert result["errorMessage"] == f"KeyError: {{'cardNumber': '{MASK}', 'amount': 5}}"
    assert json.loads(result["body"]) == {"cardNumber": MASK, "amount": 5}


def _nest(depth: int, inner: Any, kind: str) -> Any:
    value = inner
    for _ in range(depth):
        value = {"a": value} if kind == "dict" else [value]
    return value


@pytest.mark.parametrize("kind", ["dict", "list"])
def test_deep_values_do_not_blow_the_stack(kind: str) -> None:
    depth = 20_000
    value = _nest(depth, {"cardNumber": CARD, "keep": 1}, kind)
    result = redactor("cardNumber", "$.a.b").redact_value(value)
    node = result
    for _ in range(depth):
        node = node["a"] if kind == "dict" else node[0]
    assert node == {"cardNumber": MASK, "keep": 1}
    original = value
    for _ in range(depth):
        original = original["a"] if kind == "dict" else original[0]
    assert original == {"cardNumber": CARD, "keep": 1}


# -- JSON text --------------------------------------------------------------------------------


def test_text_without_a_match_comes_back_unchanged_byte_for_byte() -> None:
    r = redactor("cardNumber", "$.a.b")
    for text in (
        '{ "x" : 1.50,\n  "y": "\\u00e9" }',
        '{"a": {"c": 1}, "cardNumbers": 2}',
        "not json at all",
        "",
        '{"cardNumber"',
    ):
        assert r.redact_json_text(text) is text


def test_text_is_not_parsed_when_no_rule_key_is_in_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed")

    r = redactor("cardNumber", "$.customer.address.street", "(?i)password")
    monkeypatch.setattr(json, "loads", refuse)
    text = '{"customer": {"address": {"city": "X"}}, "items": [1, 2]}'
    assert r.redact_json_text(text) is text
    # Only keys of exact bare-key rules, and only as member names: masked in the text itself.
    text = '{"a": {"cardNumber": "4111"}, "street": 1}'
    assert r.redact_json_text(text) == '{"a": {"cardNumber": "***REDACTED***"}, "street": 1}'


def test_json_text_is_masked_structurally_and_written_back_compactly() -> None:
    text = json.dumps({"a": {"b": CARD, "c": "é"}, "b": 2}, indent=2, ensure_ascii=True)
    assert redactor("$.a.b").redact_json_text(text) == '{"a":{"b":"***REDACTED***","c":"é"},"b":2}'


def test_json_text_with_only_bare_keys_keeps_its_layout() -> None:
    text = '{\n  "cardNumber" : {"a": [1, "}"]},\n  "b": "x", "c": {"cardNumber": null}}'
    assert redactor("cardNumber").redact_json_text(text) == (
        '{\n  "cardNumber" : "***REDACTED***",\n  "b": "x", "c": {"cardNumber": "***REDACTED***"}}'
    )


def test_escaped_keys_are_found() -> None:
    text = '{"c\\u0061rdNumber": "4111", "n\\u00famero": "5"}'
    result = redactor("cardNumber", "número").redact_json_text(text)
    assert json.loads(result) == {"cardNumber": MASK, "número": MASK}


@pytest.mark.parametrize(
    "cause",
    [
        f'KeyError: "cardNumber": "{CARD}"',
        f"charge({{'cardNumber': '{CARD}', 'amount': 5}}) failed",
        f"Card(cardNumber={CARD}, cvv=123)",
        f"declined\ncardNumber: {CARD}\nretrying",
        f'{{"errorMessage": "bad {{\\"cardNumber\\": \\"{CARD}\\"}}", "errorType": "E"',
        f'C:\\"cardNumber": "{CARD}"',
        f"cardNumber => '{CARD}'",
        f"cardNumber: {{'digits': '{CARD}', 'nested': ['}}']}}",
    ],
)
def test_a_non_json_cause_has_its_pairs_masked(cause: str) -> None:
    result = redactor("cardNumber").redact_json_text(cause)
    assert CARD not in result
    assert "1111" not in result
    assert MASK in result


def test_masking_free_text_keeps_the_rest() -> None:
    trace = (
        "Traceback (most recent call last):\n"
        '  File "/var/task/app.py", line 12, in handler\n'
        "    charge(event)\n"
        f"KeyError: {{'cardNumber': '{CARD}', 'amount': 5}}\n"
    )
    assert redactor("cardNumber").redact_json_text(trace) == trace.replace(CARD, MASK)
    assert redactor("cardNumber").redact_json_text("xcardNumber: 5") == "xcardNumber: 5"


def test_path_rules_do_not_touch_free_text() -> None:
    text = f'"b": "{CARD}" in free text'
    assert redactor("$.a.b").redact_json_text(text) is text


def test_json_text_nested_too_deep_to_parse_is_masked_as_text() -> None:
    text = "[" * 100_000 + f'{{"cardNumber": "{CARD}"}}' + "]" * 100_000
    for r in (redactor("cardNumber"), redactor("cardNumber", "$.x.y")):
        result = r.redact_json_text(text)
        assert CARD not in result


def test_many_nested_mentions_are_masked() -> None:
    depth = 10_000
    text = '{"cardNumber": ' * depth + f'"{CARD}"' + "}" * depth
    result = redactor("cardNumber").redact_json_text(text)
    assert CARD not in result


# -- events -----------------------------------------------------------------------------------


def _events() -> list[dict[str, Any]]:
    order = {"orderId": "o-1", "payment": {"cardNumber": CARD, "last4": "1111"}}
    trace = (
        "Traceback (most recent call last):\n"
        '  File "/var/task/charge.py", line 9, in handler\n'
        f"KeyError: {{'cardNumber': '{CARD}'}}"
    )
    lambda_cause = {"errorMessage": trace, "errorType": "KeyError", "stackTrace": ["  ..."]}
    return [
        {
            "id": 1,
            "previousEventId": 0,
            "type": "ExecutionStarted",
            "timestamp": "2024-05-01T12:00:00Z",
            "executionStartedEventDetails": {
                "input": json.dumps(order),
                "inputDetails": {"truncated": False},
                "roleArn": "arn:aws:iam::123456789012:role/r",
            },
        },
        {
            "id": 2,
            "previousEventId": 1,
            "type": "TaskStateEntered",
            "stateEnteredEventDetails": {"name": "Charge", "input": json.dumps(order)},
        },
        {
            "id": 3,
            "previousEventId": 2,
            "type": "TaskScheduled",
            "taskScheduledEventDetails": {
                "resourceType": "lambda",
                "resource": "invoke",
                "region": "us-east-1",
                "parameters": json.dumps({"FunctionName": "charge", "Payload": order}),
            },
        },
        {
            "id": 4,
            "previousEventId": 3,
            "type": "TaskFailed",
            "taskFailedEventDetails": {
                "resourceType": "lambda",
                "resource": "invoke",
                "error": "KeyError",
                "cause": json.dumps(lambda_cause),
            },
        },
        {
            "id": 5,
            "previousEventId": 4,
            "type": "LambdaFunctionFailed",
            "lambdaFunctionFailedEventDetails": {"error": "KeyError", "cause": trace},
        },
        {
            "id": 6,
            "previousEventId": 5,
            "type": "TaskSucceeded",
            "taskSucceededEventDetails": {
                "resourceType": "lambda",
                "resource": "invoke",
                "output": json.dumps({"receipt": order}),
            },
        },
        {
            "id": 7,
            "previousEventId": 6,
            "type": "TaskStateExited",
            "stateExitedEventDetails": {
                "name": "Charge",
                "output": json.dumps(order),
                "assignedVariables": {
                    "charge": json.dumps(order["payment"]),
                    "cardNumber": json.dumps(CARD),
                    "count": "1",
                },
                "assignedVariablesDetails": {"truncated": False},
            },
        },
        {
            "id": 8,
            "previousEventId": 7,
            "type": "MapIterationFailed",
            "mapIterationFailedEventDetails": {"name": "Each", "index": 0},
        },
        {
            "id": 9,
            "previousEventId": 8,
            "type": "ExecutionFailed",
            # AWS cuts long causes: this one is JSON text cut short.
            "executionFailedEventDetails": {
                "error": "States.TaskFailed",
                "cause": json.dumps(lambda_cause)[:150],
            },
        },
        {
            "id": 10,
            "previousEventId": 9,
            "type": "ExecutionSucceeded",
            # A normalised recording holds the parsed payload, not text.
            "executionSucceededEventDetails": {"output": {"payment": order["payment"]}},
        },
    ]


def test_events_of_every_kind_are_masked_and_the_card_appears_nowhere() -> None:
    events = _events()
    before = copy.deepcopy(events)
    redacted = redactor("cardNumber").redact_events(events)
    dumped = json.dumps(redacted)
    assert CARD not in dumped
    assert "4111" not in dumped
    assert events == before  # the input is not changed
    assert [event["id"] for event in redacted] == list(range(1, 11))
    by_id = {event["id"]: event for event in redacted}
    started = json.loads(by_id[1]["executionStartedEventDetails"]["input"])
    assert started == {"orderId": "o-1", "payment": {"cardNumber": MASK, "last4": "1111"}}
    assert by_id[4]["taskFailedEventDetails"]["error"] == "KeyError"  # a name, kept
    assert by_id[5]["lambdaFunctionFailedEventDetails"]["cause"].endswith(
        "KeyError: {'cardNumber': '***REDACTED***'}"
    )
    variables = by_id[7]["stateExitedEventDetails"]["assignedVariables"]
    assert json.loads(variables["charge"]) == {"cardNumber": MASK, "last4": "1111"}
    assert json.loads(variables["cardNumber"]) == MASK
    assert variables["count"] == "1"
    assert by_id[8] is events[7]  # nothing to mask: the same event
    assert by_id[10]["executionSucceededEventDetails"]["output"] == {
        "payment": {"cardNumber": MASK, "last4": "1111"}
    }
    assert by_id[1]["executionStartedEventDetails"]["roleArn"].startswith("arn:aws:iam")


def test_events_with_path_rules_and_variables() -> None:
    redacted = redactor("$.payment.cardNumber", "$.Payload.payment").redact_events(_events())
    scheduled = json.loads(redacted[2]["taskScheduledEventDetails"]["parameters"])
    assert scheduled == {"FunctionName": "charge", "Payload": {"orderId": "o-1", "payment": MASK}}
    entered = json.loads(redacted[1]["stateEnteredEventDetails"]["input"])
    assert entered["payment"] == {"cardNumber": MASK, "last4": "1111"}
    # The variables are one object: `$.payment...` is not a variable, so `charge` is kept...
    variables = redacted[6]["stateExitedEventDetails"]["assignedVariables"]
    assert json.loads(variables["charge"])["cardNumber"] == CARD
    # ... and `$.charge.cardNumber` names the member of the variable `charge` (whose text does
    # not hold the word "charge").
    exited = redactor("$.charge.cardNumber").redact_event(_events()[6])
    variables = exited["stateExitedEventDetails"]["assignedVariables"]
    assert json.loads(variables["charge"]) == {"cardNumber": MASK, "last4": "1111"}
    assert json.loads(variables["cardNumber"]) == CARD
    assert json.loads(exited["stateExitedEventDetails"]["output"])["payment"]["cardNumber"] == CARD


def test_a_history_of_25000_events_is_masked_and_untouched_events_are_shared() -> None:
    def payload(number: int) -> str:
        document: dict[str, Any] = {
            "orderId": f"o-{number}",
            "items": [{"sku": f"s{j}", "qty": j, "price": 9.99} for j in range(10)],
            "customer": {"name": "Ann", "address": {"street": "Main", "city": "X"}},
        }
        if number % 10 == 0:
            document["customer"]["payment"] = {"cardNumber": CARD}
        return json.dumps(document)

    events = [
        {
            "id": number,
            "type": "TaskScheduled",
            "taskScheduledEventDetails": {"resource": "invoke", "parameters": payload(number)},
        }
        for number in range(1, 25_001)
    ]
    r = redactor("cardNumber", "ssn", "(?i)password")
    redacted = r.redact_events(events)  # speed is measured in bench/, never asserted here
    assert sum(CARD in e["taskScheduledEventDetails"]["parameters"] for e in redacted) == 0
    assert redacted[1] is events[1]


# -- properties -------------------------------------------------------------------------------

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
_KEYS = st.text(max_size=8) | st.sampled_from(["cardNumber", "card", "Number", "a", "b"])
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=20,
)
_SECRETS = st.from_regex(r"4[0-9]{3}( [0-9]{4}){3}", fullmatch=True)


def _insert(data: st.DataObject, value: Any, secret_value: Any) -> Any:
    """`value` with a `cardNumber` member holding `secret_value` put somewhere in it."""
    if not isinstance(value, dict | list):
        return {"other": value, "cardNumber": secret_value}
    node = value
    while True:
        members = node.values() if isinstance(node, dict) else node
        children = [child for child in members if isinstance(child, dict | list)]
        if children and data.draw(st.booleans()):
            node = data.draw(st.sampled_from(children))
            continue
        if isinstance(node, dict):
            node["cardNumber"] = secret_value
        else:
            node.insert(data.draw(st.integers(0, len(node))), {"cardNumber": secret_value})
        return value


def _secret_value(data: st.DataObject, secret: str) -> Any:
    return data.draw(
        st.sampled_from([secret, {"digits": secret}, [1, secret], f"card {secret}", None])
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), value=_VALUES, secret=_SECRETS)
def test_property_an_inserted_card_number_never_leaks(
    data: st.DataObject, value: Any, secret: str
) -> None:
    value = _insert(data, value, _secret_value(data, secret))
    before = json.dumps(value)
    r = redactor("cardNumber")
    result = r.redact_value(value)
    assert secret not in json.dumps(result)
    assert json.dumps(value) == before  # the input is unchanged

    text = json.dumps(
        value,
        indent=data.draw(st.sampled_from([None, 2])),
        ensure_ascii=data.draw(st.booleans()),
    )
    masked_text = r.redact_json_text(text)
    assert secret not in masked_text
    assert json.loads(masked_text) == result  # text and value are masked alike


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.text(max_size=30),
    suffix=st.text(max_size=30),
    secret=_SECRETS,
    form=st.sampled_from(
        [
            '"cardNumber": "{}"',
            "'cardNumber': '{}'",
            '\\"cardNumber\\": \\"{}\\"',
            " cardNumber={}",
            " cardNumber: {}",
            "'cardNumber': {{'x': ['{}']}}",
        ]
    ),
)
def test_property_a_pair_in_free_text_never_leaks(
    prefix: str, suffix: str, secret: str, form: str
) -> None:
    text = prefix + form.format(secret) + suffix
    assert secret not in redactor("cardNumber").redact_json_text(text)
