"""The URL x role matrix: every URL pattern, GET and POST, as anonymous, outsider, viewer,
debugger and admin, against another workspace's objects and against the user's own.

Every view must declare its access rule with a decorator of apps/accounts/scoping.py; a URL whose
view declares none fails here, so a new URL cannot slip past the scoping rule. Another
workspace's objects answer 404 (their existence does not leak), lists never show them, and a
role too low for a method answers 403.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from apps.accounts.models import ROLE_RANK, Membership, Role, Workspace
from apps.accounts.scoping import AccessRule
from apps.aws.models import AwsSource
from apps.definitions.services import definition_import
from apps.executions.models import Execution, ImportJob
from apps.live.messages import CLOSE_NOT_FOUND
from apps.simulations.models import Simulation
from apps.simulations.services import simulation_start

pytestmark = pytest.mark.django_db

# Django's own account views (sign in, sign out, password change) are about the signed-in user
# alone; every other view must carry a rule.
ACCOUNT_VIEWS = {"login", "logout", "password_change", "password_change_done"}
# URL arguments that are not object ids.
OTHER_ARGUMENTS = {"number": 1, "fmt": "json"}
# URL arguments naming a second object (besides the access rule's own): one of the same workspace.
SECOND_OBJECTS: dict[str, type[models.Model]] = {"b": Execution}
# POSTs whose allowed role reaches the network (a connection test, a pull): their refusals are
# checked, their success is not exercised here.
NETWORK_POSTS = {"aws:test", "aws:pull"}
# What a page needs beyond its path to find something to show (without it: a 404 of its own).
QUERIES = {"executions:payload": "?field=execution_input", "executions:step": "?name=Pause"}
MARK = "zz-elsewhere-secret"  # in every name of the other workspace: must never be shown
ROLES = ("viewer", "debugger", "admin")
MACHINE = {
    "Comment": "a machine",
    "StartAt": "Pause",
    "States": {"Pause": {"Type": "Wait", "Seconds": 3600, "End": True}},
}


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name
    pattern: str
    view: Any
    arguments: tuple[str, ...]

    @property
    def rule(self) -> AccessRule | None:
        return getattr(self.view, "access_rule", None)


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace or ""
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            converters = entry.pattern.converters
            yield Route(name, prefix + str(entry.pattern), entry.callback, tuple(converters))


ROUTES = sorted(_routes(get_resolver().url_patterns), key=lambda route: route.name)


def _path(route: Route, values: dict[str, Any]) -> str:
    path = route.pattern
    for argument in route.arguments:
        value = values.get(argument, OTHER_ARGUMENTS.get(argument))
        assert value is not None, f"{route.name}: no test value for <{argument}>"
        start = path.index("<")
        path = path[:start] + str(value) + path[path.index(">", start) + 1 :]
    return "/" + path.lstrip("^").rstrip("$") + QUERIES.get(route.name, "")


def _objects(workspace: Workspace, label: str, user: Any) -> dict[type[models.Model], Any]:
    """One of each kind of object, in `workspace`."""
    version = definition_import(
        workspace=workspace, text=json.dumps(MACHINE), name=f"{label}-machine", user=user
    ).version
    simulation = simulation_start(
        definition_version=version, execution_input={"n": 1}, name=f"{label}-run"
    )
    source = AwsSource.objects.create(
        workspace=workspace,
        name=f"{label}-source",
        regions=["us-east-1"],
        endpoint_url="http://127.0.0.1:9",
    )
    return {
        Workspace: workspace,
        type(version.definition): version.definition,
        Execution: simulation.execution,
        Simulation: simulation,
        AwsSource: source,
        ImportJob: ImportJob.objects.create(workspace=workspace, name=f"{label}-import"),
    }


def _values(route: Route, objects: dict[type[models.Model], Any]) -> dict[str, Any]:
    rule = route.rule
    values: dict[str, Any] = {}
    if rule is not None and rule.kind == "object" and rule.model is not None:
        target = objects[rule.model]
        values[rule.kwarg] = getattr(target, rule.field)
    for argument, model in SECOND_OBJECTS.items():
        if argument in route.arguments:
            values[argument] = objects[model].pk
    return values


@pytest.fixture
def world(django_user_model: Any) -> dict[str, Any]:
    ours = Workspace.objects.create(name="ours")
    theirs = Workspace.objects.create(name="theirs")
    users: dict[str, Any] = {}
    for role in ROLES:
        users[role] = django_user_model.objects.create_user(username=role, password="x-pass-1234")
        Membership.objects.create(workspace=ours, user=users[role], role=role)
    users["outsider"] = django_user_model.objects.create_user(username="outsider")
    Membership.objects.create(
        workspace=Workspace.objects.create(name="third"), user=users["outsider"], role=Role.ADMIN
    )
    owner = django_user_model.objects.create_user(username=f"{MARK}-owner")
    Membership.objects.create(workspace=theirs, user=owner, role=Role.ADMIN)
    return {
        "users": users,
        "ours": _objects(ours, "ours", users["admin"]),
        "theirs": _objects(theirs, MARK, owner),
    }


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_every_url_declares_its_access_rule() -> None:
    missing = [
        f"{route.name} ({route.pattern})"
        for route in ROUTES
        if route.rule is None and route.name not in ACCOUNT_VIEWS
    ]
    assert not missing, "views with no access rule (apps/accounts/scoping.py): " + ", ".join(
        missing
    )
    object_rules = [route for route in ROUTES if route.rule and route.rule.kind == "object"]
    assert len(object_rules) >= 15  # the matrix below really covers the object pages


def test_anonymous_users_get_nothing(world: dict[str, Any]) -> None:
    client = _client(None)
    for route in ROUTES:
        if route.name in ACCOUNT_VIEWS or (route.rule and route.rule.kind == "public"):
            continue
        path = _path(route, _values(route, world["theirs"]))
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code in (302, 401, 403, 405), (route.name, method)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), route.name
            assert MARK not in response.content.decode(errors="replace"), (route.name, method)


@pytest.mark.parametrize("who", ["outsider", *ROLES])
def test_another_workspaces_objects_are_404_and_never_shown(
    world: dict[str, Any], who: str
) -> None:
    client = _client(world["users"][who])
    for route in ROUTES:
        rule = route.rule
        if rule is None or rule.kind == "public":
            continue
        path = _path(route, _values(route, world["theirs"]))
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            body = response.content.decode(errors="replace")
            assert response.status_code < 500, (route.name, method, response.status_code)
            assert MARK not in body, f"{route.name} {method} shows another workspace's data"
            if rule.kind == "object" and response.status_code != 405:
                assert response.status_code == 404, (route.name, method, response.status_code)


def _rank(role: str | None) -> int:
    return ROLE_RANK.get(role, 0) if role else 0  # type: ignore[call-overload]


@pytest.mark.parametrize("who", ROLES)
def test_own_workspace_roles(world: dict[str, Any], who: str) -> None:
    """In their own workspace a member gets what their role allows, and 403 for the rest."""
    client = _client(world["users"][who])
    for route in ROUTES:
        rule = route.rule
        if rule is None or rule.kind == "public":
            continue
        path = _path(route, _values(route, world["ours"]))
        for method, needed in (("get", rule.read), ("post", rule.write)):
            response = getattr(client, method)(path)
            status = response.status_code
            assert status < 500, (route.name, method, status)
            if status == 405:
                continue
            if _rank(who) < _rank(needed):
                assert status == 403, (route.name, method, who, status)
            elif not (method == "post" and route.name in NETWORK_POSTS):
                assert status not in (403, 404), (route.name, method, who, status)


def test_a_superuser_sees_every_workspace(world: dict[str, Any]) -> None:
    root = get_user_model().objects.create_superuser(username="root", password="x-pass-1234")
    client = _client(root)
    execution = world["theirs"][Execution]
    assert client.get(f"/executions/{execution.pk}/").status_code == 200
    assert MARK in client.get("/executions/").content.decode()


def _websocket_connect(user: Any, execution: Execution) -> tuple[bool, Any]:
    """Connect through the whole ASGI application with the user's session cookie."""
    from config.asgi import application

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    headers = [
        (b"origin", b"http://localhost"),
        (b"cookie", f"{name}={client.cookies[name].value}".encode()),
    ]

    async def scenario() -> tuple[bool, Any]:
        communicator = WebsocketCommunicator(
            application, f"/ws/executions/{execution.pk}/", headers=headers
        )
        connected, code = await communicator.connect(timeout=5)
        await communicator.disconnect()
        close_pools = getattr(get_channel_layer(), "close_pools", None)
        if close_pools is not None:
            await close_pools()
        return connected, code

    return async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_the_websocket_follows_the_same_rule(world: dict[str, Any]) -> None:
    theirs, ours = world["theirs"][Execution], world["ours"][Execution]
    viewer = world["users"]["viewer"]
    connected, code = _websocket_connect(viewer, theirs)
    assert not connected and code == CLOSE_NOT_FOUND
    connected, _ = _websocket_connect(viewer, ours)
    assert connected
