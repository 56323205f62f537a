"""/workspaces/<name>/redaction/: an admin lists, adds and removes rules, and chooses whether
histories are stored redacted at import. A bad rule is refused on the form with what and where,
and what was typed is kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from apps.accounts.models import RedactionRule
from apps.accounts.services import redaction_rule_add
from tests.apps.accounts.conftest import client_as

pytestmark = pytest.mark.django_db


def url(workspace: Any) -> str:
    return reverse("accounts:redaction", args=[workspace.name])


def test_an_admin_adds_and_removes_rules(people: dict[str, Any], workspace: Any) -> None:
    client = client_as(people["admin"])
    response = client.post(url(workspace), {"action": "add", "pattern": " $..cardNumber "})
    assert response.status_code == 302 and response["Location"] == url(workspace)
    rule = RedactionRule.objects.get(workspace=workspace)
    assert (rule.pattern, rule.created_by) == ("$..cardNumber", people["admin"])
    html = client.get(url(workspace)).content.decode()
    assert "Added the rule $..cardNumber." in html
    assert "<code>$..cardNumber</code>" in html and "by admin" in html
    response = client.post(url(workspace), {"action": "remove", "rule": str(rule.pk)}, follow=True)
    assert "Removed the rule." in response.content.decode()
    assert not RedactionRule.objects.exists()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("a.b", "A key name may not hold &#x27;.&#x27;"),
        ("$.a[?(@.x<1)]", "at character 4 in `$.a[?(@.x&lt;1)]`"),
        ("$", "`$` alone would mask the whole payload"),
        ("   ", "The rule is empty"),
        ("", "Type a key name or a path."),
        ("<script>alert(1)</script>.x", "A key name may not hold"),
    ],
)
def test_a_bad_rule_is_shown_on_the_form_with_what_was_typed(
    people: dict[str, Any], workspace: Any, typed: str, says: str
) -> None:
    response = client_as(people["admin"]).post(url(workspace), {"action": "add", "pattern": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert says in html
    assert f'name="pattern" id="id_pattern" value="{escape(typed)}"' in html
    assert "<script>alert" not in html
    assert not RedactionRule.objects.exists()


def test_a_duplicate_rule_is_refused(people: dict[str, Any], workspace: Any) -> None:
    redaction_rule_add(workspace=workspace, pattern="password", actor=people["admin"])
    response = client_as(people["admin"]).post(
        url(workspace), {"action": "add", "pattern": "password"}
    )
    assert response.status_code == 400
    assert "already has the rule `password`" in response.content.decode()


def test_another_workspaces_rule_cannot_be_removed(
    people: dict[str, Any], workspace: Any, elsewhere: Any
) -> None:
    theirs = redaction_rule_add(workspace=elsewhere, pattern="secret", actor=people["outsider"])
    client = client_as(people["admin"])
    for rule in (str(theirs.pk), "nope", ""):
        response = client.post(url(workspace), {"action": "remove", "rule": rule})
        assert response.status_code == 400
    assert RedactionRule.objects.filter(pk=theirs.pk).exists()


def test_the_at_import_checkbox(people: dict[str, Any], workspace: Any) -> None:
    client = client_as(people["admin"])
    html = client.get(url(workspace)).content.decode()
    assert 'name="redact_at_import"' in html and "checked" not in html
    response = client.post(url(workspace), {"action": "at_import", "redact_at_import": "on"})
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.redact_at_import is True
    assert "checked" in client.get(url(workspace)).content.decode()
    client.post(url(workspace), {"action": "at_import"})  # unticked: the box is not sent
    workspace.refresh_from_db()
    assert workspace.redact_at_import is False


def test_viewers_and_debuggers_cannot_change_rules(people: dict[str, Any], workspace: Any) -> None:
    for who in ("viewer", "debugger"):
        response = client_as(people[who]).post(url(workspace), {"action": "add", "pattern": "x"})
        assert response.status_code == 403
        response = client_as(people[who]).post(
            url(workspace), {"action": "at_import", "redact_at_import": "on"}
        )
        assert response.status_code == 403
    response = client_as(people["outsider"]).post(url(workspace), {"action": "add", "pattern": "x"})
    assert response.status_code == 404
    workspace.refresh_from_db()
    assert not RedactionRule.objects.exists() and not workspace.redact_at_import


def test_a_rule_added_here_masks_payloads_at_once_and_removing_it_stops(
    people: dict[str, Any], workspace: Any
) -> None:
    from apps.accounts.redactors import workspace_redactor
    from stepscope.history.redaction import MASK

    client = client_as(people["admin"])
    client.post(url(workspace), {"action": "add", "pattern": "(?i)cardnumber"})
    payload = '{"order": {"CardNumber": "4111-1111-1111-1111"}}'
    masked = workspace_redactor(workspace_id=workspace.pk).redact_json_text(payload)
    assert "4111" not in masked and MASK in masked
    rule = RedactionRule.objects.get(workspace=workspace)
    client.post(url(workspace), {"action": "remove", "rule": str(rule.pk)})
    assert workspace_redactor(workspace_id=workspace.pk).redact_json_text(payload) == payload
