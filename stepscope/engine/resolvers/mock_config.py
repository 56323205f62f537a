"""AWS Step Functions Local's mock configuration file: StateMachines -> TestCases -> state name ->
a MockedResponses entry, whose keys are invocation numbers ("0") or ranges ("1-3") mapping to a
`Return` value or a `Throw` {Error, Cause}.

    config = MockConfig.parse(json.loads(text))
    mocks = config.test_case("LambdaSQSIntegration", "HappyPath")
    mocks.response("LambdaState", 0)   # -> MockedReturn | MockedThrow | None

Invocations count from 0 for each state over the whole execution (a retry is the next
invocation). Past the last invocation given, the last response answers again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["MockConfig", "MockConfigError", "MockedReturn", "MockedThrow", "TestCaseMocks"]

_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


class MockConfigError(ValueError):
    """A mock configuration that cannot be used: the message says what, and where (JSON pointer)."""


@dataclass(frozen=True)
class MockedReturn:
    value: Any


@dataclass(frozen=True)
class MockedThrow:
    error: str | None
    cause: str | None


MockedResponse = MockedReturn | MockedThrow


@dataclass(frozen=True)
class _Span:
    first: int
    last: int
    response: MockedResponse


@dataclass(frozen=True)
class TestCaseMocks:
    """The mocked states of one test case."""

    __test__ = False  # not a pytest test class

    machine: str
    name: str
    states: dict[str, tuple[str, tuple[_Span, ...]]]  # state -> (response name, spans)

    def mocks(self, state: str) -> bool:
        return state in self.states

    def response(self, state: str, invocation: int) -> MockedResponse | None:
        entry = self.states.get(state)
        if entry is None:
            return None
        spans = entry[1]
        for span in spans:
            if span.first <= invocation <= span.last:
                return span.response
        return spans[-1].response


@dataclass(frozen=True)
class MockConfig:
    machines: dict[str, dict[str, dict[str, str]]]  # machine -> test case -> state -> response
    responses: dict[str, tuple[_Span, ...]]

    @classmethod
    def parse(cls, data: Any) -> MockConfig:
        if not isinstance(data, dict):
            raise MockConfigError("/: a mock configuration must be a JSON object")
        responses = _responses(data.get("MockedResponses", {}))
        machines = _machines(data.get("StateMachines"), responses)
        return cls(machines, responses)

    def test_case(self, machine: str | None, test_case: str) -> TestCaseMocks:
        """The test case `test_case` of `machine`; with no machine, the one machine that has a
        test case of that name."""
        name = machine if machine in self.machines else self._only_machine_with(test_case, machine)
        cases = self.machines[name]
        if test_case not in cases:
            known = ", ".join(sorted(cases)) or "none"
            raise MockConfigError(
                f"/StateMachines/{_escape(name)}/TestCases: no test case {test_case!r} "
                f"(it has: {known})"
            )
        states = {
            state: (response, self.responses[response])
            for state, response in cases[test_case].items()
        }
        return TestCaseMocks(name, test_case, states)

    def _only_machine_with(self, test_case: str, asked: str | None) -> str:
        having = [name for name, cases in self.machines.items() if test_case in cases]
        if len(having) == 1:
            return having[0]
        if asked is not None:
            known = ", ".join(sorted(self.machines)) or "none"
            raise MockConfigError(
                f"/StateMachines: no state machine {asked!r} (the configuration has: {known})"
            )
        if not having:
            raise MockConfigError(f"/StateMachines: no state machine has a test case {test_case!r}")
        raise MockConfigError(
            f"/StateMachines: several state machines have a test case {test_case!r} "
            f"({', '.join(sorted(having))}); say which"
        )


def _machines(
    data: Any, responses: dict[str, tuple[_Span, ...]]
) -> dict[str, dict[str, dict[str, str]]]:
    if not isinstance(data, dict):
        raise MockConfigError("/StateMachines: must be an object of state machine names")
    machines: dict[str, dict[str, dict[str, str]]] = {}
    for machine, body in data.items():
        where = f"/StateMachines/{_escape(machine)}"
        cases = body.get("TestCases") if isinstance(body, dict) else None
        if not isinstance(cases, dict):
            raise MockConfigError(f"{where}/TestCases: must be an object of test cases")
        machines[machine] = {}
        for case, states in cases.items():
            case_where = f"{where}/TestCases/{_escape(case)}"
            if not isinstance(states, dict):
                raise MockConfigError(f"{case_where}: must map state names to mocked responses")
            for state, response in states.items():
                if not isinstance(response, str) or response not in responses:
                    raise MockConfigError(
                        f"{case_where}/{_escape(state)}: {response!r} is not a name in "
                        "MockedResponses"
                    )
            machines[machine][case] = dict(states)
    return machines


def _responses(data: Any) -> dict[str, tuple[_Span, ...]]:
    if not isinstance(data, dict):
        raise MockConfigError("/MockedResponses: must be an object of mocked responses")
    found: dict[str, tuple[_Span, ...]] = {}
    for name, invocations in data.items():
        where = f"/MockedResponses/{_escape(name)}"
        if not isinstance(invocations, dict) or not invocations:
            raise MockConfigError(f'{where}: must map invocation numbers ("0", "1-2") to responses')
        spans = [_span(key, value, f"{where}/{_escape(key)}") for key, value in invocations.items()]
        spans.sort(key=lambda span: span.first)
        expected = 0
        for span in spans:
            if span.first != expected:
                raise MockConfigError(
                    f"{where}: invocation {expected} has no response (the numbers must run "
                    "from 0 without gaps or overlaps)"
                )
            expected = span.last + 1
        found[name] = tuple(spans)
    return found


def _span(key: str, value: Any, where: str) -> _Span:
    first, last = invocation_range(key, where)
    return _Span(first, last, _response(value, where))


def invocation_range(key: str, where: str) -> tuple[int, int]:
    """An invocation number or range key ("0", "1-3") as its first and last numbers."""
    match = _RANGE.match(key)
    if match is None:
        raise MockConfigError(
            f'{where}: the key must be an invocation number or range ("0", "1-3")'
        )
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) is not None else first
    if last < first:
        raise MockConfigError(f"{where}: the range ends before it starts")
    return first, last


def _response(value: Any, where: str) -> MockedResponse:
    if not isinstance(value, dict) or len({"Return", "Throw"} & set(value)) != 1:
        raise MockConfigError(f"{where}: must hold exactly one of Return or Throw")
    if "Return" in value:
        return MockedReturn(value["Return"])
    thrown = value["Throw"]
    if not isinstance(thrown, dict):
        raise MockConfigError(f"{where}/Throw: must be an object with Error and Cause")
    error, cause = thrown.get("Error"), thrown.get("Cause")
    for field, text in (("Error", error), ("Cause", cause)):
        if text is not None and not isinstance(text, str):
            raise MockConfigError(f"{where}/Throw/{field}: must be a string")
    return MockedThrow(error, cause)


def _escape(part: str) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")
