"""`python manage.py workspace create|add|remove|list`: the operator's command line. Every bad
input is a CommandError that says what is wrong; every change is in the audit log as the
operator's."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import AuditEntry, Membership, Workspace

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("workspace", *args, stdout=out)
    return out.getvalue()


def test_create_add_remove_and_list(people: dict[str, Any]) -> None:
    assert run("create", "payments", "--admin", "admin") == (
        "created workspace 'payments' with 'admin' as its admin\n"
    )
    added = run("add", "payments", "viewer", "--role", "viewer")
    assert added == "'viewer' is viewer in 'payments'\n"
    assert run("add", "payments", "viewer", "--role", "debugger") == (
        "'viewer' is debugger in 'payments'\n"
    )
    listed = run("list")
    assert "payments: admin (admin), viewer (debugger)" in listed
    assert "elsewhere: outsider (admin)" in listed
    assert run("remove", "payments", "viewer") == "removed 'viewer' from 'payments'\n"
    payments = Workspace.objects.get(name="payments")
    members = Membership.objects.filter(workspace=payments)
    assert list(members.values_list("user__username", "role")) == [("admin", "admin")]
    entries = AuditEntry.objects.filter(workspace=payments).order_by("id")
    assert [(e.action, e.actor, e.actor_name) for e in entries] == [
        ("workspace.create", None, ""),
        ("member.add", None, ""),
        ("member.add", None, ""),
        ("member.role", None, ""),
        ("member.remove", None, ""),
    ]


def test_the_operator_may_remove_the_last_admin(people: dict[str, Any], elsewhere: Any) -> None:
    run("remove", "elsewhere", "outsider")
    assert not Membership.objects.filter(workspace=elsewhere).exists()


def test_list_without_workspaces(db: None) -> None:
    assert "no workspaces" in run("list")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("create", "Bad Name"), "'Bad Name' is not a workspace name"),
        (("create", "team"), "a workspace 'team' already exists"),
        (("create", "fresh", "--admin", "ghost"), "there is no user 'ghost'"),
        (("add", "nowhere", "viewer", "--role", "viewer"), "there is no workspace 'nowhere'"),
        (("add", "team", "ghost", "--role", "viewer"), "there is no user 'ghost'"),
        (("remove", "team", "ghost"), "there is no user 'ghost'"),
        (("remove", "team", "outsider"), "'outsider' is not a member of 'team'"),
        (("remove", "nowhere", "viewer"), "there is no workspace 'nowhere'"),
    ],
)
def test_bad_input_is_a_clear_command_error(
    people: dict[str, Any], args: tuple[str, ...], says: str
) -> None:
    with pytest.raises(CommandError, match=says):
        run(*args)
    assert not Workspace.objects.filter(name="fresh").exists()  # nothing half made


def test_a_bad_role_is_refused_with_the_roles_named(people: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'owner'.*viewer.*debugger.*admin"):
        run("add", "team", "viewer", "--role", "owner")
