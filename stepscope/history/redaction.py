"""Redaction: mask sensitive values in payloads before they leave the server.

A workspace lists rules; a `Redactor` built from them masks every matching value with `MASK`.

Rule forms (`parse_rule`):

- a bare key name, `cardNumber`: that key at any depth (the same as `$..cardNumber`). Key names
  are compared exactly (case-sensitive), as JSON and JSONPath compare them. A bare key may hold
  spaces, but not `.`, `[`, `]`, `*` or quotes: `a.b` is refused rather than guessed at (write
  `$.a.b` for a path, or `$..['a.b']` for a key with a dot in it).
- a restricted JSONPath from the root `$`: `.name`, `['quoted name']` (or double quotes, with
  backslash escapes), `[0]` (negative counts from the end), `.*` and `[*]`, and `..name` or
  `..['quoted name']` for "this key at any depth below". Filters `[?(...)]`, scripts `[(...)]`,
  slices `[a:b]`, unions `[a,b]`, functions such as `.length()`, `..*` and `$` alone are refused.
- either one may start with `(?i)` to compare its key names ignoring case:
  `(?i)password` masks `password`, `Password` and `PASSWORD`.

Rules are at most MAX_RULE_LENGTH characters. A bad rule raises RedactionRuleError saying what is
wrong and at which character (1-based, counted in the text as given).

What is masked: the whole matched value, whatever it is (text, number, null, object or array), is
replaced by the string MASK. Key names stay visible.

Text that is not JSON (an error `cause` is often a stack trace, and AWS truncates long ones) is
searched for key-value pairs of the any-depth keys (bare keys, `$..key`): `"key": value`,
`'key': value`, `\\"key\\": value` (JSON inside JSON text), `key=value`, `key: value`. The value
is masked up to its closing quote, its matching bracket, or the next `,;&)]}<>`, quote, backslash
or line end. The same search runs on every string inside JSON payloads that mentions such a key
(a Lambda's `errorMessage`, an API Gateway `body` holding JSON text). Path rules such as `$.a.b`
apply to JSON only: they cannot be found in free text.

Speed: payload text is looked at only when it holds every key name of some rule (a rule with
none, such as `$.*`, always looks), and only those rules are followed. When every rule is an exact
any-depth key and the keys appear in the text only as member names (`"key":`), the pairs are
masked in the text itself, without parsing. Otherwise the text is parsed, masked and written back
compactly (`separators=(",", ":")`, non-ASCII as is). When nothing is masked the text is returned
unchanged, byte for byte.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

__all__ = [
    "JSON",
    "MASK",
    "MAX_RULE_LENGTH",
    "PAYLOAD_TEXT_FIELDS",
    "RedactionRuleError",
    "Redactor",
    "Rule",
    "Step",
    "parse_rule",
]

JSON: TypeAlias = "dict[str, JSON] | list[JSON] | str | int | float | bool | None"

MASK: Final = "***REDACTED***"
"""What a masked value becomes."""

MAX_RULE_LENGTH: Final = 512
"""Longest rule accepted, in characters."""

PAYLOAD_TEXT_FIELDS: Final = ("input", "output", "parameters", "cause")
"""Members of an `...EventDetails` object that hold a payload (JSON text, or a parsed value in
normalised recordings). `error` is a name and is not masked; `assignedVariables` (variable name to
JSON text) is handled as one object whose members are the variables."""

_MASKED_TEXT: Final = json.dumps(MASK)
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_IGNORE_CASE_PREFIX: Final = "(?i)"
_SHOWN_RULE_LENGTH: Final = 60


class RedactionRuleError(ValueError):
    """A redaction rule cannot be read: `reason` says why, `position` where (1-based)."""

    def __init__(
        self, reason: str, rule: str, position: int | None = None, number: int | None = None
    ) -> None:
        self.reason = reason
        self.rule = rule
        self.position = position
        self.number = number
        super().__init__(self._message())

    def _message(self) -> str:
        shown = self.rule
        if len(shown) > _SHOWN_RULE_LENGTH:
            shown = shown[:_SHOWN_RULE_LENGTH] + "…"
        where = f" at character {self.position}" if self.position is not None else ""
        prefix = f"rule {self.number}: " if self.number is not None else ""
        return f"{prefix}{self.reason}{where} in `{shown}`"

    def numbered(self, number: int) -> RedactionRuleError:
        """The same error, saying which rule of a list it is about (1-based)."""
        return RedactionRuleError(self.reason, self.rule, self.position, number)


@dataclass(frozen=True)
class Step:
    """One step of a rule: `name` (a key), `index` (an array position), `wildcard` (every member
    or item) or `deep` (the key `key` at any depth below)."""

    kind: str
    key: str | int | None = None


@dataclass(frozen=True)
class Rule:
    """A parsed rule: the text as written (trimmed), its steps, and whether keys ignore case."""

    text: str
    steps: tuple[Step, ...]
    ignore_case: bool = False

    @property
    def any_depth_key(self) -> str | None:
        """The key of a bare-key or `$..key` rule (found in free text too), else None."""
        if len(self.steps) == 1 and self.steps[0].kind == "deep":
            key = self.steps[0].key
            return key if isinstance(key, str) else None
        return None

    @property
    def key_names(self) -> tuple[str, ...]:
        """The key names in the rule: a payload that lacks one of them cannot match."""
        names = (step.key for step in self.steps if step.kind in ("name", "deep"))
        return tuple(dict.fromkeys(name for name in names if isinstance(name, str)))


# ---------------------------------------------------------------------------------------------
# Parsing rules

_DOT_NAME = re.compile(r"""[^.\[\]\s'"*?()@,\\]+""")
_INTEGER = re.compile(r"-?\d+")
_SPACES = re.compile(r"[ \t]*")
_BARE_KEY_REFUSED = re.compile(r"""[.\[\]*'"]""")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_rule(text: str) -> Rule:
    """Read one rule (see the module docstring for the forms); RedactionRuleError if it is bad."""
    if not isinstance(text, str):
        raise RedactionRuleError("a rule must be text", repr(text))
    if len(text) > MAX_RULE_LENGTH:
        raise RedactionRuleError(
            f"a rule may be at most {MAX_RULE_LENGTH} characters long (this one has {len(text)})",
            text,
        )
    stripped = text.strip()
    if not stripped:
        raise RedactionRuleError("the rule is empty", text)
    offset = len(text) - len(text.lstrip())
    body = stripped
    ignore_case = body.startswith(_IGNORE_CASE_PREFIX)
    if ignore_case:
        after = body[len(_IGNORE_CASE_PREFIX) :]
        offset += len(body) - len(after.lstrip())
        body = after.lstrip()
        if not body:
            raise RedactionRuleError("`(?i)` must be followed by a key name or a path", text)
    control = _CONTROL.search(body)
    if control is not None:
        raise RedactionRuleError(
            "a rule may not hold control characters", text, offset + control.start() + 1
        )
    if body.startswith("$"):
        steps = _PathReader(body, text, offset).read()
    else:
        steps = (Step("deep", _bare_key(body, text, offset)),)
    return Rule(stripped, steps, ignore_case)


def _bare_key(body: str, text: str, offset: int) -> str:
    refused = _BARE_KEY_REFUSED.search(body)
    if refused is not None:
        char = refused.group(0)
        quoted = body.replace("\\", "\\\\").replace("'", "\\'")
        raise RedactionRuleError(
            f"a key name may not hold {char!r}: write a path starting with `$` "
            f"(for a key holding it, `$..['{quoted}']`)",
            text,
            offset + refused.start() + 1,
        )
    return body


class _PathReader:
    """Reads `$` followed by the allowed segments, with errors that point at a character."""

    def __init__(self, body: str, text: str, offset: int) -> None:
        self.body = body
        self.text = text
        self.offset = offset

    def error(self, reason: str, index: int | None) -> RedactionRuleError:
        position = None if index is None else self.offset + index + 1
        return RedactionRuleError(reason, self.text, position)

    def read(self) -> tuple[Step, ...]:
        body = self.body
        if body == "$":
            raise self.error("`$` alone would mask the whole payload: name what to mask", None)
        steps: list[Step] = []
        index = 1
        while index < len(body):
            char = body[index]
            if body.startswith("..", index):
                step, index = self.deep(index)
            elif char == ".":
                step, index = self.dot(index)
            elif char == "[":
                step, index = self.bracket(index)
            else:
                raise self.error(self.unexpected(char), index)
            steps.append(step)
        return tuple(steps)

    def unexpected(self, char: str) -> str:
        if char == "(":
            return "functions such as `.length()` are not supported"
        if char == "$":
            return "`$` may appear only at the start (variables are not supported)"
        return f"unexpected {char!r}: expected `.`, `..` or `[`"

    def dot(self, index: int) -> tuple[Step, int]:
        after = index + 1
        if self.body.startswith("*", after):
            return Step("wildcard"), after + 1
        match = _DOT_NAME.match(self.body, after)
        if match is None:
            raise self.error("`.` must be followed by a key name or `*`", index)
        return Step("name", match.group(0)), match.end()

    def deep(self, index: int) -> tuple[Step, int]:
        after = index + 2
        reason = "`..` must be followed by a key name"
        if self.body.startswith("[", after):
            step, end = self.bracket(after)
            if step.kind != "name":
                raise self.error(reason, index)
            return Step("deep", step.key), end
        if self.body.startswith("*", after):
            raise self.error(reason + " (`..*` would mask everything)", index)
        match = _DOT_NAME.match(self.body, after)
        if match is None:
            raise self.error(reason, index)
        return Step("deep", match.group(0)), match.end()

    def bracket(self, index: int) -> tuple[Step, int]:
        body = self.body
        inside = _SPACES.match(body, index + 1).end()  # type: ignore[union-attr]
        if inside >= len(body):
            raise self.error("unterminated bracket", index)
        char = body[inside]
        step: Step
        if char in "'\"":
            key, after = self.quoted(inside)
            if not key:
                raise self.error("the key name in brackets is empty", inside)
            step = Step("name", key)
        elif char == "*":
            step, after = Step("wildcard"), inside + 1
        elif char == "?":
            raise self.error("filters `[?(...)]` are not supported", index)
        elif char == "(":
            raise self.error("script expressions `[(...)]` are not supported", index)
        else:
            number = _INTEGER.match(body, inside)
            if number is None:
                if char == ":":
                    raise self.error("slices `[a:b]` are not supported", index)
                if char == "]":
                    raise self.error("empty brackets", index)
                raise self.error("expected a quoted key name, an index or `*` in brackets", inside)
            step, after = Step("index", int(number.group(0))), number.end()
        after = _SPACES.match(body, after).end()  # type: ignore[union-attr]
        if after >= len(body):
            raise self.error("unterminated bracket", index)
        if body[after] == "]":
            return step, after + 1
        if body[after] == ",":
            raise self.error("unions `[a,b]` are not supported", index)
        if body[after] == ":":
            raise self.error("slices `[a:b]` are not supported", index)
        raise self.error(f"expected `]` but found {body[after]!r}", after)

    def quoted(self, index: int) -> tuple[str, int]:
        body, quote = self.body, self.body[index]
        chars: list[str] = []
        at = index + 1
        while at < len(body):
            char = body[at]
            if char == "\\" and at + 1 < len(body):
                chars.append(body[at + 1])
                at += 2
                continue
            if char == quote:
                return "".join(chars), at + 1
            chars.append(char)
            at += 1
        raise self.error("unterminated quote", index)


# ---------------------------------------------------------------------------------------------
# Finding rule keys in raw text, cheaply

_SHORT_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "/": "\\/",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _unicode_escape(code: int) -> str:
    return rf"\\u(?i:{code:04x})"


def _json_char_pattern(chars: set[str]) -> str:
    """Every way JSON text may write one of `chars` (raw, a short escape or a \\u escape)."""
    alternatives: list[str] = []
    for char in sorted(chars):
        if char not in '"\\' and ord(char) >= 0x20:
            alternatives.append(re.escape(char))
        if char in _SHORT_ESCAPES:
            alternatives.append(re.escape(_SHORT_ESCAPES[char]))
        code = ord(char)
        if code > 0xFFFF:
            high = 0xD800 + ((code - 0x10000) >> 10)
            low = 0xDC00 + ((code - 0x10000) & 0x3FF)
            alternatives.append(_unicode_escape(high) + _unicode_escape(low))
        else:
            alternatives.append(_unicode_escape(code))
    return "(?:" + "|".join(alternatives) + ")"


def _case_variants(char: str, ignore_case: bool) -> set[str]:
    if not ignore_case:
        return {char}
    return {v for v in (char, char.lower(), char.upper(), char.casefold()) if len(v) == 1}


def _literal_alternation(keys: Sequence[tuple[str, bool]]) -> str:
    ordered = sorted(keys, key=lambda item: -len(item[0]))
    return "|".join(f"(?i:{re.escape(k)})" if ci else re.escape(k) for k, ci in ordered)


class _Probe:
    """Says whether raw JSON text may mention one of some keys, escaped or not (never misses).

    Keys that ignore case are compared casefolded, as the walk compares them; text holding a
    \\u escape may spell such a key in ways too many to list, so it always may."""

    def __init__(self, keys: Sequence[tuple[str, bool]]) -> None:
        self.plain = tuple(sorted({k for k, ci in keys if not ci}))
        self.folded = tuple(sorted({k.casefold() for k, ci in keys if ci}))
        escaped = "|".join(
            "".join(_json_char_pattern(_case_variants(c, ci)) for c in k) for k, ci in keys
        )
        self.escaped = re.compile(escaped)
        # Without such characters a key can differ in JSON text only by \u escapes.
        self.escapable = any(c in _SHORT_ESCAPES for k, _ in keys for c in k)

    def may_contain(self, text: str) -> bool:
        for key in self.plain:
            if key in text:
                return True
        if self.folded:
            if "\\u" in text:
                return True
            folded_text = text.casefold()
            if any(key in folded_text for key in self.folded):
                return True
        if "\\" in text and (self.escapable or "\\u" in text):
            return self.escaped.search(text) is not None
        return False


# ---------------------------------------------------------------------------------------------
# Masking key-value pairs in free text


def _backslashes_before(text: str, index: int) -> int:
    start = index
    while start > 0 and text[start - 1] == "\\":
        start -= 1
    return index - start


def _delimits(text: str, index: int, level: int) -> bool:
    """Is the quote at `index` a string delimiter at escape `level` (the backslashes that JSON
    text nested `level` times puts before its quotes: 0, 1, 3, 7...)?"""
    return _backslashes_before(text, index) % (2 * (level + 1)) == level


def _closing_quote(text: str, start: int, quote: str, level: int, end: int) -> int:
    at = start
    while True:
        found = text.find(quote, at, end)
        if found < 0 or _delimits(text, found, level):
            return found
        at = found + 1


_BRACKET_OR_QUOTE = re.compile(r"""[\[\]{}"']""")
_BARE_VALUE = re.compile(r"""[^,;&)\]}<>"'\\\r\n]*""")
_QUOTE_AFTER_BACKSLASHES = re.compile(r"""\\*["']""")


def _bracket_end(text: str, start: int, level: int) -> int:
    """One past the bracket closing the one at `start`, or the end of the text."""
    depth = 0
    at = start
    while True:
        match = _BRACKET_OR_QUOTE.search(text, at)
        if match is None:
            return len(text)
        found = match.start()
        char = text[found]
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return found + 1
        elif _delimits(text, found, level):
            close = _closing_quote(text, found + 1, char, level, len(text))
            if close < 0:
                return len(text)
            found = close
        at = found + 1


_SEPARATOR = re.compile(r"\s*(?::|=>?)\s*")
_WORD = re.compile(r"\w")
_TEXT_ESCAPE_LETTERS = frozenset("nrtbf")


def _quote_around(text: str, start: int, end: int) -> str:
    """The quote before `start` (with as many of the backslashes before it as fit) that also
    follows at `end`, or "" when the key is not quoted alike on both sides."""
    if start == 0 or text[start - 1] not in "\"'":
        return ""
    quote_start = start - 1
    while quote_start > 0 and text[quote_start - 1] == "\\":
        quote_start -= 1
    for at in range(quote_start, start):  # `\\"key\\"`, or `C:\\"key"` in free text
        if text.startswith(text[at:start], end):
            return text[at:start]
    return ""


def _stands_alone(text: str, start: int, end: int) -> bool:
    """No word character touches the key (a `\\n`-style escape before it does not count)."""
    if end < len(text) and _WORD.match(text, end):
        return False
    if start == 0 or not _WORD.match(text, start - 1):
        return True
    return start >= 2 and text[start - 2] == "\\" and text[start - 1] in _TEXT_ESCAPE_LETTERS


class _PairMasker:
    """Masks the values of `key: value` pairs in free text, for the any-depth keys."""

    def __init__(self, keys: Sequence[tuple[str, bool]]) -> None:
        self.probe = re.compile(_literal_alternation(keys))

    def mask(self, text: str) -> str:
        """`text` with the values of matching pairs masked; `text` itself when none matched.

        Each mention of a key is a pair when it is quoted alike on both sides (`"k"`, `'k'`,
        `\\"k\\"`...), or stands alone as a word, and is followed by `:`, `=` or `=>`."""
        pieces: list[str] = []
        done = 0
        budget = 8 * len(text) + 4096  # characters scanned for values: bounds nested mentions
        for mention in self.probe.finditer(text):
            key_start, key_end = mention.span()
            key_quote = _quote_around(text, key_start, key_end)
            if key_quote:
                after = key_end + len(key_quote)
            elif _stands_alone(text, key_start, key_end):
                after = key_end
            else:
                continue
            separator = _SEPARATOR.match(text, after)
            if separator is None:
                continue
            start = separator.end()
            end, replacement = self._value(text, start, key_quote)
            budget -= end - start
            if budget < 0:  # pathological nesting: mask all the rest rather than scan on
                pieces.append(text[done : max(start, done)])
                pieces.append(MASK)
                return "".join(pieces)
            if end <= max(start, done):
                continue
            if start < done:  # the value began inside the one masked before: mask the rest
                start, replacement = done, MASK
            pieces.append(text[done:start])
            pieces.append(replacement)
            done = end
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)

    @staticmethod
    def _value(text: str, start: int, key_quote: str | None) -> tuple[int, str]:
        """Where the value at `start` ends, and what replaces it."""
        wrapped = f"{key_quote}{MASK}{key_quote}" if key_quote else MASK
        quoted = _QUOTE_AFTER_BACKSLASHES.match(text, start)
        if quoted is not None:
            level = quoted.end() - start - 1
            quote = text[quoted.end() - 1]
            line_end = text.find("\n", quoted.end())
            line_end = len(text) if line_end < 0 else line_end
            close = _closing_quote(text, quoted.end(), quote, level, line_end)
            end = line_end if close < 0 else close + 1
            delimiter = quoted.group(0)
            return end, f"{delimiter}{MASK}{delimiter}"
        if start < len(text) and text[start] in "[{":
            level = len(key_quote) - 1 if key_quote else 0
            return _bracket_end(text, start, level), wrapped
        bare = _BARE_VALUE.match(text, start)
        end = start if bare is None else start + len(bare.group(0).rstrip())
        return end, wrapped


class _MemberNames:
    """Tells when the keys of exact any-depth rules appear in text only as member names.

    Then, if the text is JSON, masking the `"key": value` pairs in the text itself masks exactly
    what parsing and walking would, and keeps the rest of the text as it was; if it is not JSON,
    that is what happens to it anyway. So such text is never parsed."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(sorted(set(keys)))
        alternation = _literal_alternation([(key, False) for key in self.keys])
        self.member_names = re.compile(rf'"(?:{alternation})"\s*:')

    def only_names(self, text: str) -> bool:
        """Is every mention of a key in `text` a member name, `"key":`? (No string mentions one,
        and no key is written with escapes.)"""
        if "\\u" in text:
            return False
        mentions = sum(text.count(key) for key in self.keys)
        return mentions == len(self.member_names.findall(text))


# ---------------------------------------------------------------------------------------------
# The redactor

_NAME, _INDEX, _WILDCARD, _DEEP = 0, 1, 2, 3
_KINDS: Final = {"name": _NAME, "index": _INDEX, "wildcard": _WILDCARD, "deep": _DEEP}
_MAX_TRANSITIONS: Final = 4096
_MAX_MEMO: Final = 4096

_State: TypeAlias = tuple[int, int]  # (rule number, step number)
_States: TypeAlias = frozenset[_State]
_Next: TypeAlias = tuple[_States, bool]  # the states for a child, and whether it is matched
_CONTAINERS: Final = (dict, list, tuple)


class _Transition:
    """From a node's states: the states of each of its children, and which are matched."""

    __slots__ = ("carry", "folded", "inert", "indexes", "names")

    def __init__(
        self,
        carry: _Next,
        names: dict[Any, _Next],
        folded: dict[str, _Next],
        indexes: dict[int, _Next],
    ) -> None:
        self.carry = carry  # for every child
        self.folded = folded  # for the member with this key, casefolded (carry included)
        self.indexes = indexes  # for the item at this index (carry included)
        self.inert = not (carry[0] or carry[1] or names or folded or indexes)
        # For the member with this exact key (carry included). With `folded`, also a memo of
        # the keys looked up, so that each distinct key is casefolded once.
        self.names = {key: self._with_folded(key, found) for key, found in names.items()}

    def _with_folded(self, key: Any, found: _Next) -> _Next:
        extra = self.folded.get(key.casefold()) if isinstance(key, str) else None
        if extra is None:
            return found
        return found[0] | extra[0], found[1] or extra[1]

    def member(self, key: Any) -> _Next:
        found = self.names.get(key)
        if found is not None:
            return found
        extra = self.folded.get(key.casefold()) if isinstance(key, str) else None
        found = self.carry if extra is None else extra
        if self.folded and len(self.names) < _MAX_MEMO:
            self.names[key] = found
        return found

    def item(self, index: int, length: int) -> _Next:
        found = self.indexes.get(index)
        other = self.indexes.get(index - length)
        if other is not None:
            if found is None:
                return other
            return found[0] | other[0], found[1] or other[1]
        return self.carry if found is None else found


class Redactor:
    """Masks the values a workspace's rules match. Empty (falsy) when it has no rules; an empty
    redactor returns what it is given, untouched and uncopied."""

    __slots__ = (
        "_compiled",
        "_needed",
        "_ignore_case",
        "_exact_rules",
        "_member_names",
        "_pairs",
        "_rules",
        "_start",
        "_textual",
        "_transitions",
    )

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules = tuple(rules)
        self._ignore_case = tuple(rule.ignore_case for rule in self._rules)
        self._compiled = tuple(
            tuple(
                (
                    _KINDS[step.kind],
                    step.key.casefold()
                    if rule.ignore_case and isinstance(step.key, str)
                    else step.key,
                )
                for step in rule.steps
            )
            for rule in self._rules
        )
        self._start: _States = frozenset((number, 0) for number in range(len(self._rules)))
        self._transitions: dict[_States, _Transition] = {}
        # For each rule and step: the probes for the key names from that step on. Text without
        # one of them cannot hold a match for a node at that step.
        probes: dict[tuple[str, bool], _Probe] = {}
        self._needed = tuple(
            tuple(
                tuple(
                    probes.setdefault((key, rule.ignore_case), _Probe([(key, rule.ignore_case)]))
                    for key in Rule(rule.text, rule.steps[position:]).key_names
                )
                for position in range(len(rule.steps))
            )
            for rule in self._rules
        )
        textual = [
            (key, rule.ignore_case)
            for rule in self._rules
            if (key := rule.any_depth_key) is not None
        ]
        self._pairs = _PairMasker(textual) if textual else None
        self._textual = _Probe(textual) if textual else None
        # Rules that can be masked in text without parsing: exact any-depth keys that JSON
        # text cannot write with short escapes.
        exact = {
            number: key
            for number, rule in enumerate(self._rules)
            if (key := rule.any_depth_key) is not None
            and not rule.ignore_case
            and not any(c in _SHORT_ESCAPES for c in key)
        }
        self._exact_rules = frozenset(exact)
        self._member_names = _MemberNames(list(exact.values())) if exact else None

    @classmethod
    def from_patterns(cls, patterns: Iterable[str]) -> Redactor:
        """Parse each pattern (blank ones are skipped); RedactionRuleError names the bad rule."""
        rules: list[Rule] = []
        for number, pattern in enumerate(patterns, 1):
            if isinstance(pattern, str) and not pattern.strip():
                continue
            try:
                rules.append(parse_rule(pattern))
            except RedactionRuleError as error:
                raise error.numbered(number) from None
        return cls(rules)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._rules

    def __bool__(self) -> bool:
        return bool(self._rules)

    def __repr__(self) -> str:
        return f"Redactor({[rule.text for rule in self._rules]!r})"

    # -- values --------------------------------------------------------------------------------

    def redact_value(self, value: JSON) -> JSON:
        """A deep copy of `value` with every matching value replaced by MASK (the input is never
        changed). Walks without recursion, so any depth is fine. Tuples come back as lists."""
        if not self._rules:
            return value
        result, _ = self._walk(value, self._start, copy=True, pairs=self._pairs)
        return result  # type: ignore[no-any-return]

    def redact_json_text(self, text: str) -> str:
        """`text` (a payload written as JSON text) with matching values masked; the very same
        text when nothing matched. Text that is not JSON has its key-value pairs masked."""
        if not self._rules or not isinstance(text, str):
            return text
        return self._redact_text(text, self._start)

    def redact_event(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """A GetExecutionHistory event with the payloads of its `...EventDetails` masked.

        The event itself when nothing was masked (or the redactor is empty); otherwise a new
        event and details object, sharing the members that were not masked. Never changes
        `event`."""
        if not self._rules:
            return event if isinstance(event, dict) else dict(event)
        result: dict[str, Any] | None = None
        for key, details in event.items():
            if not (
                isinstance(key, str)
                and key.endswith("EventDetails")
                and isinstance(details, Mapping)
            ):
                continue
            redacted = self._redact_details(details)
            if redacted is not details:
                if result is None:
                    result = dict(event)
                result[key] = redacted
        if result is not None:
            return result
        return event if isinstance(event, dict) else dict(event)

    def redact_events(self, events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """`redact_event` for each event, in order."""
        return [self.redact_event(event) for event in events]

    # -- inside ----------------------------------------------------------------------------------

    def _redact_details(self, details: Mapping[str, Any]) -> Mapping[str, Any]:
        changed: dict[str, Any] = {}
        for name in PAYLOAD_TEXT_FIELDS:
            value = details.get(name)
            if isinstance(value, str):
                redacted: Any = self._redact_text(value, self._start)
                if redacted is not value:
                    changed[name] = redacted
            elif isinstance(value, dict | list):
                redacted, masked = self._walk(value, self._start, copy=True, pairs=self._pairs)
                if masked:
                    changed[name] = redacted
        variables = details.get("assignedVariables")
        if isinstance(variables, Mapping):
            redacted_variables = self._redact_variables(variables)
            if redacted_variables is not variables:
                changed["assignedVariables"] = redacted_variables
        if not changed:
            return details
        return {**details, **changed}

    def _redact_variables(self, variables: Mapping[str, Any]) -> Mapping[str, Any]:
        """`assignedVariables` maps names to JSON text: one object whose members are texts."""
        transition = self._transitions.get(self._start) or self._transition(self._start)
        changed: dict[str, Any] = {}
        for name, value in variables.items():
            states, matched = transition.member(name)
            if matched:
                changed[name] = _MASKED_TEXT if isinstance(value, str) else MASK
            elif isinstance(value, str):
                if states or self._pairs is not None:
                    redacted = self._redact_text(value, states)
                    if redacted is not value:
                        changed[name] = redacted
            elif isinstance(value, dict | list):
                redacted_value, masked = self._walk(value, states, copy=True, pairs=self._pairs)
                if masked:
                    changed[name] = redacted_value
        if not changed:
            return variables
        return {**variables, **changed}

    def _redact_text(self, text: str, states: _States) -> str:
        states = self._possible(states, text)
        if not states:
            return text
        active = {rule for rule, _ in states}
        pairs = self._pairs
        names = self._member_names
        if names is not None and active <= self._exact_rules and names.only_names(text):
            return pairs.mask(text)  # type: ignore[union-attr]
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return pairs.mask(text) if pairs is not None else text
        if pairs is not None and not self._textual.may_contain(text):  # type: ignore[union-attr]
            pairs = None  # no string in it can mention an any-depth key
        result, masked = self._walk(value, states, copy=False, pairs=pairs)
        if not masked:
            return text
        try:
            return _ENCODER.encode(result)
        except (ValueError, RecursionError):
            return _MASKED_TEXT  # cannot be written back: show none of it

    def _possible(self, states: _States, text: str) -> _States:
        """The states whose remaining key names are all in `text` (perhaps escaped): the others
        cannot lead to a match in it, and need not be followed."""
        needed = self._needed
        kept = [
            state
            for state in states
            if all(probe.may_contain(text) for probe in needed[state[0]][state[1]])
        ]
        return states if len(kept) == len(states) else frozenset(kept)

    def _walk(
        self, root: Any, states: _States, *, copy: bool, pairs: _PairMasker | None
    ) -> tuple[Any, bool]:
        """Mask what the rules match below `root` (which has `states`) and, with `pairs`, the
        key-value pairs in its strings. Returns (result, whether anything was masked).

        Without `copy`, `root` must be freshly parsed JSON (plain dicts, lists and scalars),
        owned by the caller: it is changed in place. Both walks use a stack, not recursion."""
        if isinstance(root, str):
            if pairs is None:
                return root, False
            masked_text = pairs.mask(root)
            return masked_text, masked_text is not root
        if not isinstance(root, _CONTAINERS):
            return root, False
        if copy:
            return self._copy(root, states, pairs)
        return root, self._mask_in_place(root, states, pairs)

    def _mask_in_place(self, root: Any, states: _States, pairs: _PairMasker | None) -> bool:
        masked = False
        leaves = pairs is not None
        stack: list[tuple[Any, _States]] = [(root, states)]
        transitions = self._transitions
        while stack:
            node, node_states = stack.pop()
            transition = transitions.get(node_states) or self._transition(node_states)
            if transition.inert and not leaves:
                continue
            carry = transition.carry
            if type(node) is dict:
                names = transition.names
                folded = bool(transition.folded)
                for key, value in node.items():
                    child_states, matched = (
                        names.get(key) or transition.member(key)
                        if folded
                        else names.get(key, carry)
                    )
                    if matched:
                        node[key] = MASK
                        masked = True
                        continue
                    kind = type(value)
                    if kind is dict or kind is list:
                        if leaves or child_states:
                            stack.append((value, child_states))
                    elif leaves and kind is str:
                        new = pairs.mask(value)  # type: ignore[union-attr]
                        if new is not value:
                            node[key] = new
                            masked = True
            else:
                length = len(node)
                indexed = bool(transition.indexes)
                child_states, matched = carry
                for index, value in enumerate(node):
                    if indexed:
                        child_states, matched = transition.item(index, length)
                    if matched:
                        node[index] = MASK
                        masked = True
                        continue
                    kind = type(value)
                    if kind is dict or kind is list:
                        if leaves or child_states:
                            stack.append((value, child_states))
                    elif leaves and kind is str:
                        new = pairs.mask(value)  # type: ignore[union-attr]
                        if new is not value:
                            node[index] = new
                            masked = True
        return masked

    def _copy(self, root: Any, states: _States, pairs: _PairMasker | None) -> tuple[Any, bool]:
        masked = False
        out: Any = {} if isinstance(root, dict) else []
        stack: list[tuple[Any, Any, _States]] = [(root, out, states)]
        transitions = self._transitions
        while stack:
            source, target, node_states = stack.pop()
            transition = transitions.get(node_states) or self._transition(node_states)
            carry = transition.carry
            if isinstance(source, dict):
                names = transition.names
                folded = bool(transition.folded)
                for key, value in source.items():
                    child_states, matched = (
                        names.get(key) or transition.member(key)
                        if folded
                        else names.get(key, carry)
                    )
                    if matched:
                        value = MASK
                        masked = True
                    elif isinstance(value, _CONTAINERS):
                        child: Any = {} if isinstance(value, dict) else []
                        stack.append((value, child, child_states))
                        value = child
                    elif pairs is not None and isinstance(value, str):
                        new = pairs.mask(value)
                        if new is not value:
                            value = new
                            masked = True
                    target[key] = value
            else:
                length = len(source)
                indexed = bool(transition.indexes)
                child_states, matched = carry
                for index, value in enumerate(source):
                    if indexed:
                        child_states, matched = transition.item(index, length)
                    if matched:
                        value = MASK
                        masked = True
                    elif isinstance(value, _CONTAINERS):
                        child = {} if isinstance(value, dict) else []
                        stack.append((value, child, child_states))
                        value = child
                    elif pairs is not None and isinstance(value, str):
                        new = pairs.mask(value)
                        if new is not value:
                            value = new
                            masked = True
                    target.append(value)
        return out, masked

    def _transition(self, states: _States) -> _Transition:
        carry: set[_State] = set()
        carry_matched = False
        advances: dict[tuple[int, Any], tuple[set[_State], list[bool]]] = {}
        for rule, position in states:
            steps = self._compiled[rule]
            kind, key = steps[position]
            following = (rule, position + 1)
            last = position + 1 == len(steps)
            if kind == _WILDCARD:
                if last:
                    carry_matched = True
                else:
                    carry.add(following)
                continue
            if kind == _DEEP:
                carry.add((rule, position))
            table = _INDEX if kind == _INDEX else (_DEEP if self._ignore_case[rule] else _NAME)
            next_states, matched = advances.setdefault((table, key), (set(), [False]))
            if last:
                matched[0] = True
            else:
                next_states.add(following)
        carried = frozenset(carry)
        names: dict[Any, _Next] = {}
        folded: dict[str, _Next] = {}
        indexes: dict[int, _Next] = {}
        for (table, key), (next_states, matched) in advances.items():
            entry = (carried | next_states, matched[0] or carry_matched)
            if table == _INDEX:
                indexes[key] = entry
            elif table == _DEEP:
                folded[key] = entry
            else:
                names[key] = entry
        transition = _Transition((carried, carry_matched), names, folded, indexes)
        if len(self._transitions) < _MAX_TRANSITIONS:
            self._transitions[states] = transition
        return transition
