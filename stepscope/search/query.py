"""The executions search query: free words and `field:value` terms, parsed into typed terms.

Syntax (terms are separated by white space; every term must hold):

- a free word, `c-77`, matches its words anywhere: name, ARN, error, cause, root cause, and the
  strings and numbers of the input and output. Several words in one term (`"card declined"`, or
  `c-77` which is the words `c` and `77`) must appear one after the other.
- `name:`, `error:`, `cause:`, `state:`, `ran:`, `status:` narrow by one property:
  `name:` a part of the execution's name; `error:` the execution's error or its root-cause error,
  exactly (`error:States.Timeout`); `cause:` words of the cause; `state:` the state where the
  failure started (the root-cause state), exactly; `ran:` any state the execution ran, exactly;
  `status:` RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED (any case, `-` for `_`).
- `input.<path>:value` and `output.<path>:value`: the value at that path of the execution's input
  or output (strings and numbers, compared whole, ignoring case): `input.customerId:c-77`,
  `output.order.total:42`. Array elements share their array's path (`input.items.sku:X`, or
  `input.items[0].sku:X`, which means the same).
- Double quotes take spaces and colons literally: `state:"Charge Payment"`, `"a:b"`. A backslash
  takes the next character literally, inside quotes or out: `\\"`, `\\\\`, `a\\:b`.
- A prefix before `:` that is not a field name leaves the term a free word (`arn:aws:...`).

`parse_query` raises QueryError, with what is wrong and at which character (1-based), for an
unterminated quote, a trailing backslash, a field without a value, an unknown status, a bad path,
too long a query or too many terms, or a character a database cannot store (U+0000, a lone
surrogate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from stepscope.history.status import EXECUTION_STATUSES

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "Field",
    "QueryError",
    "SearchQuery",
    "Term",
    "parse_query",
    "words",
]

MAX_QUERY_LENGTH: Final = 500
MAX_TERMS: Final = 16
MAX_PATH_LENGTH: Final = 255


class Field(StrEnum):
    TEXT = "text"  # a free word
    NAME = "name"
    ERROR = "error"
    CAUSE = "cause"
    STATE = "state"
    RAN = "ran"
    STATUS = "status"
    INPUT = "input"
    OUTPUT = "output"


_NAMED: Final = {
    field.value: field for field in Field if field not in (Field.TEXT, Field.INPUT, Field.OUTPUT)
}
_PAYLOADS: Final = {"input": Field.INPUT, "output": Field.OUTPUT}
_INDEX: Final = re.compile(r"\[(?:\d+|\*)\]")
_WORD: Final = re.compile(r"[^\W_]+")


class QueryError(ValueError):
    """The query cannot be read: `reason` says why, `position` where (1-based, or None)."""

    def __init__(self, reason: str, position: int | None = None) -> None:
        self.reason = reason
        self.position = position
        where = f" (at character {position})" if position is not None else ""
        super().__init__(f"{reason}{where}")


@dataclass(frozen=True)
class Term:
    field: Field
    value: str
    path: str = ""  # input/output terms: "input.customerId"

    def describe(self) -> str:
        if self.field is Field.TEXT:
            return f"\u201c{self.value}\u201d anywhere"
        label = self.path if self.field in (Field.INPUT, Field.OUTPUT) else self.field.value
        return f"{label} = \u201c{self.value}\u201d"


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def of(self, field: Field) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.field is field)

    def describe(self) -> str:
        return "; ".join(term.describe() for term in self.terms)


def words(text: str) -> list[str]:
    """The words of `text` as the index keeps them: runs of letters and digits, case-folded."""
    return _WORD.findall(text.casefold())


@dataclass
class _Token:
    text: str
    start: int  # 1-based position of its first character
    colon: int | None  # index in `text` of the first colon neither quoted nor escaped
    colon_position: int | None


def _check_characters(text: str) -> None:
    for index, char in enumerate(text):
        if char == "\x00":
            raise QueryError("the query holds a NUL character (U+0000)", index + 1)
        if "\ud800" <= char <= "\udfff":
            raise QueryError("the query holds a lone surrogate (not a character)", index + 1)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    index, length = 0, len(text)
    while index < length:
        if text[index].isspace():
            index += 1
            continue
        start, chars, colon, colon_position = index, [], None, None
        while index < length and not text[index].isspace():
            char = text[index]
            if char == "\\":
                if index + 1 >= length:
                    raise QueryError("a backslash at the end escapes nothing", index + 1)
                chars.append(text[index + 1])
                index += 2
            elif char == '"':
                opened = index
                index += 1
                while True:
                    if index >= length:
                        raise QueryError("this quote is never closed", opened + 1)
                    inner = text[index]
                    if inner == '"':
                        index += 1
                        break
                    if inner == "\\":
                        if index + 1 >= length:
                            raise QueryError("this quote is never closed", opened + 1)
                        chars.append(text[index + 1])
                        index += 2
                    else:
                        chars.append(inner)
                        index += 1
            else:
                if char == ":" and colon is None:
                    colon, colon_position = len(chars), index + 1
                chars.append(char)
                index += 1
        tokens.append(_Token("".join(chars), start + 1, colon, colon_position))
    return tokens


def _payload_path(prefix: str, position: int) -> tuple[Field, str] | None:
    head, dot, rest = prefix.partition(".")
    field = _PAYLOADS.get(head.casefold())
    if field is None:
        return None
    if not dot:
        raise QueryError(f"{head}: needs a path, for example {head}.customerId:c-77", position)
    plain = _INDEX.sub("", rest)
    segments = plain.split(".")
    if any(not segment for segment in segments) or "[" in plain or "]" in plain:
        raise QueryError(
            f"{prefix} is not a path: write keys separated by dots, for example "
            f"{head}.order.customerId",
            position,
        )
    path = ".".join([field.value, *segments])
    if len(path) > MAX_PATH_LENGTH:
        raise QueryError(f"the path is longer than {MAX_PATH_LENGTH} characters", position)
    return field, path


def _status(value: str, position: int) -> str:
    status = value.strip().upper().replace("-", "_").replace(" ", "_")
    if status not in EXECUTION_STATUSES:
        known = ", ".join(EXECUTION_STATUSES)
        raise QueryError(f"status:{value} is not a status; use one of {known}", position)
    return status


def _term(token: _Token) -> Term:
    if token.colon is not None and token.colon_position is not None:
        prefix, value = token.text[: token.colon], token.text[token.colon + 1 :]
        named = _NAMED.get(prefix.casefold())
        payload = None if named is not None else _payload_path(prefix, token.start)
        if named is not None or payload is not None:
            if not value.strip():
                example = "error:States.Timeout" if named is Field.ERROR else f'{prefix}:"…"'
                raise QueryError(
                    f"{prefix}: needs a value, for example {example}", token.colon_position
                )
            if named is Field.STATUS:
                return Term(Field.STATUS, _status(value, token.colon_position + 1))
            if named is not None:
                return Term(named, value)
            assert payload is not None
            return Term(payload[0], value, payload[1])
    return Term(Field.TEXT, token.text)


def parse_query(text: str) -> SearchQuery:
    """The terms of a search query (an empty query has none). Raises QueryError."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is {len(text):,} characters long; at most {MAX_QUERY_LENGTH} are read"
        )
    _check_characters(text)
    tokens = _tokens(text)
    if len(tokens) > MAX_TERMS:
        raise QueryError(
            f"the query has {len(tokens)} terms; at most {MAX_TERMS} are read",
            tokens[MAX_TERMS].start,
        )
    terms = []
    for token in tokens:
        term = _term(token)
        if term.field in (Field.TEXT, Field.CAUSE) and not words(term.value):
            if term.field is Field.TEXT and not token.text:
                continue  # "" alone: nothing to look for
            raise QueryError(
                f"\u201c{term.value}\u201d holds no letters or digits to look for", token.start
            )
        terms.append(term)
    return SearchQuery(tuple(terms))
