"""Branded error pages (config/urls.py names them as Django's handlers).

Each says what happened and links home. The 500 page is rendered with no request context and no
database: whatever broke the request may break those too.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)


def _message(exception: Exception | None) -> str:
    """The exception's own message when it was written for people (Http404("No such execution.")),
    never the resolver's list of URL patterns."""
    if exception is None or isinstance(exception, Resolver404):
        return ""
    message = exception.args[0] if exception.args else ""
    return message if isinstance(message, str) else ""


def size_text(size: int) -> str:
    """A byte count for people: 4194304 -> "4 MB", 1572864 -> "1.5 MB", 2048 -> "2 KB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        context = {"limit": size_text(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
        return render(request, "413.html", context, status=413)
    return render(request, "400.html", {"message": ""}, status=400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": _message(exception)}, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {"message": _message(exception), "request_path": request.path}
    return render(request, "404.html", context, status=404)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # the page must not fail in turn; say it plainly instead
        log.exception("the 500 page could not be rendered")
        body = "<h1>Server error (500)</h1><p>Something went wrong on our side.</p>"
    return HttpResponseServerError(body)
