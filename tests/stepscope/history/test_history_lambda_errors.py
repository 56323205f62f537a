"""Lambda causes that embed JSON are parsed; anything else is not a Lambda error."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepscope.history.projection import parse_lambda_cause


def test_python_cause_with_stack_trace_list() -> None:
    cause = json.dumps(
        {
            "errorMessage": "processor down",
            "errorType": "PaymentProcessorUnavailable",
            "requestId": "r-1",
            "stackTrace": [
                '  File "/var/task/app.py", line 9, in handler\n    raise Down()\n',
                '  File "/var/task/pay.py", line 3, in charge\n',
            ],
        }
    )
    parsed = parse_lambda_cause(cause)
    assert parsed is not None
    assert parsed.error_type == "PaymentProcessorUnavailable"
    assert parsed.error_message == "processor down"
    assert parsed.stack_trace == (
        '  File "/var/task/app.py", line 9, in handler\n    raise Down()',
        '  File "/var/task/pay.py", line 3, in charge',
    )
    assert dict(parsed.extra) == {"requestId": "r-1"}


def test_node_cause_with_stack_trace_text() -> None:
    cause = json.dumps(
        {
            "errorType": "Error",
            "errorMessage": "boom",
            "trace": [],
            "stackTrace": "Error: boom\n    at x (/a.js:1:1)",
        }
    )
    parsed = parse_lambda_cause(cause)
    assert parsed is not None
    assert parsed.stack_trace == ("Error: boom", "    at x (/a.js:1:1)")


def test_cause_without_stack_trace() -> None:
    parsed = parse_lambda_cause(
        '{"errorMessage":"Some exception was raised.","errorType":"Exception"}'
    )
    assert parsed is not None and parsed.stack_trace == ()


@pytest.mark.parametrize(
    "cause",
    [None, "", "plain text", "[1,2]", '{"message":"not lambda"}', '{"errorType": {"a": 1}}', "{"],
)
def test_other_causes_are_not_lambda_errors(cause: str | None) -> None:
    assert parse_lambda_cause(cause) is None


@given(st.text(max_size=200))
def test_never_raises(cause: str) -> None:
    parse_lambda_cause(cause)
