"""The machinery of test_fuzz_no_500.py: the URL patterns with real ids, a client wrapper that
keeps every problem (a 5xx, or a refusal that says nothing), a survey of the site's forms, and
the encoders of form bodies."""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.config.fuzz_forms import PageForm, page_forms

# URL arguments that are not object ids.
OTHER_ARGUMENTS: dict[str, tuple[Any, ...]] = {
    "number": (1, 2),
    "fmt": ("json", "yaml", "svg", "png"),
}
# URL arguments naming a second object of the world (by model name): the compare page's <b>.
SECOND_OBJECTS = {"b": "Execution"}
# The forms of POST endpoints that no page of the fuzz world shows (following is offered on
# AWS executions only).
UNSHOWN_FORMS = {"aws:follow": {"action": ["follow"], "next": ["/"]}}
WORDS = re.compile(r"[A-Za-z]{4,}")


@dataclass(frozen=True)
class Target:
    name: str  # namespace:name
    path: str


def _routes() -> Iterator[tuple[str, str, Any, tuple[str, ...]]]:
    def walk(patterns: list[Any], prefix: str, namespace: str) -> Any:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(part for part in (namespace, entry.namespace) if part)
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
                arguments = tuple(getattr(entry.pattern, "converters", {}))
                yield name, prefix + str(entry.pattern), entry.callback, arguments

    yield from walk(get_resolver().url_patterns, "", "")


def _fill(pattern: str, values: dict[str, Any]) -> str:
    path = pattern
    while "<" in path:
        start = path.index("<")
        argument = path[start + 1 : path.index(">", start)].split(":")[-1]
        path = path[:start] + str(values[argument]) + path[path.index(">", start) + 1 :]
    return "/" + path


def targets(objects: dict[Any, Any]) -> list[Target]:
    """Every URL pattern with real ids: the object its access rule names, and each value of
    the other arguments."""
    found = []
    for name, pattern, view, arguments in _routes():
        rule = getattr(view, "access_rule", None)
        fixed: dict[str, Any] = {}
        if rule is not None and rule.kind == "object" and rule.model is not None:
            assert rule.model in objects, f"{name}: the fuzz world has no {rule.model.__name__}"
            fixed[rule.kwarg] = getattr(objects[rule.model], rule.field)
        combos: list[dict[str, Any]] = [fixed]
        for argument in arguments:
            if argument in fixed:
                continue
            if argument in SECOND_OBJECTS:
                model = SECOND_OBJECTS[argument]
                second = next(o for m, o in objects.items() if getattr(m, "__name__", "") == model)
                combos = [{**c, argument: second.pk} for c in combos]
                continue
            assert argument in OTHER_ARGUMENTS, f"{name}: no fuzz value for <{argument}>"
            combos = [{**c, argument: v} for c in combos for v in OTHER_ARGUMENTS[argument]]
        found.extend(Target(name, _fill(pattern, combo)) for combo in combos)
    return found


class Fuzzer:
    """Sends requests and keeps every problem, so one run reports them all."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.problems: list[str] = []
        self.sent = 0

    def send(self, method: str, path: str, what: str = "", **kwargs: Any) -> Any:
        response = self.client.generic(method, path, **kwargs)
        self.sent += 1
        self.check(response, f"{method} {path[:200]} {what}".strip())
        return response

    def check(self, response: Any, what: str) -> None:
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{what}: {status}{_exception(response)}")
        elif status in (400, 404, 413) and not _says_what(response):
            self.problems.append(f"{what}: {status} with no message")


def _exception(response: Any) -> str:
    info = getattr(response, "exc_info", None)
    if not info:
        return ""
    frames = traceback.extract_tb(info[2])
    ours = [frame for frame in frames if "site-packages" not in frame.filename]
    frame = (ours or frames)[-1]  # the project's own line that called what failed
    return f" ({info[0].__name__}: {str(info[1])[:200]} at {frame.filename}:{frame.lineno})"


def _says_what(response: Any) -> bool:
    body = response.content.decode("utf-8", errors="replace")
    if "json" in response.get("Content-Type", ""):
        try:
            answer = json.loads(body)
        except ValueError:
            return False
        return isinstance(answer, dict) and bool(answer.get("message") or answer.get("error"))
    text = re.sub(r"<[^>]+>", " ", body)
    return bool(WORDS.search(text))


@dataclass
class Survey:
    """What the site shows before the fuzzing: which paths answer a GET, the field names on each
    page, and the POST forms found anywhere, by the path they post to (with their defaults)."""

    targets: list[Target]
    gets: set[str]
    names: dict[str, set[str]]
    forms: dict[str, list[PageForm]]
    every_field: set[str]

    def post_forms(self, path: str, name: str) -> list[PageForm]:
        """The forms that post to `path` (or that no page shows, UNSHOWN_FORMS)."""
        found = self.forms.get(path)
        if found:
            return found
        if name in UNSHOWN_FORMS:
            return [PageForm(path, "post", UNSHOWN_FORMS[name], [])]
        return []


def survey(fuzzer: Fuzzer, objects: dict[Any, Any]) -> Survey:
    found = Survey(targets(objects), set(), {}, {}, set())
    for target in found.targets:
        response = fuzzer.send("GET", target.path)
        if response.status_code == 405:
            continue
        found.gets.add(target.path)
        forms = page_forms(response.content.decode("utf-8", errors="replace"), target.path)
        found.names[target.path] = {name for form in forms for name in form.fields}
        for form in forms:
            found.every_field |= set(form.fields)
            if form.method == "post":
                action = urlsplit(form.action).path or target.path
                found.forms.setdefault(action, []).append(form)
    found.every_field.discard("csrfmiddlewaretoken")
    return found


def report(fuzzer: Fuzzer) -> str:
    """The problems, one line per cause (where the exception was raised, or the URL pattern and
    status), with how often it happened and its first example."""
    causes: dict[str, list[str]] = {}
    for problem in fuzzer.problems:
        where = re.search(r" at (\S+:\d+)\)$", problem)
        path = re.sub(r"\d+", "N", problem.split(" ")[1].split("?")[0])
        key = where.group(1) if where else f"{path} {problem.rsplit(': ', 1)[-1]}"
        causes.setdefault(key, []).append(problem)
    lines = [f"{len(found)}x {key}, e.g. {found[0][:400]}" for key, found in causes.items()]
    return f"{len(fuzzer.problems)} problems in {fuzzer.sent} requests:\n" + "\n".join(lines)


def urlencoded(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": urlencode(fields, doseq=True).encode(),
        "content_type": "application/x-www-form-urlencoded",
    }


def multipart(fields: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    data: dict[str, Any] = dict(fields)
    for name, (filename, content) in files.items():
        data[name] = SimpleUploadedFile(filename, content)
    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}
