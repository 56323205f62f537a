"""`stepscope validate`: check definitions the way AWS's ValidateStateMachineDefinition does.

With files, it prints one line per diagnostic and a verdict per file. With `--batch`, it reads
JSON Lines requests on standard input and answers each with one JSON line, in order (the
contract in shared/validation/README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from stepscope.asl.diagnostics import (
    INVALID_JSON_DESCRIPTION,
    Diagnostic,
    ValidationResult,
)
from stepscope.asl.validation import validate_text

HELP = "Validate state machine definitions (JSON or YAML) like AWS does."

MAX_DEFINITION_BYTES = 1024 * 1024
"""AWS's definition size limit; larger files are refused before parsing."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="definition files to validate")
    parser.add_argument(
        "--batch",
        action="store_true",
        help="read JSON Lines requests {id, definition} on stdin, answer one JSON line each",
    )


def run(args: argparse.Namespace) -> int:
    if args.batch:
        if args.files:
            print("stepscope validate: --batch reads stdin and takes no FILE", file=sys.stderr)
            return 2
        return run_batch(sys.stdin, sys.stdout, sys.stderr)
    if not args.files:
        print("stepscope validate: give at least one FILE, or --batch", file=sys.stderr)
        return 2
    return max(validate_file(Path(name), sys.stdout, sys.stderr) for name in args.files)


def validate_file(path: Path, out: TextIO, err: TextIO) -> int:
    """Print the diagnostics and verdict for one file; 0 OK, 1 FAIL, 2 unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as problem:
        print(f"{path}: cannot read: {problem.strerror or problem}", file=err)
        return 2
    if len(raw) > MAX_DEFINITION_BYTES:
        result = _too_large(len(raw))
    else:
        result = validate_text(raw.decode("utf-8", errors="replace"))
    for diagnostic in sorted(result.diagnostics, key=_source_order):
        print(format_diagnostic(str(path), diagnostic), file=out)
    print(f"{path}: {result.result}", file=out)
    return 0 if result.ok else 1


def _source_order(diagnostic: Diagnostic) -> tuple[int, int]:
    return (diagnostic.line or 0, diagnostic.column or 0)


def format_diagnostic(name: str, diagnostic: Diagnostic) -> str:
    where = name
    if diagnostic.line is not None:
        where += f":{diagnostic.line}"
        if diagnostic.column is not None:
            where += f":{diagnostic.column}"
    text = f"{where}: {diagnostic.severity} {diagnostic.code} {diagnostic.message}"
    if diagnostic.location:
        text += f" (at {diagnostic.location})"
    return text


def _too_large(size: int) -> ValidationResult:
    message = f"The definition is {size} bytes; AWS's limit is {MAX_DEFINITION_BYTES} bytes"
    return ValidationResult((Diagnostic("ERROR", INVALID_JSON_DESCRIPTION, message, ""),))


# ------------------------------------------------------------------------------------- batch


def run_batch(stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Answer every line of `stdin` with exactly one JSON line on `out`, flushing each."""
    for number, line in enumerate(_lines(stdin, err), start=1):
        if not line.strip():
            print(f"line {number}: empty request line", file=err)
        answer = answer_request(line, number, err)
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def _lines(stdin: TextIO, err: TextIO) -> Any:
    """Lines of stdin; undecodable bytes are replaced rather than stopping the batch."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        yield from (line.rstrip("\r\n") for line in stdin)
        return
    for raw in buffer:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def answer_request(line: str, number: int, err: TextIO) -> dict[str, Any]:
    """The answer object for one request line; a bad request still gets a FAIL answer."""
    request_id: Any = None
    try:
        request = json.loads(line)
    except (ValueError, RecursionError) as problem:
        print(f"line {number}: request is not JSON: {problem}", file=err)
        return _failure(None, f"The request line is not JSON: {problem}")
    if not isinstance(request, dict):
        print(f"line {number}: request is not a JSON object", file=err)
        return _failure(None, "The request line must be a JSON object {id, definition}")
    request_id = request.get("id")
    if not isinstance(request_id, (str, int)) or isinstance(request_id, bool):
        request_id = None if request_id is None else str(request_id)
    definition = request.get("definition")
    if not isinstance(definition, str):
        print(f"line {number}: 'definition' is not a string", file=err)
        return _failure(request_id, "The request's 'definition' must be a string of JSON or YAML")
    if len(definition.encode("utf-8", errors="replace")) > MAX_DEFINITION_BYTES:
        result = _too_large(len(definition.encode("utf-8", errors="replace")))
    else:
        try:
            result = validate_text(definition)
        except Exception as problem:  # noqa: BLE001 - one bad request must not end the batch
            print(f"line {number}: internal error: {problem!r}", file=err)
            return _failure(request_id, f"Internal validator error: {problem}")
    return {
        "id": request_id,
        "result": result.result,
        "diagnostics": [_wire(diagnostic) for diagnostic in result.diagnostics],
    }


def _wire(diagnostic: Diagnostic) -> dict[str, Any]:
    shaped: dict[str, Any] = dict(diagnostic.to_json())
    return shaped


def _failure(request_id: Any, message: str) -> dict[str, Any]:
    return {
        "id": request_id,
        "result": "FAIL",
        "diagnostics": [
            {
                "severity": "ERROR",
                "code": INVALID_JSON_DESCRIPTION,
                "message": message,
                "location": "",
            }
        ],
    }


def main(argv: list[str] | None = None) -> int:
    """Run `stepscope validate` on its own: `python -m stepscope.commands.validate ...`."""
    parser = argparse.ArgumentParser(prog="stepscope validate", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
