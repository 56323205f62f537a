"""/workspaces/<name>/members/: an admin adds members, changes roles and removes members; the
last admin stays (unless a superuser acts); what was typed is kept when refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from apps.accounts.models import Membership
from apps.accounts.scoping import role_in
from tests.apps.accounts.conftest import client_as

pytestmark = pytest.mark.django_db


def url(workspace: Any) -> str:
    return reverse("accounts:members", args=[workspace.name])


def post(user: Any, workspace: Any, **data: str) -> Any:
    return client_as(user).post(url(workspace), data, follow=True)


def test_the_page_lists_members_admins_first_with_their_forms(
    people: dict[str, Any], workspace: Any
) -> None:
    html = client_as(people["admin"]).get(url(workspace)).content.decode()
    assert html.index(">admin</td>") < html.index(">debugger</td>") < html.index(">viewer</td>")
    assert '<select name="role" aria-label="Role of viewer">' in html
    assert html.count('value="remove"') == 3
    assert "outsider" not in html


def test_an_admin_adds_a_member(people: dict[str, Any], workspace: Any) -> None:
    response = post(people["admin"], workspace, action="add", username="outsider", role="viewer")
    assert response.redirect_chain == [(url(workspace), 302)]
    assert "Added outsider as viewer." in response.content.decode()
    assert role_in(people["outsider"], workspace) == "viewer"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"username": "ghost<b>", "role": "viewer"}, "no user &#x27;ghost&lt;b&gt;&#x27;."),
        ({"username": "viewer", "role": "admin"}, "viewer is already a member (viewer)"),
        ({"username": "", "role": "viewer"}, "This field is required."),
        ({"username": "outsider", "role": "owner"}, "Select a valid choice. owner is not one"),
    ],
)
def test_a_refused_add_says_why_and_keeps_what_was_typed(
    people: dict[str, Any], workspace: Any, data: dict[str, str], says: str
) -> None:
    response = client_as(people["admin"]).post(url(workspace), {"action": "add", **data})
    html = response.content.decode()
    assert response.status_code == 400
    assert says in html
    if data["username"]:
        assert f'value="{escape(data["username"])}"' in html
    assert "<b>" not in html.split("<main")[1]
    assert not Membership.objects.filter(user=people["outsider"], workspace=workspace).exists()


def test_an_admin_changes_a_role_and_removes_a_member(
    people: dict[str, Any], workspace: Any
) -> None:
    admin = people["admin"]
    response = post(admin, workspace, action="role", username="viewer", role="debugger")
    assert "viewer is now debugger." in response.content.decode()
    assert role_in(people["viewer"], workspace) == "debugger"
    response = post(admin, workspace, action="remove", username="viewer")
    assert "Removed viewer from team." in response.content.decode()
    assert role_in(people["viewer"], workspace) is None


def test_the_last_admin_cannot_demote_or_remove_themselves(
    people: dict[str, Any], workspace: Any
) -> None:
    admin = people["admin"]
    for data in (
        {"action": "role", "username": "admin", "role": "viewer"},
        {"action": "remove", "username": "admin"},
    ):
        response = client_as(admin).post(url(workspace), data)
        assert response.status_code == 400
        assert (
            "&#x27;admin&#x27; is the only admin of &#x27;team&#x27;: make another member an "
            "admin before" in response.content.decode()
        )
        assert role_in(admin, workspace) == "admin"


def test_an_admin_who_steps_down_goes_to_the_workspace_page(
    people: dict[str, Any], workspace: Any
) -> None:
    admin = people["admin"]
    post(admin, workspace, action="role", username="debugger", role="admin")
    response = client_as(admin).post(
        url(workspace), {"action": "role", "username": "admin", "role": "viewer"}
    )
    assert response["Location"] == reverse("accounts:detail", args=["team"])
    response = client_as(people["debugger"]).post(
        url(workspace), {"action": "remove", "username": "debugger"}
    )
    assert response.status_code == 400  # now the last admin
    post(people["debugger"], workspace, action="role", username="viewer", role="admin")
    response = client_as(people["debugger"]).post(
        url(workspace), {"action": "remove", "username": "debugger"}
    )
    assert response["Location"] == reverse("accounts:list")


def test_a_superuser_may_remove_the_last_admin(people: dict[str, Any], workspace: Any) -> None:
    response = post(people["superuser"], workspace, action="remove", username="admin")
    assert response.status_code == 200
    assert not Membership.objects.filter(workspace=workspace, role="admin").exists()


def test_a_bad_post_is_a_clear_400(people: dict[str, Any], workspace: Any) -> None:
    client = client_as(people["admin"])
    for data, says in (
        ({"action": "explode"}, "Unknown action"),
        ({"action": "remove"}, "Choose a member and a role."),
        ({"action": "remove", "username": "outsider"}, "is not a member of"),
        ({"action": "role", "username": "viewer", "role": "owner"}, "Choose a member"),
    ):
        response = client.post(url(workspace), data)
        assert response.status_code == 400 and says in response.content.decode()


def test_a_debugger_cannot_change_members(people: dict[str, Any], workspace: Any) -> None:
    response = client_as(people["debugger"]).post(
        url(workspace), {"action": "role", "username": "debugger", "role": "admin"}
    )
    assert response.status_code == 403
    assert role_in(people["debugger"], workspace) == "debugger"
