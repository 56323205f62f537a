from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model

from apps.accounts.models import AuditEntry, RedactionRule, Role
from apps.accounts.scoping import role_in
from apps.accounts.selectors import admin_count
from apps.accounts.services import (
    RULES_MAX,
    WorkspaceError,
    first_admin_ensure,
    member_remove,
    member_set,
    redaction_rule_add,
    redaction_rule_remove,
    workspace_create,
    workspace_redact_at_import_set,
)

pytestmark = pytest.mark.django_db


def test_first_admin_gets_a_generated_one_time_password():
    admin = first_admin_ensure()
    assert admin is not None and admin.username == "admin"
    assert admin.password and len(admin.password) >= 12
    user = authenticate(username="admin", password=admin.password)
    assert user is not None and user.is_superuser


def test_no_admin_is_created_when_a_user_exists(user):
    assert first_admin_ensure() is None
    assert get_user_model().objects.count() == 1


def test_given_credentials_are_used_and_not_echoed():
    admin = first_admin_ensure(username="ops", password="a-long-pass-phrase", email="o@x.io")
    assert admin is not None and admin.password is None
    assert authenticate(username="ops", password="a-long-pass-phrase") is not None


# Workspaces and members ----------------------------------------------------------------------


def entries(action: str = "") -> list[AuditEntry]:
    found = AuditEntry.objects.order_by("id")
    return list(found.filter(action=action) if action else found)


def test_workspace_create_checks_the_name_and_records_it(user):
    created = workspace_create(name="payments", admin=user.username, actor=user)
    assert role_in(user, created) == Role.ADMIN
    assert [(e.action, e.actor_name, e.target) for e in entries()] == [
        ("workspace.create", "oncall", "payments"),
        ("member.add", "oncall", "oncall"),
    ]
    for bad, says in (
        ("Payments", "is not a workspace name"),
        ("a b", "is not a workspace name"),
        ("", "is not a workspace name"),
        ("x" * 65, "is not a workspace name"),
        ("payments", "already exists"),
    ):
        with pytest.raises(WorkspaceError, match=says):
            workspace_create(name=bad)


def test_member_set_adds_changes_and_records_only_changes(workspace, people):
    admin = people["admin"]
    member_set(workspace=workspace, username="outsider", role="viewer", actor=admin)
    member_set(workspace=workspace, username="outsider", role="viewer", actor=admin)
    member_set(workspace=workspace, username="outsider", role="debugger", actor=admin)
    assert [(e.action, e.actor_name, e.target, e.detail) for e in entries()] == [
        ("member.add", "admin", "outsider", {"role": "viewer"}),
        ("member.role", "admin", "outsider", {"role": "debugger", "was": "viewer"}),
    ]
    with pytest.raises(WorkspaceError, match="'owner' is not a role"):
        member_set(workspace=workspace, username="outsider", role="owner", actor=admin)
    with pytest.raises(WorkspaceError, match="there is no user 'ghost'"):
        member_set(workspace=workspace, username="ghost", role="viewer", actor=admin)
    with pytest.raises(WorkspaceError, match="'root' is not a member of 'team'"):
        member_remove(workspace=workspace, username="root", actor=admin)


def test_the_last_admin_cannot_be_demoted_or_removed_by_an_admin(workspace, people, user):
    admin = people["admin"]
    member_remove(workspace=workspace, username=user.username, actor=admin)  # two admins left one
    assert admin_count(workspace=workspace) == 1
    for act in (
        lambda: member_set(workspace=workspace, username="admin", role="debugger", actor=admin),
        lambda: member_remove(workspace=workspace, username="admin", actor=admin),
    ):
        with pytest.raises(WorkspaceError, match="'admin' is the only admin of 'team'"):
            act()
    assert role_in(admin, workspace) == Role.ADMIN
    assert entries("member.role") == []


def test_a_superuser_or_the_operator_may_leave_a_workspace_without_an_admin(
    workspace, people, user
):
    member_set(workspace=workspace, username="admin", role="viewer", actor=people["superuser"])
    member_remove(workspace=workspace, username=user.username)  # the command line
    assert admin_count(workspace=workspace) == 0
    assert [(e.action, e.actor_name) for e in entries()] == [
        ("member.role", "root"),
        ("member.remove", ""),
    ]


# Redaction rules ------------------------------------------------------------------------------


def test_a_rule_is_checked_trimmed_stored_and_recorded(workspace, user):
    rule = redaction_rule_add(workspace=workspace, pattern="  $..cardNumber ", actor=user)
    assert (rule.pattern, rule.created_by) == ("$..cardNumber", user)
    entry = entries("redaction.add")[0]
    assert (entry.actor, entry.target, entry.workspace) == (user, "$..cardNumber", workspace)
    with pytest.raises(WorkspaceError, match="already has the rule `\\$..cardNumber`"):
        redaction_rule_add(workspace=workspace, pattern="$..cardNumber", actor=user)
    assert len(entries("redaction.add")) == 1


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "the rule is empty"),
        ("a.b", "a key name may not hold '.'"),
        ("$", "`\\$` alone would mask the whole payload"),
        ("$.a[?(@.x)]", "at character"),
        ("x" * 600, "at most 512 characters"),
    ],
)
def test_a_bad_rule_is_refused_with_what_and_where(workspace, user, typed, says):
    with pytest.raises(WorkspaceError, match=says):
        redaction_rule_add(workspace=workspace, pattern=typed, actor=user)
    assert not RedactionRule.objects.exists() and not entries()


def test_rules_are_limited_in_number(workspace, user):
    for number in range(RULES_MAX):
        RedactionRule.objects.create(workspace=workspace, pattern=f"key{number}")
    with pytest.raises(WorkspaceError, match=f"at most {RULES_MAX} redaction rules"):
        redaction_rule_add(workspace=workspace, pattern="one-more", actor=user)


def test_a_rule_is_removed_only_from_its_own_workspace(workspace, elsewhere, user):
    rule = redaction_rule_add(workspace=workspace, pattern="password", actor=user)
    with pytest.raises(WorkspaceError, match="'elsewhere' has no such rule"):
        redaction_rule_remove(workspace=elsewhere, rule_id=rule.pk, actor=user)
    redaction_rule_remove(workspace=workspace, rule_id=rule.pk, actor=user)
    assert not RedactionRule.objects.exists()
    assert [(e.action, e.target) for e in entries()] == [
        ("redaction.add", "password"),
        ("redaction.remove", "password"),
    ]


def test_redact_at_import_is_recorded_when_it_changes(workspace, user):
    for value in (True, True, False):
        workspace_redact_at_import_set(workspace=workspace, redact=value, actor=user)
    workspace.refresh_from_db()
    assert workspace.redact_at_import is False
    assert [e.detail for e in entries("redaction.at_import")] == [
        {"redact_at_import": True},
        {"redact_at_import": False},
    ]
