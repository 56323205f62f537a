from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from stepscope.cli import main
from stepscope.commands.simulate import run_batch

DEFINITION = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "greet", "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "End": True,
        }
    },
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    definition = tmp_path / "machine.json"
    definition.write_text(json.dumps(DEFINITION))
    value = tmp_path / "input.json"
    value.write_text('{"name": "Ada"}')
    handler = tmp_path / "greet.py"
    handler.write_text("def handler(event, context):\n    return 'hi ' + event['name']\n")
    return {"definition": definition, "input": value, "handler": handler}


def test_simulate_prints_status_and_output(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "history.json"
    code = main(
        [
            "simulate",
            str(files["definition"]),
            "--input",
            str(files["input"]),
            "--lambda",
            f"greet={files['handler']}:handler",
            "--history-out",
            str(history),
        ]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "SUCCEEDED"
    assert json.loads("\n".join(out[1:])) == "hi Ada"
    events = json.loads(history.read_text())["events"]
    assert events[0]["type"] == "ExecutionStarted" and events[-1]["type"] == "ExecutionSucceeded"


def test_simulate_prints_error_and_cause_on_failure(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", str(files["definition"]), "--input", str(files["input"])])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == "FAILED"
    assert out[1] == "error: Lambda.ResourceNotFoundException"


def test_bad_lambda_option_is_explained(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", str(files["definition"]), "--lambda", "greet"])
    assert code == 2
    assert "expected NAME=path.py:handler" in capsys.readouterr().err


def test_batch_answers_each_line_in_order_and_rejects_invalid_definitions(
    files: dict[str, Path],
) -> None:
    requests = "\n".join(
        [
            json.dumps(
                {
                    "id": "ok",
                    "definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                    "input": {"a": 1},
                }
            ),
            "",
            json.dumps(
                {"id": "bad", "definition": {"StartAt": "Nowhere", "States": {}}, "input": {}}
            ),
            json.dumps(
                {
                    "id": "lambda",
                    "definition": DEFINITION,
                    "input": {"name": "Bo"},
                    "lambdas": {"greet": {"file": str(files["handler"]), "handler": "handler"}},
                }
            ),
        ]
    )
    out = io.StringIO()
    assert run_batch(io.StringIO(requests + "\n"), out) == 0
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [a["id"] for a in answers] == ["ok", "bad", "lambda"]
    assert answers[0]["status"] == "SUCCEEDED" and answers[0]["output"] == '{"a":1}'
    assert answers[1]["rejected"]["error"] == "InvalidDefinition"
    assert json.loads(answers[2]["output"]) == "hi Bo"


def test_simulate_with_a_mock_config_and_test_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definition = tmp_path / "m.json"
    definition.write_text(
        json.dumps(
            {
                "StartAt": "Send",
                "States": {
                    "Send": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::sqs:sendMessage",
                        "End": True,
                    }
                },
            }
        )
    )
    config = tmp_path / "MockConfigFile.json"
    config.write_text(
        json.dumps(
            {
                "StateMachines": {"m": {"TestCases": {"Happy": {"Send": "Sent"}}}},
                "MockedResponses": {"Sent": {"0": {"Return": {"MessageId": "m-1"}}}},
            }
        )
    )
    args = ["simulate", str(definition), "--mock-config", str(config)]
    assert main([*args, "--test-case", "Happy"]) == 0
    assert '"MessageId": "m-1"' in capsys.readouterr().out
    assert main([*args, "--test-case", "Sad"]) == 2
    assert "no state machine has a test case 'Sad'" in capsys.readouterr().err
    assert main(args) == 2
    assert "--mock-config and --test-case go together" in capsys.readouterr().err


def test_simulate_reports_a_parked_callback_and_its_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definition = tmp_path / "m.json"
    definition.write_text(
        json.dumps(
            {
                "StartAt": "Ask",
                "States": {
                    "Ask": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                        "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}},
                        "End": True,
                    }
                },
            }
        )
    )
    assert main(["simulate", str(definition)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("RUNNING")
    assert "the state 'Ask' waits for a callback" in out and "task token: " in out


def test_batch_takes_a_mock_config_and_test_case() -> None:
    request = {
        "id": "m",
        "definition": {
            "StartAt": "Put",
            "States": {
                "Put": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True}
            },
        },
        "input": {},
        "context": {"stateMachineName": "Notify"},
        "mockConfig": {
            "StateMachines": {"Notify": {"TestCases": {"T": {"Put": "P"}}}},
            "MockedResponses": {"P": {"0": {"Throw": {"Error": "SNS.Down", "Cause": "x"}}}},
        },
        "testCase": "T",
    }
    out = io.StringIO()
    run_batch(io.StringIO(json.dumps(request) + "\n"), out)
    answer = json.loads(out.getvalue())
    assert answer["status"] == "FAILED" and answer["error"] == "SNS.Down"
    request["testCase"] = "Missing"
    out = io.StringIO()
    run_batch(io.StringIO(json.dumps(request) + "\n"), out)
    assert "no test case 'Missing'" in json.loads(out.getvalue())["note"]


def test_simulate_reads_map_items_from_an_s3_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s3" / "orders").mkdir(parents=True)
    (tmp_path / "s3" / "orders" / "lines.csv").write_text("sku,qty\nA,1\nB,2\n")
    definition = tmp_path / "m.json"
    definition.write_text(
        json.dumps(
            {
                "StartAt": "Each",
                "States": {
                    "Each": {
                        "Type": "Map",
                        "ItemReader": {
                            "Resource": "arn:aws:states:::s3:getObject",
                            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                            "Parameters": {"Bucket": "orders", "Key": "lines.csv"},
                        },
                        "ItemProcessor": {
                            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                            "StartAt": "Echo",
                            "States": {"Echo": {"Type": "Pass", "End": True}},
                        },
                        "End": True,
                    }
                },
            }
        )
    )
    assert main(["simulate", str(definition), "--s3-dir", str(tmp_path / "s3")]) == 0
    out = capsys.readouterr().out
    assert '"sku": "B"' in out and '"qty": "2"' in out
    assert main(["simulate", str(definition), "--s3-dir", str(tmp_path / "nowhere")]) == 2
    assert "no such directory" in capsys.readouterr().err


def test_simulate_with_durations_times_out_a_slow_task(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slow = dict(DEFINITION)
    slow["States"] = {"Call": {**DEFINITION["States"]["Call"], "TimeoutSeconds": 2}}
    files["definition"].write_text(json.dumps(slow))
    durations = tmp_path / "durations.json"
    durations.write_text('{"Call": 3}')
    history = tmp_path / "history.json"
    args = ["simulate", str(files["definition"]), "--input", str(files["input"])]
    args += ["--lambda", f"greet={files['handler']}:handler", "--history-out", str(history)]
    assert main([*args, "--durations", str(durations)]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == ["FAILED", "error: States.Timeout"]
    events = json.loads(history.read_text())["events"]
    assert [e["type"] for e in events][-2:] == ["TaskTimedOut", "ExecutionFailed"]
    durations.write_text('{"Call": {"0": "slow"}}')
    assert main([*args, "--durations", str(durations)]) == 2
    err = capsys.readouterr().err
    assert 'durations.json: /Call/0: must be a number of seconds (0 or more), not "slow"' in err
    durations.write_text('{"Cal": 3}')
    assert main([*args, "--durations", str(durations)]) == 2
    err = capsys.readouterr().err
    assert "durations.json: /Cal: the definition has no Task state named 'Cal'" in err


def test_batch_takes_durations_and_explains_bad_ones() -> None:
    request = {
        "id": "d",
        "definition": {
            "StartAt": "Put",
            "States": {
                "Put": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sns:publish",
                    "TimeoutSeconds": 1,
                    "End": True,
                }
            },
        },
        "input": {},
        "context": {"stateMachineName": "Notify"},
        "mockConfig": {
            "StateMachines": {"Notify": {"TestCases": {"T": {"Put": "P"}}}},
            "MockedResponses": {"P": {"0": {"Return": {"MessageId": "1"}}}},
        },
        "testCase": "T",
        "durations": {"Put": 5},
    }
    out = io.StringIO()
    run_batch(io.StringIO(json.dumps(request) + "\n"), out)
    answer = json.loads(out.getvalue())
    assert (answer["status"], answer["error"]) == ("FAILED", "States.Timeout")
    request["durations"] = {"Put": -1}
    out = io.StringIO()
    run_batch(io.StringIO(json.dumps(request) + "\n"), out)
    assert json.loads(out.getvalue())["note"] == (
        "durations: /Put: must be a number of seconds (0 or more), not -1"
    )
    request["durations"] = {"Get": 1}
    out = io.StringIO()
    run_batch(io.StringIO(json.dumps(request) + "\n"), out)
    assert json.loads(out.getvalue())["note"] == (
        "durations: /Get: the definition has no Task state named 'Get'"
    )


def test_simulate_lists_every_callback_that_waits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ask = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
        "Parameters": {"t.$": "$$.Task.Token"},
        "End": True,
    }
    processor = {"StartAt": "Ask", "States": {"Ask": ask}}
    definition = tmp_path / "m.json"
    machine = {
        "StartAt": "M",
        "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True}},
    }
    definition.write_text(json.dumps(machine))
    value = tmp_path / "in.json"
    value.write_text("[1, 2, 3]")
    assert main(["simulate", str(definition), "--input", str(value)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "RUNNING"
    tokens = [line.removeprefix("task token: ") for line in out if line.startswith("task token: ")]
    assert len(tokens) == len(set(tokens)) == 3
