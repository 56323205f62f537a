from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model

from apps.accounts.services import first_admin_ensure

pytestmark = pytest.mark.django_db


def test_first_admin_gets_a_generated_one_time_password():
    admin = first_admin_ensure()
    assert admin is not None and admin.username == "admin"
    assert admin.password and len(admin.password) >= 12
    user = authenticate(username="admin", password=admin.password)
    assert user is not None and user.is_superuser


def test_no_admin_is_created_when_a_user_exists(user):
    assert first_admin_ensure() is None
    assert get_user_model().objects.count() == 1


def test_given_credentials_are_used_and_not_echoed():
    admin = first_admin_ensure(username="ops", password="a-long-pass-phrase", email="o@x.io")
    assert admin is not None and admin.password is None
    assert authenticate(username="ops", password="a-long-pass-phrase") is not None
