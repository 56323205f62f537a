"""/workspaces/ and /workspaces/<name>/, and who may open each workspace page: anonymous users
are sent to sign in, outsiders get 404 (the workspace's existence does not leak), members
whose role is too low get 403."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.services import redaction_rule_add
from apps.executions.models import Execution
from tests.apps.accounts.conftest import client_as

pytestmark = pytest.mark.django_db

WHO = ("anonymous", "outsider", "viewer", "debugger", "admin", "superuser")
# What each page answers a GET with, for each of WHO.
EXPECTED = {
    "detail": (302, 404, 200, 200, 200, 200),
    "members": (302, 404, 403, 403, 200, 200),
    "redaction": (302, 404, 403, 403, 200, 200),
    "audit": (302, 404, 403, 403, 200, 200),
}
# A POST (with no action): 400 is a refusal by the page itself, after the access rule let it in.
EXPECTED_POST = {
    "detail": (302, 404, 403, 405, 405, 405),
    "members": (302, 404, 403, 403, 400, 400),
    "redaction": (302, 404, 403, 403, 400, 400),
    "audit": (302, 404, 403, 403, 405, 405),
}


def as_(people: dict[str, Any], who: str) -> Any:
    return client_as(people.get(who))


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_each_page_answers_each_role(people: dict[str, Any], workspace: Any, page: str) -> None:
    url = reverse(f"accounts:{page}", args=[workspace.name])
    got = tuple(as_(people, who).get(url).status_code for who in WHO)
    assert got == EXPECTED[page]
    posted = tuple(as_(people, who).post(url).status_code for who in WHO)
    assert posted == EXPECTED_POST[page]


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_an_unknown_workspace_is_404_even_for_a_superuser(
    people: dict[str, Any], page: str
) -> None:
    url = reverse(f"accounts:{page}", args=["no-such-workspace"])
    assert as_(people, "superuser").get(url).status_code == 404
    assert as_(people, "admin").get(url).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(people: dict[str, Any]) -> None:
    response = client_as(None).get(reverse("accounts:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_each_workspace_with_the_users_role(
    people: dict[str, Any], workspace: Any, elsewhere: Any
) -> None:
    html = as_(people, "debugger").get(reverse("accounts:list")).content.decode()
    assert reverse("accounts:detail", args=["team"]) in html
    assert "debugger" in html
    assert "elsewhere" not in html
    outsider = as_(people, "outsider").get(reverse("accounts:list")).content.decode()
    assert "elsewhere" in outsider and reverse("accounts:detail", args=["team"]) not in outsider
    root = as_(people, "superuser").get(reverse("accounts:list")).content.decode()
    assert "elsewhere" in root and "team" in root and "superuser (not a member)" in root


def test_a_user_in_no_workspace_is_told_what_to_do(django_user_model: Any) -> None:
    lonely = django_user_model.objects.create_user("lonely", password="x-long-password")
    html = client_as(lonely).get(reverse("accounts:list")).content.decode()
    assert "You are not a member of any workspace yet" in html


def test_the_workspace_page_shows_members_counts_and_admin_links(
    people: dict[str, Any], workspace: Any, elsewhere: Any
) -> None:
    Execution.objects.create(workspace=workspace, name="run-1", fingerprint="a", status="FAILED")
    Execution.objects.create(workspace=elsewhere, name="run-2", fingerprint="b", status="FAILED")
    redaction_rule_add(workspace=workspace, pattern="cardNumber", actor=people["admin"])
    url = reverse("accounts:detail", args=[workspace.name])
    viewer = as_(people, "viewer").get(url).content.decode()
    for name, role in (("viewer", Role.VIEWER), ("debugger", Role.DEBUGGER), ("admin", "admin")):
        assert f"<tr><td>{name}</td><td>{role}</td></tr>" in viewer
    assert "outsider" not in viewer
    assert '<dt>Executions</dt><dd><a href="/executions/?workspace=team">1</a>' in viewer
    assert "Redaction rules</dt><dd>1" in viewer
    assert reverse("accounts:members", args=["team"]) not in viewer
    assert reverse("accounts:audit", args=["team"]) not in viewer
    admin = as_(people, "admin").get(url).content.decode()
    for page in ("members", "redaction", "audit"):
        assert reverse(f"accounts:{page}", args=["team"]) in admin


def test_the_navigation_links_to_the_workspaces(people: dict[str, Any]) -> None:
    html = as_(people, "viewer").get(reverse("accounts:list")).content.decode()
    assert f'<a href="{reverse("accounts:list")}">Workspaces</a>' in html
