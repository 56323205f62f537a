"""stepscope/engine/resolvers/mock_config.py: Step Functions Local's mock configuration format."""

from __future__ import annotations

from typing import Any

import pytest

from stepscope.engine.resolvers.mock_config import (
    MockConfig,
    MockConfigError,
    MockedReturn,
    MockedThrow,
)

CONFIG: dict[str, Any] = {
    "StateMachines": {
        "Orders": {
            "TestCases": {
                "HappyPath": {"Pay": "PaySucceeds"},
                "RetryPath": {"Pay": "PayFailsTwice"},
            }
        }
    },
    "MockedResponses": {
        "PaySucceeds": {"0": {"Return": {"StatusCode": 200, "Payload": {"paid": True}}}},
        "PayFailsTwice": {
            "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "busy"}},
            "2": {"Return": {"Payload": "ok"}},
        },
    },
}


def test_invocations_and_ranges_pick_their_response_and_the_last_repeats() -> None:
    mocks = MockConfig.parse(CONFIG).test_case("Orders", "RetryPath")
    busy = MockedThrow("Lambda.TooManyRequestsException", "busy")
    assert mocks.response("Pay", 0) == busy
    assert mocks.response("Pay", 1) == busy
    assert mocks.response("Pay", 2) == MockedReturn({"Payload": "ok"})
    assert mocks.response("Pay", 9) == MockedReturn({"Payload": "ok"})
    assert mocks.response("Ship", 0) is None and not mocks.mocks("Ship")


def test_the_machine_may_be_left_out_when_one_machine_has_the_test_case() -> None:
    mocks = MockConfig.parse(CONFIG).test_case(None, "HappyPath")
    assert mocks.machine == "Orders"
    assert MockConfig.parse(CONFIG).test_case("another-name", "HappyPath").machine == "Orders"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(StateMachines=[]), "/StateMachines: must be an object"),
        (
            lambda c: c["StateMachines"]["Orders"]["TestCases"]["HappyPath"].update(Pay="Nope"),
            "/StateMachines/Orders/TestCases/HappyPath/Pay: 'Nope' is not a name",
        ),
        (
            lambda c: c["MockedResponses"]["PaySucceeds"].update({"2": {"Return": 1}}),
            "/MockedResponses/PaySucceeds: invocation 1 has no response",
        ),
        (
            lambda c: c["MockedResponses"]["PaySucceeds"].update({"x": {"Return": 1}}),
            "/MockedResponses/PaySucceeds/x: the key must be an invocation number",
        ),
        (
            lambda c: c["MockedResponses"]["PaySucceeds"]["0"].update(Throw={"Error": "E"}),
            "/MockedResponses/PaySucceeds/0: must hold exactly one of Return or Throw",
        ),
        (
            lambda c: c["MockedResponses"]["PaySucceeds"].update({"0": {"Throw": {"Error": 5}}}),
            "/MockedResponses/PaySucceeds/0/Throw/Error: must be a string",
        ),
    ],
)
def test_a_broken_configuration_says_what_is_wrong_and_where(change: Any, message: str) -> None:
    import copy

    config = copy.deepcopy(CONFIG)
    change(config)
    with pytest.raises(MockConfigError) as raised:
        MockConfig.parse(config)
    assert message in str(raised.value)


def test_an_unknown_test_case_names_the_known_ones() -> None:
    with pytest.raises(MockConfigError) as raised:
        MockConfig.parse(CONFIG).test_case("Orders", "Sad")
    assert "no test case 'Sad'" in str(raised.value) and "HappyPath, RetryPath" in str(raised.value)
    with pytest.raises(MockConfigError):
        MockConfig.parse(CONFIG).test_case(None, "Sad")
    with pytest.raises(MockConfigError):
        MockConfig.parse("not an object")
