"""read_history on bad and hostile input: it keeps what is sound and reports what it skipped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepscope.history.importing import (
    MAX_EVENTS,
    MAX_PAYLOAD_BYTES,
    HistoryFormatError,
    ImportedHistory,
    SkippedEvent,
    read_history,
)


def event(event_id: Any, event_type: str = "PassStateEntered", **extra: Any) -> dict[str, Any]:
    made: dict[str, Any] = {
        "timestamp": "2024-05-01T12:00:00.000000+00:00",
        "type": event_type,
        "id": event_id,
        "previousEventId": event_id - 1 if isinstance(event_id, int) else 0,
    }
    made.update(extra)
    return made


def events(count: int) -> list[dict[str, Any]]:
    return [event(n) for n in range(1, count + 1)]


def read_page(items: list[Any], name: str = "history.json") -> ImportedHistory:
    return read_history([(name, json.dumps({"events": items}))])


def ids(history: ImportedHistory) -> list[int]:
    return [item["id"] for item in history.events]


def only_skip(history: ImportedHistory) -> SkippedEvent:
    assert len(history.skipped) == 1, history.skipped
    return history.skipped[0]


def failure(text: str, name: str = "history.json") -> HistoryFormatError:
    with pytest.raises(HistoryFormatError) as caught:
        read_history([(name, text)])
    return caught.value


# ------------------------------------------------------------------------ nothing usable: errors


def test_text_that_is_not_json_is_refused_with_line_and_column() -> None:
    error = failure('{"events": [\n  {"id": 1,\n   "type": oops}\n]}')
    assert (error.where, error.line, error.column) == ("history.json", 3, 12)
    assert "not JSON" in error.message
    assert "history.json, line 3, column 12" in str(error)


def test_an_empty_file_is_refused() -> None:
    error = failure("  \n ")
    assert error.where == "history.json"
    assert "empty" in error.message


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_a_deep_nesting_bomb_is_refused_where_it_gets_too_deep(opener: str) -> None:
    error = failure(opener * 100_000)
    assert "nesting is deeper than" in error.message
    assert error.line == 1
    assert error.column is not None and error.column > 1


def test_a_json_document_of_another_shape_is_refused_saying_what_it_has() -> None:
    error = failure('{"Items": [], "Count": 0}')
    assert '"Items"' in error.message and '"Count"' in error.message
    assert (error.line, error.column) == (1, 1)


@pytest.mark.parametrize("text", ["42", '"events"', "null", "[]", '{"events": []}'])
def test_documents_without_events_are_refused(text: str) -> None:
    assert isinstance(failure(text), HistoryFormatError)


def test_events_that_is_not_a_list_is_refused() -> None:
    assert '"events" is not a list' in failure('{"events": {"id": 1}}').message


def test_when_every_event_is_unsound_the_error_says_why_the_first_was_skipped() -> None:
    error = failure(json.dumps({"events": [{"id": "one"}, {"id": "two"}]}))
    assert "no event could be imported: 2 skipped" in error.message
    assert "events[0]" in error.message and '"one"' in error.message


def test_a_bundle_of_an_unknown_version_is_refused() -> None:
    text = json.dumps({"format": "stepscope.execution-bundle", "version": 9, "events": []})
    assert "bundle version 9" in failure(text).message


# ------------------------------------------------------------------- skipped events, with reasons


@pytest.mark.parametrize(
    ("bad_id", "reason"),
    [
        ("7", 'its id is the text "7", not a positive integer'),
        (7.5, "its id is the number 7.5, not a positive integer"),
        (True, "its id is true, not a positive integer"),
        (0, "its id is the number 0, not a positive integer"),
        (-3, "its id is the number -3, not a positive integer"),
        (None, "its id is null, not a positive integer"),
        ([1], "its id is a JSON array, not a positive integer"),
    ],
)
def test_ids_that_are_not_positive_integers_are_skipped(bad_id: object, reason: str) -> None:
    history = read_page([*events(2), event(bad_id)])
    assert ids(history) == [1, 2]
    assert only_skip(history) == SkippedEvent(None, "history.json, events[2]", reason)


def test_a_missing_id_is_skipped() -> None:
    history = read_page([*events(1), {"type": "PassStateExited"}])
    assert only_skip(history).reason == "it has no id"


def test_an_id_with_five_thousand_digits_is_skipped_without_crashing() -> None:
    text = '{"events": [' + json.dumps(event(1)) + ', {"id": ' + "9" * 5000 + ', "type": "X"}]}'
    history = read_history([("h.json", text)])
    assert ids(history) == [1]
    assert (
        only_skip(history).reason == "its id is a number with 5000 digits, not a positive integer"
    )


def test_an_id_with_two_thousand_digits_is_described_by_its_length() -> None:
    text = '{"events": [' + json.dumps(event(1)) + ', {"id": ' + "8" * 2000 + ', "type": "X"}]}'
    history = read_history([("h.json", text)])
    assert (
        only_skip(history).reason == "its id is a number with 2000 digits, not a positive integer"
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1e999", "it holds a number too large for a float (1e999)"),
        ("NaN", "it holds NaN, which is not JSON"),
        ("-Infinity", "it holds -Infinity, which is not JSON"),
        ("1" * 4500, "it holds a number with 4500 digits"),
    ],
)
def test_unsound_numbers_inside_an_event_skip_that_event(value: str, reason: str) -> None:
    bad = '{"id": 2, "type": "PassStateExited", "stateExitedEventDetails": {"n": ' + value + "}}"
    text = '{"events": [' + json.dumps(event(1)) + ", " + bad + "]}"
    history = read_history([("h.json", text)])
    assert ids(history) == [1]
    assert only_skip(history) == SkippedEvent(2, "h.json, events[1]", reason)


def test_events_of_the_wrong_shape_are_skipped_with_their_reason() -> None:
    bad: list[Any] = [
        "ExecutionStarted",
        event(3, "Not A Type"),
        event(4, "TaskFailed", previousEventId=9),
        event(5, "TaskFailed", previousEventId="4"),
        event(6, "TaskFailed", timestamp={"at": 1}),
        event(7, "TaskFailed", taskFailedEventDetails=[], stateExitedEventDetails={}),
        event(8, "TaskFailed", taskFailedEventDetails="boom"),
    ]
    history = read_page([*events(2), *bad])
    assert ids(history) == [1, 2]
    reasons = {skip.where: skip.reason for skip in history.skipped}
    assert reasons == {
        "history.json, events[2]": 'it is the text "ExecutionStarted", not an event object',
        "history.json, events[3]": 'its type is the text "Not A Type", not an event type name',
        "history.json, events[4]": "its previousEventId 9 does not point to an earlier event",
        "history.json, events[5]": 'its previousEventId is the text "4", not an integer',
        "history.json, events[6]": "its timestamp is a JSON object, not a date",
        "history.json, events[7]": "it has 2 ...EventDetails members "
        "(stateExitedEventDetails, taskFailedEventDetails); AWS writes one",
        "history.json, events[8]": 'its taskFailedEventDetails is the text "boom", not an object',
    }
    assert [skip.event_id for skip in history.skipped] == [None, 3, 4, 5, 6, 7, 8]


def test_a_conflicting_duplicate_is_skipped_and_the_first_kept() -> None:
    first = event(2, "PassStateExited", stateExitedEventDetails={"name": "A", "output": "1"})
    second = event(2, "PassStateExited", stateExitedEventDetails={"name": "A", "output": "2"})
    history = read_history(
        [("a.json", json.dumps({"events": [event(1), first]})), ("b.json", json.dumps([second]))]
    )
    assert history.events[1] == first
    assert only_skip(history) == SkippedEvent(
        2, "b.json, [0]", "duplicate id 2 with different content (a.json, events[1])"
    )


def test_gaps_in_the_ids_are_noted_not_skipped() -> None:
    history = read_page([event(3), event(4), event(7), event(9)])
    assert ids(history) == [3, 4, 7, 9]
    assert history.skipped == ()
    assert history.notes == (
        "events 1–2 are missing (the history starts at id 3)",
        "ids jump from 4 to 7: event 5–6 missing",
        "ids jump from 7 to 9: event 8 missing",
    )


def payload_event(event_id: int, size: int, character: str = "a") -> dict[str, Any]:
    text = '"' + character * (size - 2) + '"'
    details = {"name": "A", "input": text, "inputDetails": {"truncated": False}}
    return event(event_id, stateEnteredEventDetails=details)


def test_a_payload_over_256_kib_is_skipped_and_one_at_the_limit_kept() -> None:
    history = read_page(
        [event(1), payload_event(2, MAX_PAYLOAD_BYTES), payload_event(3, 300 * 1024)]
    )
    assert ids(history) == [1, 2]
    assert only_skip(history) == SkippedEvent(
        3, "history.json, events[2]", "its input is 300 KiB, over AWS's 256 KiB limit"
    )


def test_the_payload_limit_counts_utf8_bytes_not_characters() -> None:
    # 140,000 characters of 2 bytes each is over the limit; 80,000 of 3 bytes each is under it
    history = read_page([event(1), payload_event(2, 140_000, "é"), payload_event(3, 80_000, "€")])
    assert ids(history) == [1, 3]
    assert only_skip(history).reason == "its input is 273 KiB, over AWS's 256 KiB limit"


def test_events_past_the_25000_limit_are_skipped() -> None:
    history = read_page(events(MAX_EVENTS + 3))
    assert len(history.events) == MAX_EVENTS
    assert history.events[-1]["id"] == MAX_EVENTS
    assert [skip.event_id for skip in history.skipped] == [25_001, 25_002, 25_003]
    assert "past AWS's limit of 25,000 events" in history.skipped[0].reason


def test_the_list_of_skipped_events_is_bounded_but_counts_them_all() -> None:
    history = read_page([event(1)] + [{"id": "x"}] * 1500)
    assert len(history.skipped) == 1001
    assert history.skipped[-1].reason == "500 more skipped events, not listed"


def test_text_that_cannot_be_stored_is_skipped() -> None:
    items = [
        event(1),
        event(2, stateEnteredEventDetails={"name": "A\u0000", "input": "{}"}),
        event(3, stateEnteredEventDetails={"name": "\ud800", "input": "{}"}),
        event(4, stateEnteredEventDetails={"\udfff": "x"}),
    ]
    history = read_page(items)
    assert ids(history) == [1]
    reasons = [skip.reason for skip in history.skipped]
    assert reasons[0] == "it contains a NUL character (\\u0000), which cannot be stored"
    assert reasons[1] == "it contains an unpaired surrogate (\\ud800), which is not Unicode"
    assert reasons[2] == "it contains an unpaired surrogate (\\udfff), which is not Unicode"


def test_an_event_nested_too_deep_is_skipped() -> None:
    deep: Any = "bottom"
    for _ in range(250):
        deep = [deep]
    history = read_page([event(1), event(2, stateEnteredEventDetails={"input": deep})])
    assert ids(history) == [1]
    assert only_skip(history).reason == "it is nested deeper than 200 levels"


def test_unknown_event_types_are_kept_and_noted() -> None:
    history = read_page([event(1), event(2, "FutureThingHappened")])
    assert ids(history) == [1, 2]
    assert "1 events have type FutureThingHappened, which AWS does not define (kept)" in (
        history.notes
    )


def test_garbage_after_a_good_page_keeps_the_page_and_reports_the_rest() -> None:
    text = json.dumps({"events": events(2)}) + "\n{not json"
    history = read_history([("h.json", text)])
    assert ids(history) == [1, 2]
    skip = only_skip(history)
    assert skip.where == "h.json, line 2, column 2"
    assert "the rest of the file was not read" in skip.reason


def test_a_bad_file_beside_a_good_one_is_reported_and_the_good_one_kept() -> None:
    history = read_history(
        [("good.json", json.dumps({"events": events(2)})), ("bad.json", "<html>")]
    )
    assert ids(history) == [1, 2]
    assert only_skip(history).where == "bad.json, line 1, column 1"


def test_a_document_of_unknown_shape_among_pages_is_reported() -> None:
    text = json.dumps({"events": events(2)}) + json.dumps({"surprise": True})
    history = read_history([("h.json", text)])
    assert ids(history) == [1, 2]
    assert only_skip(history).where == "h.json (document 2, line 1)"


def test_no_documents_at_all_is_refused() -> None:
    with pytest.raises(HistoryFormatError, match="no execution history events"):
        read_history([])


def test_a_document_that_is_not_text_is_refused() -> None:
    with pytest.raises(HistoryFormatError, match="not text"):
        read_history([("h.json", b'{"events": []}')])  # type: ignore[list-item]


def test_a_definition_object_holding_an_unsound_number_is_left_out_with_a_note() -> None:
    machine = '{"stateMachineArn": "arn:x", "name": "m", "definition": {"StartAt": 1e999}}'
    history = read_history([("h.json", json.dumps({"events": events(1)})), ("m.json", machine)])
    assert history.definition is None
    assert history.notes == ("m.json: the definition was left out: it cannot be written as JSON",)
