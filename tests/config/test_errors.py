"""Branded error pages: they say what happened, link home, and never show Django's debug pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.http import Http404
from django.test import Client, RequestFactory

from config.errors import page_not_found, server_error, size_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug_off(settings: Any) -> None:
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.config.error_urls"


def links_home(page: str) -> bool:
    return bool(re.search(r'<a href="/">', page))


@pytest.mark.parametrize("signed", [False, True])
def test_an_unknown_url_gives_the_branded_404(client: Client, user: Any, signed: bool) -> None:
    if signed:
        client.force_login(user)
    response = client.get("/no-such-<page>/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found (404)" in page
    assert "There is no page at <code>/no-such-&lt;page&gt;/</code>" in page
    assert links_home(page)
    # Not Django's list of URL patterns.
    assert "URLconf" not in page and "test-errors/boom" not in page and "healthz" not in page
    assert ("Sign out" in page) is signed


def test_a_404_says_what_was_not_found(rf: RequestFactory) -> None:
    request = rf.get("/executions/12345/")
    request.user = _anonymous()
    response = page_not_found(request, Http404("No such execution."))
    assert response.status_code == 404
    assert "No such execution." in response.content.decode()


def test_a_403_says_why(client: Client) -> None:
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed (403)" in page
    assert "This needs the admin role in this workspace." in page
    assert links_home(page)


def test_a_400(client: Client) -> None:
    response = client.get("/test-errors/suspicious/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bad request (400)" in page and "nothing was done or stored" in page
    assert "something odd" not in page
    assert links_home(page)


def test_the_500_page(client: Client) -> None:
    client.raise_request_exception = False
    response = client.get("/test-errors/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Server error (500)" in page
    assert links_home(page)
    assert "a bug in a view" not in page and "Traceback" not in page
    assert "Content-Security-Policy" in response


@pytest.mark.django_db(databases=[])
def test_the_500_page_needs_no_database_and_no_request_context(rf: RequestFactory) -> None:
    # No database here (any query would fail the test) and no user on the request.
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Server error (500)" in response.content.decode()


def test_an_oversized_form_post_gives_413(client: Client, user: Any, settings: Any) -> None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(
        "/accounts/login/", {"username": "oncall", "password": "x" * (limit + 1)}
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Too large (413)" in page
    assert f"larger than the {size_text(limit)} a form may carry" in page
    assert "nothing was stored" in page
    assert links_home(page)
    assert client.session.get("_auth_user_id") is None


def test_413_also_when_csrf_checks_read_the_form_first(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": "u", "password": "p" * (3 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert "larger than the 3 MB a form may carry" in response.content.decode()


def test_a_multipart_post_with_a_large_field_gives_413(client: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = client.post("/accounts/login/", {"username": "u", "password": "p" * 4096})
    assert response.status_code == 413
    assert "larger than the 2 KB a form may carry" in response.content.decode()


def test_the_csrf_failure_page_is_branded() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "u", "password": "p"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form could not be checked (403)" in page
    assert "reload the page" in page
    assert links_home(page)


def test_size_text() -> None:
    assert size_text(4 * 1024 * 1024) == "4 MB"
    assert size_text(1536 * 1024) == "1.5 MB"
    assert size_text(2048) == "2 KB"
    assert size_text(100) == "100 bytes"


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
