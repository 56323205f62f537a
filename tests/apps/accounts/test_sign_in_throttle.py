"""Failed sign-ins are throttled per username and per address (django-axes, config/signin.py), and
the password can be changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import AsyncClient, Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "s3cret-pass-word"  # the `user` fixture's


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def fail(client: Client, times: int, username: str = "oncall", address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong-password", address)
        # The sign-in page again with its error, or the lockout page from the limit on.
        assert response.status_code in (200, 429)
        assert signed_in_as(client) is None


def assert_refused(response: Any) -> None:
    assert response.status_code == 429
    page = response.content.decode()
    assert "<html" in page and "Stepscope" in page  # the branded page, not bare text
    assert "refused for 15 minutes" in page
    assert "even with the right password" in page
    assert response["Retry-After"] == "900"


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    """Every attempt hashes a password; the default hasher makes a hundred attempts slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_right_password_after_nine_failures_signs_in(client: Client, user: Any) -> None:
    for _ in range(9):
        response = sign_in(client, "oncall", "wrong-password")
        assert response.status_code == 200
        assert "do not match" in response.content.decode()
    response = sign_in(client, "oncall", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == str(user.pk)


def test_ten_failures_refuse_the_right_password(client: Client, user: Any) -> None:
    fail(client, 9)
    assert_refused(sign_in(client, "oncall", "wrong-password"))  # the tenth failure says so
    assert_refused(sign_in(client, "oncall", PASSWORD))
    assert signed_in_as(client) is None


def test_the_username_is_locked_from_any_address(client: Client, user: Any) -> None:
    for n in range(10):
        fail(client, 1, address=f"10.0.1.{n}")
    assert_refused(sign_in(client, "oncall", PASSWORD, address="192.0.2.7"))


def test_the_address_is_locked_for_any_username(
    client: Client, user: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_user(username="dev", password="another-pass-word")
    for n in range(10):
        fail(client, 1, username=f"guess-{n}", address="10.0.0.9")
    assert_refused(sign_in(client, "dev", "another-pass-word", address="10.0.0.9"))
    assert signed_in_as(client) is None
    # The same user from another address is not refused.
    assert sign_in(client, "dev", "another-pass-word", address="10.0.0.10").status_code == 302


def test_refused_attempts_do_not_extend_the_lockout(client: Client, user: Any) -> None:
    fail(client, 10)
    locked_at = AccessAttempt.objects.get(username="oncall").attempt_time
    for _ in range(3):
        assert_refused(sign_in(client, "oncall", "wrong-password"))
    attempt = AccessAttempt.objects.get(username="oncall")
    assert attempt.failures_since_start == 10
    assert attempt.attempt_time == locked_at


def test_after_the_cool_off_the_right_password_works(client: Client, user: Any) -> None:
    fail(client, 10)
    assert_refused(sign_in(client, "oncall", PASSWORD))
    # Fourteen minutes on, still refused; sixteen minutes on, the failures have expired.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert_refused(sign_in(client, "oncall", PASSWORD))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "oncall", PASSWORD).status_code == 302
    assert signed_in_as(client) == str(user.pk)


def test_an_administrator_can_lift_a_lockout(client: Client, user: Any) -> None:
    fail(client, 10)
    reset(username="oncall")  # what `manage.py axes_reset_username oncall` does
    assert sign_in(client, "oncall", PASSWORD).status_code == 302


def test_a_sign_in_forgets_that_usernames_failures_only(
    client: Client, user: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_user(username="mallory", password="mallory-pass-word")
    fail(client, 9, username="oncall", address="10.0.0.5")
    fail(client, 5, username="dev", address="10.0.0.6")
    assert sign_in(client, "oncall", PASSWORD, address="10.0.0.5").status_code == 302
    assert not AccessAttempt.objects.filter(username="oncall").exists()
    assert AccessAttempt.objects.get(username="dev").failures_since_start == 5

    # Someone guessing at "dev" from one address cannot wipe the count by signing in to their own
    # account from there between guesses.
    attacker = Client()
    fail(attacker, 4, username="dev", address="10.0.0.6")  # 9 for "dev" and for the address
    assert sign_in(attacker, "mallory", "mallory-pass-word", "10.0.0.6").status_code == 302
    assert AccessAttempt.objects.get(username="dev").failures_since_start == 9
    fail(Client(), 1, username="dev", address="10.0.0.6")  # the tenth
    assert_refused(sign_in(Client(), "dev", "whatever", address="198.51.100.1"))


def test_the_lockout_page_under_asgi(user: Any) -> None:
    """daphne runs the middleware asynchronously, where axes calls the lockout page differently."""
    client = AsyncClient()

    async def attempts() -> list[Any]:
        responses = []
        for password in ["wrong-password"] * 10 + [PASSWORD]:
            responses.append(await client.post(LOGIN, {"username": "oncall", "password": password}))
        return responses

    responses = async_to_sync(attempts)()
    assert [r.status_code for r in responses[:9]] == [200] * 9
    assert_refused(responses[9])
    assert_refused(responses[10])


def test_authenticate_without_a_request_still_works(user: Any) -> None:
    """Management commands and shells call authenticate() with no request: nothing to count."""
    from django.contrib.auth import authenticate

    assert authenticate(username="oncall", password=PASSWORD) == user
    assert authenticate(username="oncall", password="wrong-password") is None


def test_force_login_still_works(signed_in: Client) -> None:
    response = signed_in.get("/accounts/password/")
    assert response.status_code == 200


def test_the_navigation_links_to_the_password_page(signed_in: Client) -> None:
    page = signed_in.get("/accounts/password/").content.decode()
    assert 'href="/accounts/password/"' in page
    assert "Sign out" in page


def test_the_password_page_needs_a_sign_in(client: Client) -> None:
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_changing_the_password_needs_the_old_one(signed_in: Client, user: Any) -> None:
    new = "a-brand-new-pass-phrase"
    response = signed_in.post(
        "/accounts/password/",
        {"old_password": "not-my-password", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    response = signed_in.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    user.refresh_from_db()
    assert user.check_password(new)
    # Still signed in here, on the done page.
    done = signed_in.get("/accounts/password/done/")
    assert done.status_code == 200
    assert "Password changed" in done.content.decode()

    fresh = Client()
    assert sign_in(fresh, "oncall", PASSWORD).status_code == 200  # the old one no longer works
    assert sign_in(fresh, "oncall", new).status_code == 302


def test_the_new_password_is_checked(signed_in: Client, user: Any) -> None:
    response = signed_in.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
