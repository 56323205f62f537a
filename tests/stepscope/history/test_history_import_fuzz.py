"""read_history never crashes: any text gives an ImportedHistory or a HistoryFormatError."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.history.importing import HistoryFormatError, ImportedHistory, read_history

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
EVENT_KEYS = st.sampled_from(
    [
        "id",
        "type",
        "previousEventId",
        "timestamp",
        "taskFailedEventDetails",
        "stateEnteredEventDetails",
    ]
)
EVENTISH = st.dictionaries(EVENT_KEYS, JSON_VALUES, max_size=6)
DOCUMENTS = st.one_of(
    st.builds(lambda items: {"events": items}, st.lists(EVENTISH | JSON_VALUES, max_size=8)),
    st.lists(EVENTISH, max_size=8),
    st.dictionaries(
        st.sampled_from(["executionArn", "status", "startDate", "input", "definition", "format"]),
        JSON_VALUES,
    ),
    JSON_VALUES,
)


def read_never_crashes(text: str) -> ImportedHistory | None:
    try:
        history = read_history([("fuzz.json", text)])
    except HistoryFormatError as error:
        assert error.message
        return None
    assert [event["id"] for event in history.events] == sorted({e["id"] for e in history.events})
    return history


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    read_never_crashes(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(DOCUMENTS, min_size=1, max_size=3), st.sampled_from(["", "\n", " \n "]))
def test_any_json_documents_back_to_back(documents: list[Any], separator: str) -> None:
    text = separator.join(json.dumps(document) for document in documents)
    history = read_never_crashes(text)
    if history is not None:
        json.dumps(list(history.events))  # what was kept can be stored as JSON


@settings(max_examples=200, deadline=None)
@given(st.lists(DOCUMENTS, min_size=1, max_size=2), st.integers(min_value=0, max_value=400))
def test_json_cut_off_anywhere(documents: list[Any], cut: int) -> None:
    text = "\n".join(json.dumps(document) for document in documents)
    read_never_crashes(text[:cut])
