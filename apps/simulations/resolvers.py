"""The engine's task resolvers for a simulation: local Lambda handlers from a folder (one folder
per function, deployed as /var/task), a Step Functions Local mock configuration's test case, and
simulated task durations (how long each task takes on the virtual clock)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stepscope.engine.resolvers.durations import DurationsError, TaskDurations, check_states
from stepscope.engine.resolvers.lambdas import LambdaRegistry
from stepscope.engine.resolvers.mock_config import MockConfig, MockConfigError

# (file, function) a function's folder may hold, in the order they are looked for.
HANDLER_FILES = (("handler.py", "handler"), ("lambda_function.py", "lambda_handler"))


class ResolverError(ValueError):
    """The Lambda folder, the mock configuration or the durations cannot be used; the message
    says why."""


def lambda_handlers(lambdas_dir: str) -> dict[str, dict[str, str]]:
    """`DIR/<function>/handler.py` -> {function: {"file", "handler"}} for LambdaRegistry."""
    if not lambdas_dir:
        return {}
    folder = Path(lambdas_dir)
    if not folder.is_dir():
        raise ResolverError(f"the Lambda handlers folder {lambdas_dir} does not exist")
    handlers: dict[str, dict[str, str]] = {}
    for function in sorted(path for path in folder.iterdir() if path.is_dir()):
        for file_name, handler in HANDLER_FILES:
            file = function / file_name
            if file.is_file():
                handlers[function.name] = {"file": str(file.resolve()), "handler": handler}
                break
    if not handlers:
        raise ResolverError(
            f"the Lambda handlers folder {lambdas_dir} has no <function>/handler.py "
            "(or <function>/lambda_function.py)"
        )
    return handlers


def mock_test_case(mock_config: Any, test_case: str, state_machine: str | None) -> Any:
    """The test case's mocked responses; raises ResolverError when it is not there."""
    if mock_config is None and not test_case:
        return None
    if mock_config is None or not test_case:
        raise ResolverError("a mock configuration and a test case go together")
    try:
        # The machine named like the definition, else the one machine that has the case.
        return MockConfig.parse(mock_config).test_case(state_machine, test_case)
    except MockConfigError as problem:
        raise ResolverError(f"mock configuration: {problem}") from None


def task_durations(durations: Any, definition: Any = None) -> TaskDurations | None:
    """The parsed durations table (None: tasks end the moment they start), checked against the
    definition's Task states when it is given; raises ResolverError, its message starting with
    the JSON pointer of the problem."""
    if durations is None:
        return None
    try:
        table = TaskDurations.parse(durations)
        if definition is not None:
            check_states(table, definition)
        return table
    except DurationsError as problem:
        raise ResolverError(f"task durations: {problem}") from None


def simulation_resolvers(
    *,
    lambdas_dir: str,
    mock_config: Any,
    test_case: str,
    state_machine: str | None,
    durations: Any = None,
    definition: Any = None,
) -> dict[str, Any]:
    """What a step runs tasks with. `definition`, when given, is checked against the durations
    table (every state it names must be one of its Tasks)."""
    resolvers: dict[str, Any] = {"lambda": LambdaRegistry.from_config(lambda_handlers(lambdas_dir))}
    mocks = mock_test_case(mock_config, test_case, state_machine)
    if mocks is not None:
        resolvers["mocks"] = mocks
    table = task_durations(durations, definition)
    if table is not None:
        resolvers["durations"] = table
    return resolvers
