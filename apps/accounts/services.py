"""Writes for accounts: the first administrator."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    password: str | None  # the generated one-time password; None when the caller supplied one


@transaction.atomic
def first_admin_ensure(
    *, username: str = "", password: str = "", email: str = ""
) -> FirstAdmin | None:
    """Create an administrator when no user exists yet; return None when there already is one.

    Without a password, a random one is generated and returned so it can be shown once.
    """
    user_model = get_user_model()
    if user_model.objects.exists():
        return None
    username = username or "admin"
    generated = None if password else secrets.token_urlsafe(12)
    user_model.objects.create_superuser(
        username=username, email=email or "", password=password or generated
    )
    return FirstAdmin(username=username, password=generated)
