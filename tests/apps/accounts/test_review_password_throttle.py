"""The password change page is no way around the sign-in throttle: its "old password" is checked
like a sign-in, so wrong guesses count towards the username's and the address's limit (someone
holding a stolen session cannot guess the password there without limit), and a locked username
cannot change its password either."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGE = "/accounts/password/"
PASSWORD = "s3cret-pass-word"  # the `user` fixture's
NEW = "a-brand-new-pass-phrase"


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def change(client: Client, old: str, address: str = "10.0.0.9") -> Any:
    data = {"old_password": old, "new_password1": NEW, "new_password2": NEW}
    return client.post(PAGE, data, REMOTE_ADDR=address)


def test_wrong_old_passwords_lock_the_page_like_sign_ins(signed_in: Client, user: Any) -> None:
    for _ in range(9):
        response = change(signed_in, "a-guess")
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    assert change(signed_in, "a-guess").status_code == 429  # the tenth failure
    response = change(signed_in, PASSWORD)  # the right one is refused now
    assert response.status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_guesses_count_for_the_sign_in_page_too(signed_in: Client, user: Any) -> None:
    for _ in range(10):
        change(signed_in, "a-guess")
    response = Client().post(
        "/accounts/login/", {"username": "oncall", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 429


def test_the_right_old_password_still_changes_it(signed_in: Client, user: Any) -> None:
    for _ in range(3):
        change(signed_in, "a-guess")
    response = change(signed_in, PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
