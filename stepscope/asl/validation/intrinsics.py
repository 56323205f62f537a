"""Intrinsic function calls (`States.Format('{}', $.name)`): syntax, known names and arity."""

from __future__ import annotations

import re

from stepscope.asl.validation.paths import path_problem

# name -> (fewest arguments, most arguments or None for no limit)
ARITY: dict[str, tuple[int, int | None]] = {
    "States.Format": (1, None),
    "States.StringToJson": (1, 1),
    "States.JsonToString": (1, 1),
    "States.Array": (0, None),
    "States.ArrayPartition": (2, 2),
    "States.ArrayContains": (2, 2),
    "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2),
    "States.ArrayLength": (1, 1),
    "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1),
    "States.Base64Decode": (1, 1),
    "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3),
    "States.MathRandom": (2, 3),
    "States.MathAdd": (2, 2),
    "States.StringSplit": (2, 2),
    "States.UUID": (0, 0),
}

_FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_LITERAL = re.compile(r"(true|false|null)\b")
MAX_NESTING = 10


class IntrinsicError(ValueError):
    pass


def looks_like_intrinsic(text: str) -> bool:
    return text.startswith("States.") or bool(re.match(r"[A-Za-z_][\w.]*\(", text))


def intrinsic_problem(text: str) -> str | None:
    """Why `text` is not a valid intrinsic function call, or None when it is."""
    parser = _CallParser(text)
    try:
        parser.call(0)
        if parser.index != len(text):
            raise IntrinsicError(f"unexpected text after the call at offset {parser.index + 1}")
    except IntrinsicError as problem:
        return str(problem)
    return None


class _CallParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0

    def skip_spaces(self) -> None:
        while self.index < len(self.text) and self.text[self.index] in " \t\n\r":
            self.index += 1

    def call(self, depth: int) -> None:
        if depth > MAX_NESTING:
            raise IntrinsicError("intrinsic functions are nested too deeply")
        match = _FUNCTION_NAME.match(self.text, self.index)
        if not match:
            raise IntrinsicError("is not an intrinsic function call")
        name = match.group(0)
        if name not in ARITY:
            raise IntrinsicError(f"{name!r} is not an intrinsic function")
        self.index = match.end()
        if not self.text.startswith("(", self.index):
            raise IntrinsicError(f"{name} must be followed by '('")
        self.index += 1
        count = self.arguments(depth)
        low, high = ARITY[name]
        if count < low or (high is not None and count > high):
            expected = (
                str(low)
                if low == high
                else f"at least {low}"
                if high is None
                else (f"{low} to {high}")
            )
            raise IntrinsicError(f"{name} takes {expected} argument(s), got {count}")

    def arguments(self, depth: int) -> int:
        count = 0
        self.skip_spaces()
        if self.text.startswith(")", self.index):
            self.index += 1
            return 0
        while True:
            self.skip_spaces()
            self.argument(depth)
            count += 1
            self.skip_spaces()
            if self.text.startswith(")", self.index):
                self.index += 1
                return count
            if not self.text.startswith(",", self.index):
                raise IntrinsicError(f"expects ',' or ')' at offset {self.index + 1}")
            self.index += 1

    def argument(self, depth: int) -> None:
        char = self.text[self.index : self.index + 1]
        if char == "'":
            self.string()
        elif char == "$":
            self.path()
        elif char and (char.isdigit() or char == "-"):
            self.number()
        elif _LITERAL.match(self.text, self.index):
            self.index = _LITERAL.match(self.text, self.index).end()  # type: ignore[union-attr]
        elif char:
            self.call(depth + 1)
        else:
            raise IntrinsicError("ends before its closing ')'")

    def string(self) -> None:
        self.index += 1
        while self.index < len(self.text):
            char = self.text[self.index]
            if char == "\\":
                self.index += 2
                continue
            self.index += 1
            if char == "'":
                return
        raise IntrinsicError("has an unterminated string literal")

    def number(self) -> None:
        match = _NUMBER.match(self.text, self.index)
        if not match:
            raise IntrinsicError(f"has an invalid number at offset {self.index + 1}")
        self.index = match.end()

    def path(self) -> None:
        start = self.index
        depth = 0
        quote = ""
        while self.index < len(self.text):
            char = self.text[self.index]
            if quote:
                if char == quote:
                    quote = ""
            elif char in "'\"" and depth > 0:
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif char in ", " and depth == 0:
                break
            self.index += 1
        path = self.text[start : self.index]
        problem = path_problem(path, reference=False)
        if problem:
            raise IntrinsicError(f"argument {path!r} {problem}")
