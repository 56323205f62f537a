"""The one rule that decides who may see or change what.

Every object belongs to a workspace. A user sees an object when they are a member of its workspace
(any role) or a superuser; they change it when their role there is high enough. Another
workspace's object answers 404, exactly like one that does not exist, so not even its existence
leaks; an object the user can see but not change answers 403.

Views declare their rule with one of the decorators below, which also record it on the view
(`access_rule`) so that the URL x role test can check that every URL is covered:

- `public`: served to anyone (only /healthz and the sign-in page);
- `signed_in`: pages about the user's own account, or lists that show only what
  `visible(...)` lets through; `role` (optional) is needed in at least one workspace;
- `object_view(Model, path=...)`: a page about one object, found from a URL argument; the
  object's workspace is reached by `path` ("workspace", "execution__workspace", ...), or
  `path=""` when the object is the workspace itself. Reads (GET, HEAD) need `read`, anything
  else `write`.

Websockets, selectors and services ask the same functions (`role_in`, `visible`,
`object_access`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from apps.accounts.models import ROLE_RANK, Membership, Role, Workspace

View = Callable[..., HttpResponse]
M = TypeVar("M", bound=models.Model)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Access = Literal["allowed", "signed_out", "forbidden", "missing"]
Refusal = Callable[[HttpRequest, Access, str], HttpResponse]


def _rank(role: str | None) -> int:
    return ROLE_RANK.get(role, 0) if role else 0  # type: ignore[call-overload]


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_in(user: Any, workspace: Workspace | int | None) -> Role | None:
    """The user's role in the workspace (superusers are admins everywhere), or None."""
    if not _active(user) or workspace is None:
        return None
    if user.is_superuser:
        return Role.ADMIN
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    role = (
        Membership.objects.filter(user=user, workspace_id=workspace_id)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def allows(role: str | None, needed: str) -> bool:
    return _rank(role) >= _rank(needed)


def workspaces(user: Any, role: str = Role.VIEWER) -> QuerySet[Workspace]:
    """The workspaces where the user has at least `role`."""
    if not _active(user):
        return Workspace.objects.none()
    if user.is_superuser:
        return Workspace.objects.all()
    roles = [name for name, rank in ROLE_RANK.items() if rank >= _rank(role)]
    return Workspace.objects.filter(memberships__user=user, memberships__role__in=roles)


def visible(queryset: QuerySet[M], user: Any, *, path: str = "workspace") -> QuerySet[M]:
    """The part of `queryset` the user may see (`path=""`: a queryset of workspaces)."""
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{path or 'pk'}__in": workspaces(user)})


def _workspace_id_of(model: type[models.Model], path: str, lookup: dict[str, Any]) -> int | None:
    """The id of the workspace of the object `lookup` finds (`path=""`: it is the workspace)."""
    column = f"{path}_id" if path else "pk"
    try:
        return model._default_manager.filter(**lookup).values_list(column, flat=True).first()
    except (ValueError, TypeError):  # a lookup value of the wrong type: nothing has it
        return None


def _object_role(
    user: Any, model: type[models.Model], path: str, needed: str, lookup: dict[str, Any]
) -> tuple[Access, int | None, Role | None]:
    if user is None or not user.is_authenticated:
        return "signed_out", None, None
    if not user.is_active:
        return "forbidden", None, None
    workspace_id = _workspace_id_of(model, path, lookup)
    role = role_in(user, workspace_id)
    if role is None:
        return "missing", None, None
    return ("allowed" if allows(role, needed) else "forbidden"), workspace_id, role


def object_access(
    user: Any, model: type[models.Model], *, path: str, needed: str, **lookup: Any
) -> tuple[Access, int | None]:
    """May the user act with role `needed` on the object? With its workspace id when visible."""
    access, workspace_id, _ = _object_role(user, model, path, needed, lookup)
    return access, workspace_id


@dataclass(frozen=True)
class AccessRule:
    kind: Literal["public", "signed_in", "object"]
    read: str | None = None
    write: str | None = None
    model: type[models.Model] | None = None
    kwarg: str = ""
    field: str = "pk"
    path: str = "workspace"

    def needed(self, method: str) -> str | None:
        return self.read if method in SAFE_METHODS else self.write


def _mark(view: Any, rule: AccessRule) -> Any:
    view.access_rule = rule
    return view


def public(view: View) -> View:
    """Served to anyone, signed in or not."""
    return _mark(login_not_required(view), AccessRule(kind="public"))


def signed_in(*, read: str | None = None, write: str | None = None) -> Callable[[View], View]:
    """Any signed-in user; with `read`/`write`, one who has that role in some workspace."""

    def decorate(view: View) -> View:
        rule = AccessRule(kind="signed_in", read=read, write=write)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            needed = rule.needed(request.method or "GET")
            if needed and not workspaces(request.user, needed).exists():
                raise PermissionDenied(f"This needs the {needed} role in a workspace.")
            return view(request, *args, **kwargs)

        return _mark(wrapper, rule)

    return decorate


def object_view(
    model: type[models.Model],
    *,
    kwarg: str = "pk",
    field: str = "pk",
    path: str = "workspace",
    read: str = Role.VIEWER,
    write: str = Role.DEBUGGER,
    refuse: Refusal | None = None,
) -> Callable[[View], View]:
    """A view of the object whose `field` is the URL's `kwarg`, in a workspace the user has
    `read` (safe methods) or `write` (others) in. Sets request.workspace_id and request.role.

    A refusal is a redirect to sign in, a 404 or a 403; `refuse(request, access, needed)` may
    answer instead (a JSON endpoint's own error shape)."""

    def decorate(view: View) -> View:
        rule = AccessRule(
            kind="object", read=read, write=write, model=model, kwarg=kwarg, field=field, path=path
        )

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            needed = rule.needed(request.method or "GET") or Role.VIEWER
            access, workspace_id, role = _object_role(
                request.user, model, path, needed, {field: kwargs[kwarg]}
            )
            if access != "allowed":
                if refuse is not None:
                    return refuse(request, access, needed)
                if access == "signed_out":
                    return redirect_to_login(request.get_full_path())
                if access == "missing":
                    raise Http404("No such object.")
                raise PermissionDenied(f"This needs the {needed} role in this workspace.")
            request.workspace_id = workspace_id  # type: ignore[attr-defined]
            request.role = role  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return _mark(wrapper, rule)

    return decorate
