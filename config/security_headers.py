"""Two small middlewares: the Content-Security-Policy header, and Secure cookies on https requests.

The policy allows no inline script (behaviour lives in static/js/), inline styles only (templates
and the drawn SVG set widths and colours in style attributes), fetches and websockets to this
origin, and no framing.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    """Adds the policy to every response that has none of its own."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


class SecureCookiesMiddleware(MiddlewareMixin):
    """With DJANGO_SECURE_COOKIES=auto: the session and CSRF cookies set on a response to an https
    request are marked Secure, so they never travel over plain http later; over http they are not,
    so signing in at http://127.0.0.1 still works."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if settings.STEPSCOPE_SECURE_COOKIES_AUTO and request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response
