from __future__ import annotations

from apps.executions.presentation import (
    cause_view,
    duration_text,
    payload,
    svg_with_statuses,
)


def test_status_is_added_to_each_state_node_by_its_escaped_name():
    svg = (
        '<svg><g id="n1" class="node state" data-state="A &amp; &quot;B&quot;"><title>'
        'data-state="A"</title></g><g id="n2" class="node state" data-state="C"></g></svg>'
    )
    out = svg_with_statuses(svg, {'A & "B"': "failed"})
    assert 'data-state="A &amp; &quot;B&quot;" data-status="failed"' in out
    assert 'data-state="C" data-status="not-run"' in out
    assert '<title>data-state="A"</title>' in out  # text is never touched


def test_payload_is_pretty_and_cut():
    small = payload('{"a":1}')
    assert small.text == '{\n  "a": 1\n}' and not small.truncated and small.is_json
    big = payload('"' + "x" * 20_000 + '"', limit=100)
    assert big.truncated and len(big.text) == 100 and big.full_size > 20_000
    plain = payload("not json")
    assert plain.text == "not json" and not plain.is_json
    assert payload(None) is None


def test_lambda_cause_is_split_into_type_message_and_trace():
    view = cause_view(
        '{"errorType": "Boom", "errorMessage": "it broke", "stackTrace": ["a.py:1", "b.py:2"]}'
    )
    assert view.error_type == "Boom" and view.error_message == "it broke"
    assert view.stack_trace == "a.py:1\nb.py:2"
    assert cause_view("plain words").error_type is None
    assert cause_view(None) is None


def test_durations_read_well():
    assert duration_text(0.25) == "250 ms"
    assert duration_text(12.0) == "12 s"
    assert duration_text(185) == "3 min 05 s"
    assert duration_text(None) == "—"
