"""JSONata evaluation for states whose QueryLanguage is JSONata (through jsonata-python), with
the functions AWS adds ($partition, $range, $hash, $random, $uuid, $parse) and AWS's error
wording (States.QueryEvaluationError)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from typing import Any

import jsonata
from jsonata import utils as jsonata_utils

from stepscope.engine.dataflow.intrinsics import _hash, _partition
from stepscope.engine.errors import QUERY_EVALUATION_ERROR, RuntimeFailure

__all__ = ["QueryFailure", "evaluate", "is_expression", "render"]


class QueryFailure(RuntimeFailure):
    """States.QueryEvaluationError, with the field it happened in (EvaluationFailed's location)."""

    def __init__(self, message: str, location: str | None, *, after_entered: bool = False) -> None:
        super().__init__(message, QUERY_EVALUATION_ERROR)
        self.location = location
        # AWS chains EvaluationFailed to the event before StateEntered for failures while
        # evaluating, and to StateEntered itself for a value rejected after evaluation.
        self.after_entered = after_entered


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def expression_text(value: str) -> str:
    return value[2:-2].strip()


def _aws_functions(rng: Any) -> dict[str, Callable[..., Any]]:
    def partition(array: Any, size: Any) -> Any:
        return _partition([array, size], rng)

    def range_(start: Any, end: Any, step: Any) -> Any:
        start, end, step = int(start), int(end), int(step)
        values = list(range(start, end + (1 if step > 0 else -1), step))
        return values[0] if len(values) == 1 else values  # a JSONata singleton sequence

    def hash_(data: Any, algorithm: Any) -> Any:
        return _hash([data, algorithm], rng)

    def random_(seed: Any = None) -> float:
        return random.Random(seed).random() if seed is not None else float(rng.random())

    def uuid_() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def parse(text: Any) -> Any:
        return json.loads(text)

    return {
        "partition": partition,
        "range": range_,
        "hash": hash_,
        "random": random_,
        "uuid": uuid_,
        "parse": parse,
    }


_COMPILED: dict[str, Any] = {}


def evaluate(text: str, bindings: dict[str, Any], rng: Any, location: str) -> Any:
    """Evaluate one `{% ... %}` expression; undefined results and errors raise QueryFailure."""
    expression = expression_text(text)
    try:
        compiled = jsonata.Jsonata(expression)
        compiled.set_output_convert_nulls(False)
        for name, function in _aws_functions(rng).items():
            compiled.register_lambda(name, function)
        result = compiled.evaluate(None, _with_null_markers(bindings))
    except Exception as problem:  # noqa: BLE001 - any evaluation error is the user's, reported
        raise QueryFailure(
            f"The JSONata expression '{expression}' specified for the field '{location}' threw "
            f"an error during evaluation. {_error_text(problem)}",
            location,
        ) from None
    if result is None:
        raise QueryFailure(
            f"The JSONata expression '{expression}' specified for the field '{location}' "
            "returned nothing (undefined).",
            location,
        )
    if callable(result) or _is_function(result):
        raise QueryFailure(
            f"The JSONata expression '{expression}' specified for the field '{location}' "
            "returned an unsupported result type.",
            location,
        )
    return plain(result)


def _with_null_markers(bindings: dict[str, Any]) -> dict[str, Any]:
    """A variable holding null must read as null, not as an unbound (undefined) name."""
    null = jsonata_utils.Utils.NULL_VALUE
    return {name: null if value is None else value for name, value in bindings.items()}


def _is_function(value: Any) -> bool:
    return type(value).__name__ in ("JLambda", "Symbol", "JFunction")


def _error_text(problem: Exception) -> str:
    code = getattr(problem, "error", None)
    message = getattr(problem, "message", None) or str(problem)
    return f"{code}: {message}" if code else message


def plain(value: Any) -> Any:
    """jsonata-python's results as plain JSON values (null markers and sequences undone)."""
    if value is jsonata_utils.Utils.NULL_VALUE:
        return None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def render(template: Any, bindings: dict[str, Any], rng: Any, location: str) -> Any:
    """A JSONata template: `{% %}` strings evaluated, objects and arrays walked."""
    if is_expression(template):
        return evaluate(template, bindings, rng, location)
    if isinstance(template, dict):
        return {k: render(v, bindings, rng, f"{location}/{k}") for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, bindings, rng, location) for v in template]
    return template
