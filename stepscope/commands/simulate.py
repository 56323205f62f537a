"""`stepscope simulate`: run a definition locally with the engine.

With a file, it prints the status, then the output or the error and cause. With `--batch`, it
follows the JSON Lines contract of shared/conformance/README.md: one request per line on stdin,
one answer per line on stdout, in order.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import orjson

from stepscope.asl.loading import load_definition
from stepscope.asl.validation import validate_data
from stepscope.engine import run_to_completion
from stepscope.engine.callbacks import waiting_tasks
from stepscope.engine.recorder import json_text
from stepscope.engine.resolvers.durations import DurationsError, TaskDurations, check_states
from stepscope.engine.resolvers.lambdas import LambdaRegistry
from stepscope.engine.resolvers.mock_config import MockConfig, MockConfigError
from stepscope.engine.resolvers.object_store import LocalObjectStore

HELP = (
    "Run a state machine locally (with local Lambda handlers and mocked responses) and print "
    "its result."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("definition", nargs="?", metavar="DEFINITION", help="definition file")
    parser.add_argument("--input", metavar="FILE", help="execution input (JSON file)")
    parser.add_argument(
        "--lambda",
        dest="lambdas",
        action="append",
        default=[],
        metavar="NAME=path.py:handler",
        help="a local Lambda handler for a function name or ARN (repeatable)",
    )
    parser.add_argument(
        "--mock-config",
        metavar="FILE",
        help="a Step Functions Local mock configuration (MockConfigFile.json)",
    )
    parser.add_argument("--test-case", metavar="NAME", help="the mock configuration's test case")
    parser.add_argument(
        "--state-machine",
        metavar="NAME",
        help="the state machine's name in the mock configuration (default: the one that has "
        "the test case)",
    )
    parser.add_argument(
        "--s3-dir",
        metavar="DIR",
        help="a directory standing in for Amazon S3 (Map ItemReader/ResultWriter): "
        "s3://bucket/key is DIR/bucket/key",
    )
    parser.add_argument(
        "--durations",
        metavar="FILE",
        help='how long tasks take on the virtual clock (JSON: {"State": seconds} or '
        '{"State": {"0": seconds, "1-3": seconds}}); without it every task ends at once',
    )
    parser.add_argument("--history-out", metavar="FILE", help="write the event history here")
    parser.add_argument("--batch", action="store_true", help="JSON Lines requests on stdin")


def run(args: argparse.Namespace) -> int:
    if args.batch:
        if args.definition:
            print(
                "stepscope simulate: --batch reads stdin and takes no DEFINITION", file=sys.stderr
            )
            return 2
        return run_batch(sys.stdin, sys.stdout)
    if not args.definition:
        print("stepscope simulate: give a DEFINITION file, or --batch", file=sys.stderr)
        return 2
    return simulate_file(args, sys.stdout, sys.stderr)


def simulate_file(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run one definition file; 0 when it succeeded, 1 when it did not, 2 on bad arguments."""
    try:
        loaded = load_definition(Path(args.definition).read_text(encoding="utf-8"))
        value = _read_json_file(args.input) if args.input else {}
        lambdas = LambdaRegistry.from_config(_lambda_options(args.lambdas))
        resolvers: dict[str, Any] = {"lambda": lambdas}
        resolvers.update(_mock_options(args))
        if args.durations:
            resolvers["durations"] = _durations_option(args.durations)
        if args.s3_dir:
            if not Path(args.s3_dir).is_dir():
                raise ValueError(f"--s3-dir {args.s3_dir}: no such directory")
            resolvers["s3"] = LocalObjectStore(Path(args.s3_dir))
    except (OSError, ValueError) as problem:
        print(f"stepscope simulate: {problem}", file=err)
        return 2
    if not loaded.validation.ok or not isinstance(loaded.data, dict):
        for diagnostic in loaded.validation.errors:
            where = diagnostic.location or "/"
            print(
                f"{args.definition}: {diagnostic.code} at {where}: {diagnostic.message}", file=err
            )
        return 2
    if "durations" in resolvers:
        try:
            check_states(resolvers["durations"], loaded.data)
        except DurationsError as problem:
            print(f"stepscope simulate: --durations {args.durations}: {problem}", file=err)
            return 2
    completed = run_to_completion(loaded.data, value, resolvers=resolvers)
    print(completed.status, file=out)
    if completed.status == "SUCCEEDED":
        print(json.dumps(completed.output, indent=2, ensure_ascii=False), file=out)
    elif completed.waiting is not None:
        for waiting in waiting_tasks(completed.snapshot):
            print(f"waiting: the state '{waiting['state']}' waits for a callback", file=out)
            print(f"task token: {waiting['token']}", file=out)
    else:
        print(f"error: {completed.error}", file=out)
        print(f"cause: {completed.cause}", file=out)
    if args.history_out:
        history = {"events": completed.events}
        Path(args.history_out).write_text(json.dumps(history, indent=2) + "\n", encoding="utf-8")
    return 0 if completed.status == "SUCCEEDED" else 1


def _lambda_options(options: list[str]) -> dict[str, dict[str, str]]:
    """`NAME=path.py:handler` options -> the batch contract's `lambdas` mapping."""
    lambdas: dict[str, dict[str, str]] = {}
    for option in options:
        name, equals, target = option.partition("=")
        file, colon, handler = target.rpartition(":")
        if not equals or not colon or not name or not file or not handler:
            raise ValueError(f"--lambda {option!r}: expected NAME=path.py:handler")
        if not Path(file).is_file():
            raise ValueError(f"--lambda {option!r}: no such file {file}")
        lambdas[name] = {"file": str(Path(file).resolve()), "handler": handler}
    return lambdas


def _mock_options(args: argparse.Namespace) -> dict[str, Any]:
    if not args.mock_config and not args.test_case:
        return {}
    if not args.mock_config or not args.test_case:
        raise ValueError("--mock-config and --test-case go together")
    try:
        config = MockConfig.parse(_read_json_file(args.mock_config))
        return {"mocks": config.test_case(args.state_machine, args.test_case)}
    except MockConfigError as problem:
        raise ValueError(f"{args.mock_config}: {problem}") from None


def _durations_option(path: str) -> TaskDurations:
    try:
        return TaskDurations.parse(_read_json_file(path))
    except DurationsError as problem:
        raise ValueError(f"--durations {path}: {problem}") from None


def _request_resolvers(request: dict[str, Any]) -> dict[str, Any]:
    resolvers: dict[str, Any] = {"lambda": LambdaRegistry.from_config(request.get("lambdas") or {})}
    if request.get("mockConfig") is not None:
        context = request.get("context") or {}
        config = MockConfig.parse(request["mockConfig"])
        machine = context.get("stateMachineName") if isinstance(context, dict) else None
        resolvers["mocks"] = config.test_case(machine, str(request.get("testCase")))
    if request.get("durations") is not None:
        resolvers["durations"] = TaskDurations.parse(request["durations"])
    return resolvers


def run_batch(requests: TextIO, out: TextIO) -> int:
    for line in requests:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as problem:
            answer: dict[str, Any] = {"id": None, "error": f"not JSON: {problem}"}
        else:
            answer = answer_request(request)
        out.write(_answer_line(answer) + "\n")
        out.flush()
    return 0


def answer_request(request: Any) -> dict[str, Any]:
    if not isinstance(request, dict):
        return {"id": None, "status": "FAILED", "note": "a request must be a JSON object"}
    request_id = request.get("id")
    definition = request.get("definition")
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except ValueError as problem:
            return _rejected(request_id, f"the definition is not JSON: {problem}")
    rejection = _rejection(definition)
    if rejection is not None or not isinstance(definition, dict):
        return _rejected(request_id, rejection or "the definition must be a JSON object")
    try:
        resolvers = _request_resolvers(request)
        if "durations" in resolvers:
            check_states(resolvers["durations"], definition)
    except MockConfigError as problem:
        return {"id": request_id, "status": "FAILED", "note": f"mockConfig: {problem}"}
    except DurationsError as problem:
        return {"id": request_id, "status": "FAILED", "note": f"durations: {problem}"}
    try:
        completed = run_to_completion(
            definition,
            request.get("input"),
            context=request.get("context") or {},
            resolvers=resolvers,
            machine_type=request.get("type") or "STANDARD",
        )
    except Exception as problem:  # noqa: BLE001 - one bad request must not end the batch
        return {"id": request_id, "status": "FAILED", "note": f"simulator error: {problem!r}"}
    return {
        "id": request_id,
        "status": completed.status,
        "output": None if completed.status != "SUCCEEDED" else json_text(completed.output),
        "error": completed.error,
        "cause": completed.cause,
        "events": completed.events,
    }


def _rejection(definition: Any) -> str | None:
    result = validate_data(definition)
    errors = [d for d in result.diagnostics if d.severity == "ERROR"]
    if not errors:
        return None
    return "; ".join(f"{d.code}: {d.message} at {d.location or '/'}" for d in errors)


def _rejected(request_id: Any, message: str) -> dict[str, Any]:
    return {"id": request_id, "rejected": {"error": "InvalidDefinition", "message": message}}


def _read_json_file(path: str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _answer_line(answer: dict[str, Any]) -> str:
    """The answer as one JSON line: orjson is about ten times faster on a long history; json
    covers what orjson refuses (an integer beyond 64 bits, a lone surrogate)."""
    try:
        return orjson.dumps(answer).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(answer, ensure_ascii=False)
