"""No input gives a 500: every URL pattern of config.urls, with a signed-in workspace admin and
real object ids, sent hostile query strings, form posts, raw bodies, files and JSON bodies
(tests/config/fuzz_corpus.py), and then property-based ones (hypothesis, derandomized).

Each answer must be below 500, and a refusal (400, 404, 413) must say what is wrong: a JSON
refusal carries a message, a page some words. The Django test client runs with
raise_request_exception=False, so a view's exception shows as the 500 a user would get; the
report names the exception and where it was raised.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.models import Workspace
from apps.aws.models import AwsSource
from apps.definitions.models import Definition
from apps.definitions.services import definition_import
from apps.executions.models import Execution, ImportJob
from apps.executions.services import execution_import
from apps.simulations.models import Simulation
from apps.simulations.selectors import simulation_parked_task
from apps.simulations.services import simulation_start
from stepscope.engine.api import run_to_completion
from tests.config.fuzz_corpus import (
    FIELD_VALUES,
    FILES,
    HUGE_TEXT,
    JSON_BODIES,
    MULTI,
    QUERY_NAMES,
    RAW_BODIES,
    RAW_QUERIES,
    VALUES,
)
from tests.config.fuzz_forms import PageForm
from tests.config.fuzz_site import Fuzzer, Survey, multipart, survey, targets, urlencoded
from tests.config.fuzz_site import report as _report

pytestmark = pytest.mark.django_db

# Not posted to: signing out would end the session the rest of the test uses.
NOT_POSTED = {"logout"}
# POSTs that read no field (a connection test, a pull): a couple of bodies are enough.
FIELDLESS_POSTS = {"aws:test", "aws:pull"}
JSON_TYPE = "application/json"
EXAMPLES = 50  # per endpoint family
CALLBACK = {
    "Comment": "waits for a callback",
    "StartAt": "Approve",
    "States": {
        "Approve": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                "MessageBody": {"token.$": "$$.Task.Token"},
            },
            "Next": "Done",
        },
        "Done": {"Type": "Pass", "End": True},
    },
}


def _history() -> str:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    run = run_to_completion(definition, {"n": 1}, context={"executionName": "fuzz-import"})
    return json.dumps({"events": run.events})


@pytest.fixture
def objects(
    user: Any, workspace: Workspace, steps_in_process: None, django_capture_on_commit_callbacks: Any
) -> dict[Any, Any]:
    """One of each kind of object, in the admin's workspace: a simulation parked on a callback
    (its execution too), a definition with two versions, an imported execution, an AWS source
    (at an endpoint nothing listens on), an import job."""
    version = definition_import(
        workspace=workspace, text=json.dumps(CALLBACK), name="fuzz-machine", user=user
    ).version
    definition_import(
        workspace=workspace,
        text=json.dumps({**CALLBACK, "Comment": "version two"}),
        name="fuzz-machine",
        user=user,
    )
    with django_capture_on_commit_callbacks(execute=True):
        simulation = simulation_start(
            definition_version=version, execution_input={"order": 1}, name="fuzz-run", user=user
        )
    simulation.refresh_from_db()
    parked = simulation_parked_task(simulation=simulation)
    assert parked is not None, "the fuzz simulation did not park on its callback"
    execution_import(workspace=workspace, documents=[("h.json", _history())], name="fuzz-import")
    source = AwsSource.objects.create(
        workspace=workspace,
        name="fuzz-source",
        regions=["us-east-1"],
        endpoint_url="http://127.0.0.1:9",
    )
    return {
        Workspace: workspace,
        Definition: version.definition,
        Execution: simulation.execution,
        Simulation: simulation,
        AwsSource: source,
        ImportJob: ImportJob.objects.create(workspace=workspace, name="fuzz-job"),
        "token": parked["taskToken"],
    }


@pytest.fixture
def admin(user: Any, settings: Any) -> Client:
    """The workspace admin, signed in; a fast password hash, since the sign-in and password
    change forms check a password on every post."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user.set_password("fuzz-pass-word")
    user.save(update_fields=["password"])
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# ---- The corpus -------------------------------------------------------------------------------


def test_no_query_string_gives_a_500(objects: dict[Any, Any], admin: Client) -> None:
    fuzzer = Fuzzer(admin)
    site = survey(fuzzer, objects)
    done: set[str] = set()  # URL names sent the whole corpus (once is enough for each)
    for target in site.targets:
        if target.path not in site.gets or target.name in done:
            for raw in RAW_QUERIES[:3]:
                fuzzer.send("GET", f"{target.path}?{raw}")
            continue
        done.add(target.name)
        keys = sorted(set(QUERY_NAMES) | site.names[target.path])
        views = ["view=graph&", "view=table&", "view=timeline&", "view=events&"]
        for base in views if target.name == "executions:detail" else [""]:
            for raw in RAW_QUERIES:
                fuzzer.send("GET", f"{target.path}?{base}{raw}")
            for value in VALUES:
                query = urlencode({key: value for key in keys if f"{key}=" not in base})
                fuzzer.send("GET", f"{target.path}?{base}{query}")
        fuzzer.send("GET", target.path, HTTP_ACCEPT="application/json")
    assert not fuzzer.problems, _report(fuzzer)


def test_no_form_post_gives_a_500(objects: dict[Any, Any], admin: Client) -> None:
    """Every field at once, then each field alone in an otherwise untouched form (so the value
    gets past the other fields to the service), every file field, and raw bodies."""
    fuzzer = Fuzzer(admin)
    site = survey(fuzzer, objects)
    done: set[str] = set()  # URL names sent the whole corpus (once is enough for each)
    for target in site.targets:
        if target.name in NOT_POSTED:
            continue
        refused = fuzzer.send("POST", target.path, "empty").status_code == 405
        if refused or target.name in FIELDLESS_POSTS or target.name in done:
            _few_posts(fuzzer, target.path)
            continue
        done.add(target.name)
        forms = site.post_forms(target.path, target.name)
        names = {name for form in forms for name in form.fields} or site.every_field
        fields = sorted(names | {"name", "text"})
        for value in VALUES:
            everything = urlencoded(dict.fromkeys(fields, value))
            fuzzer.send("POST", target.path, f"all {value[:20]!r}", **everything)
        several = urlencoded(dict.fromkeys(fields, MULTI))
        fuzzer.send("POST", target.path, "several values", **several)
        big = dict.fromkeys(fields, "x") | {fields[0]: HUGE_TEXT}
        fuzzer.send("POST", target.path, "10 MiB paste", **urlencoded(big))
        fuzzer.send("POST", target.path, "10 MiB multipart", **multipart(big, {}))
        for body, content_type in RAW_BODIES:
            fuzzer.send("POST", target.path, content_type, data=body, content_type=content_type)
        shapes = {tuple(sorted(form.fields)) + tuple(form.files): form for form in forms}
        for form in shapes.values():  # one form of each shape (a row per member is one)
            _one_field_at_a_time(fuzzer, target.path, form)
    assert not fuzzer.problems, _report(fuzzer)


def _few_posts(fuzzer: Fuzzer, path: str) -> None:
    """For a path that refuses POST, or reads no field: a huge body and one that is not UTF-8
    (middleware reads bodies too)."""
    fuzzer.send("POST", path, "10 MiB", **urlencoded({"text": HUGE_TEXT}))
    body, content_type = RAW_BODIES[1]
    fuzzer.send("POST", path, "not UTF-8", data=body, content_type=content_type)


def _one_field_at_a_time(fuzzer: Fuzzer, path: str, form: PageForm) -> None:
    for name in sorted(form.fields):
        for value in FIELD_VALUES:
            fields = {**form.fields, name: [value]}
            fuzzer.send("POST", path, f"{name}={value[:30]!r}", **multipart(fields, {}))
    for name in form.files:
        for filename, content in FILES:
            upload = multipart(form.fields, {name: (filename, content)})
            fuzzer.send("POST", path, f"{name}: {filename}", **upload)


def test_no_json_body_gives_a_500(objects: dict[Any, Any], admin: Client) -> None:
    fuzzer = Fuzzer(admin)
    for target in targets(objects):
        if target.name in NOT_POSTED or target.name in FIELDLESS_POSTS:
            continue
        if (
            fuzzer.send("POST", target.path, "{}", data=b"{}", content_type=JSON_TYPE).status_code
            == 405
        ):
            continue
        for body in JSON_BODIES:
            fuzzer.send("POST", target.path, repr(body[:30]), data=body, content_type=JSON_TYPE)
        for length in ("abc", "-1", "99999999999999999999", "¹", "２"):
            fuzzer.send(
                "POST",
                target.path,
                f"Content-Length {length}",
                data=b"{}",
                content_type=JSON_TYPE,
                CONTENT_LENGTH=length,
            )
    assert not fuzzer.problems, _report(fuzzer)


# ---- Property-based: hypothesis, derandomized, 50 examples per family -----------------------

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=300)
NUMBERISH = st.one_of(
    st.integers().map(str), st.floats().map(str), st.just("9" * 400), st.just("-0")
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)
VALUE = st.one_of(TEXT, NUMBERISH, st.sampled_from(VALUES), JSON.map(json.dumps))
KEY = st.one_of(st.sampled_from(QUERY_NAMES), TEXT.filter(bool))


@pytest.fixture
def site(objects: dict[Any, Any], admin: Client) -> Survey:
    return survey(Fuzzer(admin), objects)


@FUZZ
@given(data=st.data())
def test_no_generated_query_gives_a_500(site: Survey, admin: Client, data: Any) -> None:
    """Any page, any query: known and made-up names, text, numbers, JSON, lists, raw bytes."""
    fuzzer = Fuzzer(admin)
    path = data.draw(st.sampled_from(sorted(site.gets)))
    keys = st.one_of(KEY, st.sampled_from(sorted(site.names[path] or {"page"})))
    query = data.draw(st.dictionaries(keys, st.one_of(VALUE, st.lists(VALUE, max_size=3))))
    fuzzer.send("GET", f"{path}?{urlencode(query, doseq=True)}")
    raw = data.draw(st.binary(max_size=200))
    fuzzer.send("GET", f"{path}?{''.join(f'%{byte:02X}' for byte in raw)}")
    assert not fuzzer.problems, _report(fuzzer)


@FUZZ
@given(data=st.data())
def test_no_generated_form_gives_a_500(site: Survey, admin: Client, data: Any) -> None:
    """Any form as the page offers it, with any of its fields replaced by generated values
    (or several values), and raw bodies of every content type."""
    fuzzer = Fuzzer(admin)
    action = data.draw(st.sampled_from(sorted(site.forms)))
    form = data.draw(st.sampled_from(site.forms[action]))
    names = st.sampled_from(sorted(form.fields) or ["name"])
    changed = data.draw(st.dictionaries(names, st.lists(VALUE, min_size=1, max_size=3)))
    fields = {**form.fields, **changed}
    fuzzer.send("POST", action, repr(changed)[:120], **multipart(fields, {}))
    raw = data.draw(st.binary(max_size=500))
    kind = data.draw(st.sampled_from([content_type for _, content_type in RAW_BODIES]))
    fuzzer.send("POST", action, f"{kind} {raw[:20]!r}", data=raw, content_type=kind)
    assert not fuzzer.problems, _report(fuzzer)


@FUZZ
@given(data=st.data())
def test_no_generated_json_gives_a_500(objects: dict[Any, Any], admin: Client, data: Any) -> None:
    """The callback actions and stop, with JSON bodies of any shape, the real task token or
    not."""
    fuzzer = Fuzzer(admin)
    simulation = objects[Simulation]
    action = data.draw(
        st.sampled_from(["send-task-success", "send-task-failure", "send-task-heartbeat", "stop"])
    )
    token = st.one_of(st.just(objects["token"]), JSON)
    fields = st.fixed_dictionaries(
        {}, optional={"taskToken": token, "output": JSON, "error": JSON, "cause": JSON}
    )
    body = data.draw(st.one_of(fields, JSON))
    path = f"/simulations/{simulation.pk}/{action}/"
    fuzzer.send("POST", path, repr(body)[:120], data=json.dumps(body), content_type=JSON_TYPE)
    assert not fuzzer.problems, _report(fuzzer)
