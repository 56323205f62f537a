"""Sign-in throttling with django-axes: the backend, the attempts handler and the lockout page.

Failures are counted per username (from any address) and per address (for any username); when
either count reaches STEPSCOPE_SIGNIN_FAILURES within the cool-off, sign-in is refused, right
password or not, until the failures are older than the cool-off.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


class SignInThrottleBackend(AxesStandaloneBackend):
    """Axes' standalone backend for sign-ins that come with a request (the sign-in page).

    authenticate() called from code with no request (management commands, tests, shells) has no
    address to count and is no network sign-in: it is left to the next backend instead of being
    refused with an error, as axes itself does.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class SignInAttempts(AxesDatabaseHandler):
    """Axes' database handler, with a narrower reset on success.

    A successful sign-in forgets that username's failures only. Axes' own reset
    (AXES_RESET_ON_SUCCESS) also deletes every failure from the same address, whatever the
    username, so anyone with an account could sign in between guesses to wipe the count of the
    address they guess from, and of the usernames they guess at from it.
    """

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username()).delete()


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The branded page for a refused sign-in (429). It needs nothing from the credentials, which
    axes does not always pass."""
    minutes = settings.STEPSCOPE_SIGNIN_LOCKOUT_MINUTES
    context = {
        "failure_limit": settings.STEPSCOPE_SIGNIN_FAILURES,
        "minutes": minutes,
    }
    response = TemplateResponse(
        request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(minutes * 60)
    return response.render()
