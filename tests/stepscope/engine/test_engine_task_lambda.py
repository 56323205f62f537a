from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepscope.engine.resolvers.lambdas import LambdaRegistry
from tests.stepscope.engine.engine_helpers import chain, machine, run, types

HANDLERS = """\
def echo(event, context):
    return {"got": event, "request": context.aws_request_id}


def boom(event, context):
    raise ValueError("bad " + str(event.get("n")))


def huge(event, context):
    return "x" * (257 * 1024)
"""


@pytest.fixture
def resolvers(tmp_path: Path) -> dict[str, object]:
    file = tmp_path / "handler.py"
    file.write_text(HANDLERS)
    config = {name: {"file": str(file), "handler": name} for name in ("echo", "boom", "huge")}
    return {"lambda": LambdaRegistry.from_config(config)}


def invoke(function: str, **extra: object) -> dict[str, object]:
    return machine(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function, "Payload.$": "$"},
                "End": True,
                **extra,
            }
        }
    )


def test_lambda_invoke_wraps_the_result_in_aws_envelope(resolvers: dict[str, object]) -> None:
    completed = run(invoke("echo"), {"n": 1}, resolvers=resolvers)
    assert completed.status == "SUCCEEDED"
    assert completed.output["Payload"]["got"] == {"n": 1}
    assert completed.output["StatusCode"] == 200
    assert (
        completed.output["SdkResponseMetadata"]["RequestId"]
        == completed.output["Payload"]["request"]
    )
    assert types(completed) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled = completed.events[2]["taskScheduledEventDetails"]
    assert scheduled["resource"] == "invoke" and scheduled["resourceType"] == "lambda"


def test_handler_errors_look_like_the_lambda_python_runtime(resolvers: dict[str, object]) -> None:
    completed = run(invoke("boom"), {"n": 7}, resolvers=resolvers)
    assert completed.status == "FAILED"
    assert completed.error == "ValueError"
    cause = json.loads(completed.cause or "")
    assert cause["errorMessage"] == "bad 7"
    assert cause["errorType"] == "ValueError"
    assert cause["stackTrace"] == [
        '  File "/var/task/handler.py", line 6, in boom\n'
        '    raise ValueError("bad " + str(event.get("n")))\n'
    ]


def test_legacy_function_arn_records_lambda_function_events(resolvers: dict[str, object]) -> None:
    definition = machine(
        {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:echo", "End": True}}
    )
    completed = run(definition, {"n": 1}, resolvers=resolvers)
    assert completed.output["got"] == {"n": 1}
    assert chain(completed)[2:5] == [
        (3, 2, "LambdaFunctionScheduled"),
        (4, 3, "LambdaFunctionStarted"),
        (5, 4, "LambdaFunctionSucceeded"),
    ]


def test_unknown_function_fails_like_aws(resolvers: dict[str, object]) -> None:
    completed = run(invoke("nope"), {}, resolvers=resolvers)
    assert completed.error == "Lambda.ResourceNotFoundException"
    assert completed.cause is not None and completed.cause.startswith(
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST"
    )


def test_results_over_256_kib_fail_with_data_limit_exceeded(resolvers: dict[str, object]) -> None:
    completed = run(invoke("huge"), {}, resolvers=resolvers)
    assert completed.error == "States.DataLimitExceeded"
    assert completed.cause == (
        "The state/task 'lambda' returned a result with a size exceeding the maximum number "
        "of bytes service limit."
    )


def test_stack_traces_quote_each_handlers_own_source_without_carets(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "handler.py").write_text(
        "def handler(event, context):\n    total = helper(event)\n    return total\n\n"
        "def helper(event):\n    raise ValueError('bad ' + str(event))\n"
    )
    (second / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    registry = LambdaRegistry.from_config(
        {
            "a": {"file": str(first / "handler.py"), "handler": "handler"},
            "b": {"file": str(second / "handler.py"), "handler": "handler"},
        }
    )
    assert registry.invoke("b", {}, "r-0").payload == b"1"  # loaded last, same /var/task name
    failed = registry.invoke("a", 7, "r-1")
    assert failed.error_body is not None
    assert failed.error_body["stackTrace"] == [
        '  File "/var/task/handler.py", line 2, in handler\n    total = helper(event)\n',
        '  File "/var/task/handler.py", line 6, in helper\n'
        "    raise ValueError('bad ' + str(event))\n",
    ]
