"""A URLconf for tests/config: the real one plus views that fail, with the real error handlers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


@login_not_required
def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("This needs the admin role in this workspace.")


@login_not_required
def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("something odd about this request")


urlpatterns = [
    *urlpatterns,
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
]
