"""read_history on every format it accepts: CLI pages, describe output, definitions, bundles."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from stepscope.history.importing import (
    ExecutionDescription,
    ImportedHistory,
    read_history,
    write_bundle,
)

MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:execution:orders:order-7"


def event(event_id: int, event_type: str = "PassStateEntered", **extra: Any) -> dict[str, Any]:
    made: dict[str, Any] = {
        "timestamp": f"2024-05-01T12:00:{event_id % 60:02d}.123000+00:00",
        "type": event_type,
        "id": event_id,
        "previousEventId": event_id - 1,
    }
    if event_type.endswith("StateEntered"):
        made["stateEnteredEventDetails"] = {
            "name": "Step",
            "input": '{"n":1}',
            "inputDetails": {"truncated": False},
        }
    made.update(extra)
    return made


def events(count: int) -> list[dict[str, Any]]:
    return [event(1, "ExecutionStarted", previousEventId=0)] + [
        event(n) for n in range(2, count + 1)
    ]


def page(items: list[dict[str, Any]], token: str | None = None) -> str:
    document: dict[str, Any] = {"events": items}
    if token:
        document["nextToken"] = token
    return json.dumps(document, indent=4)


def read(*texts: str) -> ImportedHistory:
    return read_history([(f"file{n}.json", text) for n, text in enumerate(texts, start=1)])


def ids(history: ImportedHistory) -> list[int]:
    return [item["id"] for item in history.events]


def test_one_cli_page_reads_every_event_as_given() -> None:
    given = events(5)
    history = read(page(given, token=None))
    assert list(history.events) == given
    assert history.skipped == ()
    assert history.notes == ()


def test_pages_back_to_back_and_newline_separated_are_merged() -> None:
    given = events(9)
    back_to_back = page(given[:3], "t1") + page(given[3:6], "t2")
    newline = page(given[:3], "t1") + "\n" + page(given[3:6], "t2") + "\n\n" + page(given[6:])
    assert ids(read(back_to_back)) == [1, 2, 3, 4, 5, 6]
    history = read(newline)
    assert ids(history) == list(range(1, 10))
    assert "read 3 pages" in history.notes


def test_pages_in_separate_files_and_any_order_are_merged() -> None:
    given = events(6)
    history = read(page(given[3:]), page(given[:3]))
    assert ids(history) == [1, 2, 3, 4, 5, 6]


def test_reverse_order_output_is_sorted_ascending_and_noted() -> None:
    history = read(page(list(reversed(events(4)))))
    assert ids(history) == [1, 2, 3, 4]
    assert any("reverse order" in note for note in history.notes)


def test_a_bare_event_list_and_one_event_per_line() -> None:
    given = events(3)
    assert ids(read(json.dumps(given))) == [1, 2, 3]
    lines = "\n".join(json.dumps(item) for item in given)
    assert ids(read(lines)) == [1, 2, 3]


def test_a_list_of_pages() -> None:
    given = events(4)
    text = json.dumps([{"events": given[:2]}, {"events": given[2:]}])
    assert ids(read(text)) == [1, 2, 3, 4]


def test_exact_duplicates_from_overlapping_pages_are_dropped_silently() -> None:
    given = events(5)
    history = read(page(given[:4]), page(given[2:]))
    assert ids(history) == [1, 2, 3, 4, 5]
    assert history.skipped == ()
    assert "dropped 2 exact duplicate events" in history.notes


def test_timestamps_are_kept_as_given_iso_or_epoch() -> None:
    given = events(3)
    given[1]["timestamp"] = 1714564800.123
    given[2]["timestamp"] = "2024-05-01T14:00:00.5-04:00"
    history = read(page(given))
    assert history.events[1]["timestamp"] == 1714564800.123
    assert history.events[2]["timestamp"] == "2024-05-01T14:00:00.5-04:00"


def test_payloads_given_as_json_values_become_json_text() -> None:
    given = events(2)
    given[1]["stateEnteredEventDetails"]["input"] = {"orderId": "o-1", "lines": [1, 2]}
    given[1]["stateEnteredEventDetails"]["cause"] = {"errorMessage": "boom"}
    history = read(page(given))
    details = history.events[1]["stateEnteredEventDetails"]
    assert details["input"] == '{"orderId":"o-1","lines":[1,2]}'
    assert json.loads(details["cause"]) == {"errorMessage": "boom"}
    assert any("stored as JSON text" in note for note in history.notes)


def describe_execution(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "executionArn": EXECUTION_ARN,
        "stateMachineArn": MACHINE_ARN,
        "name": "order-7",
        "status": "FAILED",
        "startDate": "2024-05-01T12:00:00.123000+00:00",
        "stopDate": 1714565100.5,
        "input": '{"orderId":"o-7"}',
        "inputDetails": {"included": True},
        "error": "PaymentFailed",
        "cause": "declined",
        "redriveCount": 0,
    }
    document.update(overrides)
    return document


def test_describe_execution_beside_the_history() -> None:
    history = read(page(events(3)), json.dumps(describe_execution(), indent=4))
    assert history.description == ExecutionDescription(
        execution_arn=EXECUTION_ARN,
        state_machine_arn=MACHINE_ARN,
        name="order-7",
        status="FAILED",
        start_date=datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC),
        stop_date=datetime(2024, 5, 1, 12, 5, 0, 500000, tzinfo=UTC),
        input='{"orderId":"o-7"}',
        output=None,
        error="PaymentFailed",
        cause="declined",
    )
    assert history.state_machine_name == "orders"


def test_describe_fields_of_the_wrong_type_are_left_out_with_a_note() -> None:
    document = describe_execution(status=7, startDate="yesterday", input={"a": 1})
    history = read(page(events(2)), json.dumps(document))
    assert history.description is not None
    assert history.description.status is None
    assert history.description.start_date is None
    assert history.description.input == '{"a":1}'
    assert any("status was left out" in note for note in history.notes)
    assert any("startDate was left out" in note for note in history.notes)


def test_describe_state_machine_for_execution_gives_definition_and_name() -> None:
    definition = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
    machine = {
        "stateMachineArn": MACHINE_ARN,
        "name": "orders-v2",
        "definition": definition,
        "roleArn": "arn:aws:iam::123456789012:role/r",
        "updateDate": "2024-04-01T00:00:00+00:00",
    }
    history = read(page(events(2)), json.dumps(machine), json.dumps(describe_execution()))
    assert history.definition == definition
    assert history.state_machine_name == "orders-v2"


def test_a_bare_asl_definition_is_kept_as_its_text() -> None:
    definition = '{\n  "StartAt": "A",\n  "States": {"A": {"Type": "Pass", "End": true}}\n}'
    history = read(definition, page(events(2)))
    assert history.definition == definition


def test_state_machine_name_from_the_execution_arn_or_a_version_arn() -> None:
    only_execution = describe_execution(stateMachineArn=None)
    assert read(page(events(2)), json.dumps(only_execution)).state_machine_name == "orders"
    given = events(2)
    given[0]["executionStartedEventDetails"] = {
        "input": "{}",
        "stateMachineVersionArn": MACHINE_ARN.replace("orders", "billing") + ":3",
    }
    assert read(page(given)).state_machine_name == "billing"
    assert read(page(events(2))).state_machine_name is None


def test_a_bundle_reads_back_everything_it_holds() -> None:
    description = ExecutionDescription(
        execution_arn=EXECUTION_ARN,
        state_machine_arn=MACHINE_ARN,
        name="order-7",
        status="SUCCEEDED",
        start_date=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        stop_date=None,
        input="{}",
        output='{"ok":true}',
        error=None,
        cause=None,
    )
    given = events(4)
    text = write_bundle(
        events=given, description=description, definition='{"StartAt":"A"}', state_machine_name="x"
    )
    assert json.loads(text)["format"] == "stepscope.execution-bundle"
    history = read(text)
    assert list(history.events) == given
    assert history.description == description
    assert history.definition == '{"StartAt":"A"}'
    assert history.state_machine_name == "x"
    assert history.skipped == ()


def test_a_bundle_without_description_or_definition() -> None:
    text = write_bundle(
        events=events(2), description=None, definition=None, state_machine_name=None
    )
    history = read(text)
    assert history.description is None
    assert history.definition is None
    assert ids(history) == [1, 2]


def test_naive_dates_in_a_bundle_are_taken_as_utc() -> None:
    naive = ExecutionDescription(
        None, None, None, "RUNNING", datetime(2024, 5, 1, 12, 0), None, None, None, None, None
    )
    history = read(
        write_bundle(events=events(1), description=naive, definition=None, state_machine_name=None)
    )
    assert history.description is not None
    assert history.description.start_date == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("prefix", ["\ufeff", "\n\n  ", ""])
def test_a_byte_order_mark_and_leading_space_are_ignored(prefix: str) -> None:
    assert ids(read(prefix + page(events(2)))) == [1, 2]


def test_reverse_order_pages_are_noted_once_per_file() -> None:
    given = list(reversed(events(6)))
    history = read(page(given[:3], "t") + page(given[3:]))
    assert ids(history) == [1, 2, 3, 4, 5, 6]
    assert history.notes == ("file1.json: events were in reverse order", "read 2 pages")


def test_a_definition_given_as_an_object_is_kept_as_indented_json_text() -> None:
    machine = {"stateMachineArn": MACHINE_ARN, "name": "orders", "definition": {"StartAt": "A"}}
    history = read(page(events(1)), json.dumps(machine))
    assert history.definition == '{\n  "StartAt": "A"\n}'
