"""The States.* intrinsic functions of JSONPath states."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import uuid
from collections.abc import Callable
from typing import Any

from stepscope.engine.dataflow.intrinsic_parser import (
    Call,
    Literal,
    PathArg,
    parse_intrinsic,
    unmark,
)
from stepscope.engine.errors import INTRINSIC_FAILURE, RuntimeFailure

__all__ = ["evaluate_intrinsic"]

Resolve = Callable[[str], Any]


def evaluate_intrinsic(text: str, resolve: Resolve, rng: Any) -> Any:
    call = _PARSED.get(text)
    if call is None:
        try:
            call = parse_intrinsic(text)
        except ValueError as problem:
            raise RuntimeFailure(str(problem), INTRINSIC_FAILURE) from None
        if len(_PARSED) < 4096 and _immutable(call):
            _PARSED[text] = call
    return _call(call, resolve, rng)


# Parsed calls by their text: a Parameters template is rendered again on every visit of its
# state. Only calls whose literals are immutable are kept, so sharing them cannot leak changes.
_PARSED: dict[str, Call] = {}


def _immutable(call: Call) -> bool:
    for arg in call.args:
        if isinstance(arg, Call):
            if not _immutable(arg):
                return False
        elif isinstance(arg, Literal) and not isinstance(
            arg.value, (str, int, float, bool, type(None))
        ):
            return False
    return True


def _call(call: Call, resolve: Resolve, rng: Any) -> Any:
    args = [_value(arg, resolve, rng) for arg in call.args]
    if call.name != "States.Format" or not args:
        args = [unmark(a) if isinstance(a, str) else a for a in args]
    function = _FUNCTIONS.get(call.name)
    if function is None:
        raise RuntimeFailure(f"Unknown intrinsic function {call.name}", INTRINSIC_FAILURE)
    try:
        return function(args, rng)
    except RuntimeFailure:
        raise
    except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError) as problem:
        raise RuntimeFailure(
            f"Invalid arguments in {call.name}: {problem}", INTRINSIC_FAILURE
        ) from None


def _value(arg: Literal | PathArg | Call, resolve: Resolve, rng: Any) -> Any:
    if isinstance(arg, Literal):
        return arg.value
    if isinstance(arg, PathArg):
        return resolve(arg.path)
    return _call(arg, resolve, rng)


def java_text(value: Any) -> str:
    """How AWS renders a value inside States.Format (Java's toString)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={java_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_text(v) for v in value) + "]"
    return json.dumps(value)


def _format(args: list[Any], rng: Any) -> str:
    template, values = args[0], args[1:]
    if not isinstance(template, str):
        raise TypeError("the template must be a string")
    pieces = template.split("{}")
    if len(pieces) - 1 != len(values):
        raise ValueError("the number of arguments does not match the template")
    out = unmark(pieces[0])
    for value, piece in zip(values, pieces[1:], strict=True):
        out += java_text(value) + unmark(piece)
    return out


def _string_to_json(args: list[Any], rng: Any) -> Any:
    (text,) = args
    if not isinstance(text, str):
        raise TypeError("the argument must be a string")
    if not text.strip():
        return None
    return json.loads(text)


def _json_to_string(args: list[Any], rng: Any) -> str:
    (value,) = args
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _partition(args: list[Any], rng: Any) -> list[Any]:
    array, size = args
    if not isinstance(array, list) or not isinstance(size, int) or size <= 0:
        raise ValueError("expects an array and a positive chunk size")
    return [array[i : i + size] for i in range(0, len(array), size)]


def _contains(args: list[Any], rng: Any) -> bool:
    array, wanted = args
    if not isinstance(array, list):
        raise TypeError("the first argument must be an array")
    return any(_same(item, wanted) for item in array)


def _same(a: Any, b: Any) -> bool:
    return (
        type(a) is type(b)
        and a == b
        or (
            isinstance(a, (int, float))
            and isinstance(b, (int, float))
            and not isinstance(a, bool)
            and not isinstance(b, bool)
            and a == b
        )
    )


def _range(args: list[Any], rng: Any) -> list[int]:
    start, end, step = (int(a) for a in args)
    if step == 0:
        raise ValueError("the step cannot be 0")
    values = list(range(start, end + (1 if step > 0 else -1), step))
    if len(values) > 1000:
        raise ValueError("the range has more than 1000 items")
    return values


def _get_item(args: list[Any], rng: Any) -> Any:
    array, index = args
    if not isinstance(array, list) or not isinstance(index, int) or not 0 <= index < len(array):
        raise IndexError("the index is out of bounds")
    return array[index]


def _length(args: list[Any], rng: Any) -> int:
    (array,) = args
    if not isinstance(array, list):
        raise TypeError("the argument must be an array")
    return len(array)


def _unique(args: list[Any], rng: Any) -> list[Any]:
    (array,) = args
    if not isinstance(array, list):
        raise TypeError("the argument must be an array")
    unique: list[Any] = []
    for item in array:
        if not any(_same(item, seen) for seen in unique):
            unique.append(item)
    return unique


def _b64encode(args: list[Any], rng: Any) -> str:
    (text,) = args
    return base64.b64encode(str(text).encode("utf-8")).decode("ascii")


def _b64decode(args: list[Any], rng: Any) -> str:
    (text,) = args
    return base64.b64decode(str(text).encode("ascii")).decode("utf-8")


_HASHES = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def _hash(args: list[Any], rng: Any) -> str:
    data, algorithm = args
    if algorithm not in _HASHES:
        raise ValueError(f"unsupported algorithm {algorithm}")
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return hashlib.new(_HASHES[algorithm], text.encode("utf-8")).hexdigest()


def _merge(args: list[Any], rng: Any) -> dict[str, Any]:
    left, right, deep = args
    if not isinstance(left, dict) or not isinstance(right, dict):
        raise TypeError("both arguments must be objects")
    if deep is not False:
        raise ValueError("only shallow merges (false) are supported")
    return {**left, **right}


def java_round(value: Any) -> int:
    return int(math.floor(float(value) + 0.5))


def _math_random(args: list[Any], rng: Any) -> int:
    low, high = java_round(args[0]), java_round(args[1])
    return low + int(rng.random() * (high - low))


def _math_add(args: list[Any], rng: Any) -> int:
    a, b = args
    for value in (a, b):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("both arguments must be numbers")
    return java_round(a) + java_round(b)


def _split(args: list[Any], rng: Any) -> list[str]:
    text, delimiters = args
    if not isinstance(text, str) or not isinstance(delimiters, str):
        raise TypeError("both arguments must be strings")
    parts = [text]
    for delimiter in delimiters:
        parts = [piece for part in parts for piece in part.split(delimiter)]
    return [part for part in parts if part]


def _uuid(args: list[Any], rng: Any) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


_FUNCTIONS: dict[str, Callable[[list[Any], Any], Any]] = {
    "States.Format": _format,
    "States.StringToJson": _string_to_json,
    "States.JsonToString": _json_to_string,
    "States.Array": lambda args, rng: list(args),
    "States.ArrayPartition": _partition,
    "States.ArrayContains": _contains,
    "States.ArrayRange": _range,
    "States.ArrayGetItem": _get_item,
    "States.ArrayLength": _length,
    "States.ArrayUnique": _unique,
    "States.Base64Encode": _b64encode,
    "States.Base64Decode": _b64decode,
    "States.Hash": _hash,
    "States.JsonMerge": _merge,
    "States.MathRandom": _math_random,
    "States.MathAdd": _math_add,
    "States.StringSplit": _split,
    "States.UUID": _uuid,
}
