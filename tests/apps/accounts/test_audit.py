"""The audit log: each audited action taken on the web makes exactly one entry, with the right
actor and never a payload; workspace admins read it at /workspaces/<name>/audit/ (newest first,
by action, paginated, escaped); nothing on the web changes or removes an entry."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.audit import audit_record
from apps.accounts.models import AuditEntry, RedactionRule
from apps.accounts.services import redaction_rule_add
from apps.simulations.models import Simulation
from apps.simulations.services import simulation_start
from stepscope.engine.callbacks import waiting_tasks
from tests.apps.accounts.conftest import client_as
from tests.apps.simulations.machines import CALLBACK, version_of

pytestmark = pytest.mark.django_db

SECRET = "4111-1111-1111-1111"


def recorded(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def only(action: str) -> AuditEntry:
    entries = recorded(action)
    assert len(entries) == 1, f"{action}: {len(entries)} entries"
    return entries[0]


# Each action, once, with its actor --------------------------------------------------------------


def test_member_and_redaction_changes_are_recorded_once_each(
    people: dict[str, Any], workspace: Any
) -> None:
    admin = client_as(people["admin"])
    members = reverse("accounts:members", args=["team"])
    redaction = reverse("accounts:redaction", args=["team"])
    admin.post(members, {"action": "add", "username": "outsider", "role": "viewer"})
    admin.post(members, {"action": "role", "username": "outsider", "role": "debugger"})
    admin.post(members, {"action": "remove", "username": "outsider"})
    admin.post(redaction, {"action": "add", "pattern": "cardNumber"})
    admin.post(redaction, {"action": "add", "pattern": "a.b"})  # refused: not recorded
    rule = RedactionRule.objects.get(workspace=workspace)
    admin.post(redaction, {"action": "remove", "rule": str(rule.pk)})
    admin.post(redaction, {"action": "at_import", "redact_at_import": "on"})
    entries = AuditEntry.objects.order_by("id")
    assert [(e.action, e.actor, e.workspace, e.target) for e in entries] == [
        ("member.add", people["admin"], workspace, "outsider"),
        ("member.role", people["admin"], workspace, "outsider"),
        ("member.remove", people["admin"], workspace, "outsider"),
        ("redaction.add", people["admin"], workspace, "cardNumber"),
        ("redaction.remove", people["admin"], workspace, "cardNumber"),
        ("redaction.at_import", people["admin"], workspace, "team"),
    ]


def test_a_definition_import_is_recorded_when_it_makes_a_version(
    people: dict[str, Any], workspace: Any
) -> None:
    debugger = client_as(people["debugger"])
    text = json.dumps(CALLBACK)
    for _ in range(2):  # the second import finds the same text: no new version, no entry
        response = debugger.post("/definitions/import/", {"name": "approvals", "text": text})
        assert response.status_code == 302
    entry = only("definition.import")
    assert (entry.actor, entry.workspace, entry.target) == (
        people["debugger"],
        workspace,
        "approvals v1",
    )
    assert entry.detail == {"version": 1, "result": "OK"}


def _token(simulation: Simulation) -> str:
    simulation.refresh_from_db()
    return str(waiting_tasks(simulation.snapshot)[0]["token"])


def _action(simulation: Simulation, name: str) -> str:
    return reverse(f"simulations:{name}", args=[simulation.pk])


def test_simulations_and_callbacks_are_recorded_with_their_actor_and_no_payload(
    people: dict[str, Any],
    workspace: Any,
    steps_in_process: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    version = version_of(CALLBACK, name="approvals")
    debugger = client_as(people["debugger"])
    new = reverse("simulations:new_version", args=[version.definition_id, version.number])
    form = {"input": json.dumps({"order": SECRET}), "pace_mode": "instant", "scale": "60"}
    with django_capture_on_commit_callbacks(execute=True):
        response = debugger.post(new, {**form, "name": "audited-run"})
    assert response.status_code == 302
    started = only("simulation.start")
    assert (started.actor, started.workspace, started.target) == (
        people["debugger"],
        workspace,
        "audited-run",
    )
    assert started.detail == {"definition": "approvals", "version": 1, "pace": "instant"}
    simulation = Simulation.objects.get(execution__name="audited-run")
    token = _token(simulation)
    with django_capture_on_commit_callbacks(execute=True):
        debugger.post(_action(simulation, "send_task_heartbeat"), {"taskToken": token})
        debugger.post(  # refused (not JSON): nothing recorded
            _action(simulation, "send_task_success"), {"taskToken": token, "output": "{oops"}
        )
        debugger.post(
            _action(simulation, "send_task_success"),
            {"taskToken": token, "output": json.dumps({"card": SECRET})},
        )
    for action in ("simulation.send_task_heartbeat", "simulation.send_task_success"):
        entry = only(action)
        assert (entry.actor, entry.target) == (people["debugger"], "audited-run")
        assert entry.detail == {"state": "Approve", "token": token[:12] + "…"}

    with django_capture_on_commit_callbacks(execute=True):
        failing, stopping = (
            simulation_start(definition_version=version, execution_input={"order": 1}, name=name)
            for name in ("to-fail", "to-stop")
        )
    with django_capture_on_commit_callbacks(execute=True):
        debugger.post(
            _action(failing, "send_task_failure"),
            {"taskToken": _token(failing), "error": "Rejected", "cause": SECRET},
        )
        debugger.post(_action(stopping, "stop"), {"error": "Cancelled", "cause": SECRET})
    failure = only("simulation.send_task_failure")
    assert (failure.actor, failure.target, failure.detail["error"]) == (
        people["debugger"],
        "to-fail",
        "Rejected",
    )
    stop = only("simulation.stop")
    assert (stop.actor, stop.target, stop.detail) == (
        people["debugger"],
        "to-stop",
        {"error": "Cancelled"},
    )
    assert len(recorded("simulation.start")) == 3  # the two above are the operator's
    assert [e.actor for e in recorded("simulation.start")[1:]] == [None, None]
    everything = json.dumps(list(AuditEntry.objects.values("target", "detail")))
    assert SECRET not in everything


def test_a_viewer_cannot_act_and_nothing_is_recorded(
    people: dict[str, Any], steps_in_process: None, django_capture_on_commit_callbacks: Any
) -> None:
    version = version_of(CALLBACK)
    with django_capture_on_commit_callbacks(execute=True):
        simulation = simulation_start(definition_version=version, execution_input={})
    before = AuditEntry.objects.count()
    viewer = client_as(people["viewer"])
    response = viewer.post(_action(simulation, "stop"), {})
    assert response.status_code == 403
    response = viewer.post("/definitions/import/", {"name": "x", "text": json.dumps(CALLBACK)})
    assert response.status_code in (400, 403)
    assert AuditEntry.objects.count() == before


# The audit page ---------------------------------------------------------------------------------


def audit_url(workspace: Any, query: str = "") -> str:
    return reverse("accounts:audit", args=[workspace.name]) + query


def test_admins_read_the_log_newest_first_and_escaped(
    people: dict[str, Any], workspace: Any, elsewhere: Any
) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    audit_record(action="definition.import", workspace=workspace, target=hostile)
    audit_record(
        action="member.add", workspace=workspace, actor=people["admin"], detail={"role": hostile}
    )
    audit_record(action="member.add", workspace=elsewhere, target="zz-theirs")
    response = client_as(people["admin"]).get(audit_url(workspace))
    html = response.content.decode()
    assert response.status_code == 200
    assert hostile not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.index("<code>member.add</code>") < html.index("<code>definition.import</code>")
    assert '<span class="hint">operator</span>' in html
    assert "zz-theirs" not in html
    assert "Page 1 of 1 · 2 entries" in html


def test_the_log_is_filtered_by_action_and_paginated(
    people: dict[str, Any], workspace: Any
) -> None:
    for number in range(55):
        audit_record(action="redaction.add", workspace=workspace, target=f"rule-{number:02}")
    redaction_rule_add(workspace=workspace, pattern="password", actor=people["admin"])
    audit_record(action="member.add", workspace=workspace, target="someone")
    client = client_as(people["admin"])
    first = client.get(audit_url(workspace, "?action=redaction.add")).content.decode()
    assert "someone" not in first
    assert "Page 1 of 2 · 56 entries" in first
    assert "?action=redaction.add&amp;page=2" in first
    assert first.index(">password<") < first.index(">rule-54<")
    second = client.get(audit_url(workspace, "?action=redaction.add&page=2")).content.decode()
    assert ">rule-00<" in second and ">rule-54<" not in second
    options = client.get(audit_url(workspace)).content.decode()
    assert '<option value="member.add">member.add</option>' in options


def test_an_unknown_action_filter_is_a_clear_400(people: dict[str, Any], workspace: Any) -> None:
    response = client_as(people["admin"]).get(audit_url(workspace, "?action=<b>nope</b>"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "No entry of this workspace has the action &lt;b&gt;nope&lt;/b&gt;" in html
    assert "<b>nope" not in html


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("debugger", 403), ("outsider", 404)])
def test_only_admins_read_the_log(
    people: dict[str, Any], workspace: Any, who: str, status: int
) -> None:
    audit_record(action="member.add", workspace=workspace, target="hidden-target")
    response = client_as(people[who]).get(audit_url(workspace))
    assert response.status_code == status
    assert "hidden-target" not in response.content.decode()


# Nothing on the web changes an entry ------------------------------------------------------------


def _paths() -> list[tuple[str, str]]:
    """Every URL pattern with its arguments filled with an entry's id or a workspace's name."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append((str(entry.name), prefix + str(entry.pattern)))

    walk(get_resolver().url_patterns, "")
    return found


def _filled(pattern: str, entry: AuditEntry) -> str:
    path = pattern
    while "<" in path:
        start = path.index("<")
        end = path.index(">", start)
        converter = path[start + 1 : end].split(":")[0]
        value = entry.pk if converter == "int" else "team"
        path = path[:start] + str(value) + path[end + 1 :]
    return "/" + path.lstrip("^").rstrip("$")


def test_no_url_changes_or_removes_an_entry(people: dict[str, Any], workspace: Any) -> None:
    entry = audit_record(
        action="member.add", workspace=workspace, actor=people["admin"], target="kept"
    )
    before = list(AuditEntry.objects.values())
    client = Client(raise_request_exception=False)
    client.force_login(people["superuser"])
    hostile = {"action": "remove", "pk": str(entry.pk), "id": str(entry.pk), "rule": str(entry.pk)}
    for name, pattern in _paths():
        if name == "logout":
            continue
        path = _filled(pattern, entry)
        for method in ("post", "put", "patch", "delete"):
            getattr(client, method)(path, hostile)
    after = {row["id"]: row for row in AuditEntry.objects.values()}
    for row in before:
        assert after.get(row["id"]) == row
