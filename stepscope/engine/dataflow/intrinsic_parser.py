"""Parse intrinsic function calls such as `States.Format('x={}', $.x)` into a small tree."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["Call", "IntrinsicSyntaxError", "Literal", "PathArg", "parse_intrinsic"]


BRACE_MARKS = {"{": "\ue000", "}": "\ue001"}


def unmark(text: str) -> str:
    return text.replace("\ue000", "{").replace("\ue001", "}")


class IntrinsicSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class PathArg:
    path: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Literal | PathArg | Call, ...]


def is_intrinsic(text: str) -> bool:
    return text.startswith("States.")


def parse_intrinsic(text: str) -> Call:
    parser = _Parser(text)
    call = parser.call()
    parser.skip_spaces()
    if parser.pos != len(text):
        raise IntrinsicSyntaxError(f"unexpected text after the call in {text!r}")
    return call


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def call(self) -> Call:
        start = self.pos
        while self.pos < len(self.text) and (
            self.text[self.pos].isalnum() or self.text[self.pos] == "."
        ):
            self.pos += 1
        name = self.text[start : self.pos]
        if not name.startswith("States.") or not self.text.startswith("(", self.pos):
            raise IntrinsicSyntaxError(f"expected a States.* function call in {self.text!r}")
        self.pos += 1
        args: list[Literal | PathArg | Call] = []
        self.skip_spaces()
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return Call(name, ())
        while True:
            self.skip_spaces()
            args.append(self.argument())
            self.skip_spaces()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith(")", self.pos):
                self.pos += 1
                return Call(name, tuple(args))
            else:
                raise IntrinsicSyntaxError(f"expected ',' or ')' at {self.pos} in {self.text!r}")

    def argument(self) -> Literal | PathArg | Call:
        char = self.text[self.pos : self.pos + 1]
        if char == "'":
            return Literal(self.string())
        if char == "$":
            return PathArg(self.path())
        if self.text.startswith("States.", self.pos):
            return self.call()
        return Literal(self.literal())

    def string(self) -> str:
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                escaped = self.text[self.pos + 1]
                # Escaped braces stay marked, so States.Format can tell them from `{}`.
                chars.append(BRACE_MARKS.get(escaped, escaped))
                self.pos += 2
                continue
            if char == "'":
                self.pos += 1
                return "".join(chars)
            chars.append(char)
            self.pos += 1
        raise IntrinsicSyntaxError(f"unclosed string in {self.text!r}")

    def path(self) -> str:
        start, depth, quote = self.pos, 0, ""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"" and depth:
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif char in ", " and depth == 0:
                break
            self.pos += 1
        return self.text[start : self.pos].strip()

    def literal(self) -> Any:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",) ":
            self.pos += 1
        token = self.text[start : self.pos]
        try:
            return json.loads(token)
        except ValueError:
            raise IntrinsicSyntaxError(
                f"cannot read the argument {token!r} in {self.text!r}"
            ) from None
