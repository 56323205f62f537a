"""Effective QueryLanguage: a state's own, else the machine's (also inside Map and Parallel)."""

from __future__ import annotations

from stepscope.asl.build_model import build_state_machine


def nested_machine(
    machine_language: str | None, parallel_language: str | None
) -> dict[str, object]:
    parallel: dict[str, object] = {
        "Type": "Parallel",
        "Branches": [
            {
                "StartAt": "Inherit",
                "States": {
                    "Inherit": {"Type": "Pass", "Next": "Own"},
                    "Own": {"Type": "Pass", "QueryLanguage": "JSONata", "End": True},
                },
            }
        ],
        "End": True,
    }
    if parallel_language:
        parallel["QueryLanguage"] = parallel_language
    data: dict[str, object] = {"StartAt": "P", "States": {"P": parallel}}
    if machine_language:
        data["QueryLanguage"] = machine_language
    return data


def languages(data: dict[str, object]) -> dict[str, tuple[str | None, str]]:
    machine = build_state_machine(data)
    return {
        state.name: (state.query_language, state.effective_query_language)
        for state, _ in machine.walk()
    }


def test_default_is_jsonpath() -> None:
    found = languages(nested_machine(None, None))
    assert found["P"] == (None, "JSONPath")
    assert found["Inherit"] == (None, "JSONPath")
    assert found["Own"] == ("JSONata", "JSONata")


def test_machine_language_reaches_nested_states() -> None:
    found = languages(nested_machine("JSONata", None))
    assert found["P"] == (None, "JSONata")
    assert found["Inherit"] == (None, "JSONata")


def test_nested_states_take_the_machine_language_not_the_parallel_one() -> None:
    found = languages(nested_machine("JSONPath", "JSONata"))
    assert found["P"] == ("JSONata", "JSONata")
    assert found["Inherit"] == (None, "JSONPath")


def test_unknown_language_is_kept_as_declared_but_does_not_apply() -> None:
    data = {
        "StartAt": "A",
        "QueryLanguage": "XPath",
        "States": {"A": {"Type": "Pass", "QueryLanguage": 7, "End": True}},
    }
    machine = build_state_machine(data)
    assert machine.query_language == "XPath"
    assert machine.effective_query_language == "JSONPath"
    assert machine.states[0].query_language is None
    assert machine.states[0].effective_query_language == "JSONPath"
