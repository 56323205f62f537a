"""Shared fixtures: users and signed-in clients."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="oncall", password="s3cret-pass-word")


@pytest.fixture
def signed_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client
