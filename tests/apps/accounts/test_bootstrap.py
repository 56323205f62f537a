from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from apps.accounts.models import AuditEntry, Membership, Workspace
from apps.definitions.models import Definition
from apps.executions.models import Execution

pytestmark = pytest.mark.django_db


def test_bootstrap_prints_a_one_time_sign_in_line_and_loads_the_demo(monkeypatch):
    for name in (
        "DJANGO_SUPERUSER_USERNAME",
        "DJANGO_SUPERUSER_PASSWORD",
        "DJANGO_SUPERUSER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    out = io.StringIO()
    call_command("bootstrap", stdout=out)
    text = out.getvalue()
    assert "Sign in once as 'admin' with password" in text
    password = text.split("with password '")[1].split("'")[0]
    assert authenticate(username="admin", password=password) is not None
    names = set(Definition.objects.values_list("name", flat=True))
    assert {"orders", "order-saga", "approval", "order-lines"} <= names
    failed = Execution.objects.get(name="order-1002-payment-failed")
    assert failed.status == "FAILED"
    assert failed.definition_version is not None
    assert failed.definition_version.definition.name == "orders"

    demo = Workspace.objects.get(name="demo")
    assert set(Definition.objects.values_list("workspace", flat=True)) == {demo.pk}
    assert set(Execution.objects.values_list("workspace", flat=True)) == {demo.pk}
    membership = Membership.objects.get()
    assert (membership.workspace, membership.user.username, membership.role) == (
        demo,
        "admin",
        "admin",
    )
    counts = _counts()

    again = io.StringIO()
    call_command("bootstrap", stdout=again)
    assert "Sign in once" not in again.getvalue()
    assert "Demo definitions: 0 new" in again.getvalue()
    assert "Demo executions: 0 new" in again.getvalue()
    assert _counts() == counts  # a second run adds nothing, not even to the audit log


def _counts() -> tuple[int, ...]:
    models = (Workspace, Membership, Definition, Execution, AuditEntry)
    return tuple(model.objects.count() for model in models)


def test_the_demo_workspace_is_reachable_by_the_first_admin(monkeypatch, client):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "ops")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct-horse-battery")
    call_command("bootstrap", stdout=io.StringIO())
    assert client.login(username="ops", password="correct-horse-battery")
    html = client.get("/workspaces/demo/").content.decode()
    assert "<tr><td>ops</td><td>admin</td></tr>" in html


def test_bootstrap_honours_superuser_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct-horse-battery")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    out = io.StringIO()
    call_command("bootstrap", "--no-demo", stdout=out)
    assert "correct-horse-battery" not in out.getvalue()
    assert authenticate(username="root", password="correct-horse-battery") is not None


@pytest.mark.django_db
def test_bootstrap_indexes_executions_stored_before_search_existed(workspace: Any) -> None:
    from apps.executions.models import Execution
    from apps.executions.search_models import SearchDocument
    from apps.executions.services import execution_import
    from tests.apps.executions.histories import page, payment_failed_events

    execution = execution_import(
        workspace=workspace, documents=[("h.json", page(payment_failed_events()))]
    ).execution
    SearchDocument.objects.filter(execution=execution).delete()  # as before migration 0011
    out = io.StringIO()
    call_command("bootstrap", "--no-demo", stdout=out)
    assert "Search: indexed 1 execution stored before." in out.getvalue()
    assert Execution.objects.filter(search_document__isnull=True).count() == 0
