"""Local Lambda handlers, run as if deployed at /var/task, with errors shaped like the Lambda
Python runtime's ({errorMessage, errorType, requestId, stackTrace})."""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from stepscope.engine.resolvers.task_root import TASK_ROOT, Deployment

__all__ = ["Invocation", "LambdaRegistry", "function_name_of"]


@dataclass
class Invocation:
    """A finished invocation: `payload` is the response body (bytes), or an error."""

    payload: bytes | None = None
    error_type: str | None = None
    error_body: dict[str, Any] | None = None


def function_name_of(reference: str) -> str:
    """`name`, `name:qualifier`, a partial ARN or a full ARN -> the function name."""
    parts = reference.split(":")
    if reference.startswith("arn:") and len(parts) >= 7:
        return parts[6]
    if len(parts) >= 3 and parts[1] == "function":
        return parts[2]
    return parts[0]


@dataclass
class _Handler:
    """A handler file; its folder is deployed as /var/task, so it can import its neighbours."""

    file: Path
    function: str
    module: ModuleType | None = None
    deployment: Deployment | None = None


class LambdaRegistry:
    def __init__(self, handlers: dict[str, _Handler]) -> None:
        self._handlers = handlers

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LambdaRegistry:
        handlers: dict[str, _Handler] = {}
        for key, spec in config.items():
            if isinstance(spec, dict) and isinstance(spec.get("file"), str):
                handler = _Handler(Path(spec["file"]), str(spec.get("handler", "handler")))
                handlers[function_name_of(str(key))] = handler
        return cls(handlers)

    def has(self, reference: str) -> bool:
        return function_name_of(reference) in self._handlers

    def invoke(self, reference: str, event: Any, request_id: str) -> Invocation:
        handler = self._handlers[function_name_of(reference)]
        deployment = handler.deployment or Deployment(handler.file.parent)
        handler.deployment = deployment
        try:
            with deployment.active():  # another handler may share these /var/task file names
                function = getattr(self._module(handler), handler.function)
                result = function(event, _Context(function_name_of(reference), request_id))
        except Exception as problem:  # noqa: BLE001 - the handler's errors are its result
            return _error(problem, request_id)
        if isinstance(result, (bytes, bytearray)):
            return Invocation(payload=bytes(result))
        return Invocation(payload=json.dumps(result).encode("utf-8"))

    def _module(self, handler: _Handler) -> ModuleType:
        if handler.module is None:
            assert handler.deployment is not None
            deployed, code = handler.deployment.compile_file(handler.file)
            module = ModuleType(handler.file.stem)
            module.__file__ = deployed
            exec(code, module.__dict__)  # noqa: S102 - the user's own handler
            handler.module = module
        return handler.module


class _Context:
    def __init__(self, name: str, request_id: str) -> None:
        self.function_name = name
        self.aws_request_id = request_id
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 128

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _error(problem: Exception, request_id: str) -> Invocation:
    frames = [
        frame
        for frame in traceback.extract_tb(problem.__traceback__)
        if frame.filename.startswith(TASK_ROOT + "/")
    ]
    body = {
        "errorMessage": str(problem),
        "errorType": type(problem).__name__,
        "requestId": request_id,
        # The Lambda runtime formats plain (file, line, function, text) entries: no carets.
        "stackTrace": traceback.format_list(
            [(frame.filename, frame.lineno or 0, frame.name, frame.line) for frame in frames]
        ),
    }
    return Invocation(error_type=type(problem).__name__, error_body=body)
