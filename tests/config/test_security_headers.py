"""The Content-Security-Policy header, Secure cookies over https, HSTS, and plain http still working
with debug off (static files, sign-in with the CSRF cookie, /healthz)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from config.security_headers import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-pass-word"  # the `user` fixture's


@pytest.fixture(autouse=True)
def debug_off(settings: Any) -> None:
    settings.DEBUG = False


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/healthz", "/no-such-page/", "/static/js/page.js", "/"]
)
def test_every_response_has_the_policy(client: Client, url: str) -> None:
    response = client.get(url)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_policy_allows_no_inline_script() -> None:
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in " ".join(policy["script-src"] + policy["default-src"])
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "ws:" in policy["connect-src"] and "wss:" in policy["connect-src"]


def test_no_template_has_inline_script() -> None:
    """What the policy would block: script elements without src, event handler attributes and
    javascript: URLs (json_script's application/json elements are data, not script)."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.name}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=|javascript:", text, flags=re.IGNORECASE):
            offenders.append(f"{path.name}: {match.group(0).strip()}")
    for path in sorted((ROOT / "static").rglob("*.js")):
        if "javascript:" in path.read_text():
            offenders.append(f"{path.name}: javascript: URL")
    assert offenders == []


def test_cookies_are_secure_on_https_only_under_auto(
    client: Client, user: Any, settings: Any
) -> None:
    settings.STEPSCOPE_SECURE_COOKIES_AUTO = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False

    plain = Client()
    plain.get("/accounts/login/")
    assert not plain.cookies["csrftoken"]["secure"]
    plain.post("/accounts/login/", {"username": "oncall", "password": PASSWORD})
    assert plain.cookies["sessionid"].value
    assert not plain.cookies["sessionid"]["secure"]

    tls = Client()
    tls.get("/accounts/login/", secure=True)
    assert tls.cookies["csrftoken"]["secure"] is True
    response = tls.post(
        "/accounts/login/", {"username": "oncall", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True


def test_cookies_always_secure(user: Any, settings: Any) -> None:
    settings.STEPSCOPE_SECURE_COOKIES_AUTO = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    response = client.get("/accounts/login/")
    assert response.cookies["csrftoken"]["secure"] is True


def test_cookies_never_secure(user: Any, settings: Any) -> None:
    settings.STEPSCOPE_SECURE_COOKIES_AUTO = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    response = Client().get("/accounts/login/", secure=True)
    assert not response.cookies["csrftoken"]["secure"]


def test_hsts_on_https_only(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    assert client.get("/healthz", secure=True)["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/healthz")


def test_the_proxy_header_makes_a_request_secure(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.STEPSCOPE_SECURE_COOKIES_AUTO = True
    settings.SECURE_HSTS_SECONDS = 60
    response = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response["Strict-Transport-Security"] == "max-age=60"
    assert response.cookies["csrftoken"]["secure"] is True


def test_plain_http_works_with_debug_off(user: Any) -> None:
    """As `make run` serves it on http://127.0.0.1, for browsers and scripts alike."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/healthz").status_code == 200
    static = client.get("/static/js/page.js")
    assert static.status_code == 200
    assert b"data-navigate" in b"".join(static.streaming_content)
    assert client.get("/static/css/stepscope.css").status_code == 200

    login = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.content.decode())
    assert token
    response = client.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token.group(1), "username": "oncall", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
