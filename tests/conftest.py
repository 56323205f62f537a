"""Shared fixtures: users, signed-in clients, and simulations stepped in-process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def workspace(db: None) -> Any:
    """The team's workspace, where `user` is an admin."""
    from tests.workspaces import team

    return team()


@pytest.fixture
def user(django_user_model: Any, workspace: Any) -> Any:
    from tests.workspaces import member

    created = django_user_model.objects.create_user(username="oncall", password="s3cret-pass-word")
    return member(created, "admin", workspace)


@pytest.fixture
def signed_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


@pytest.fixture
def steps_in_process() -> Iterator[None]:
    """Simulation steps run in this process (eager tasks), whatever REDIS_URL says; steps due
    later wait on the embedded timers, cancelled afterwards."""
    from apps.simulations import embedded
    from config.celery import app as celery_app

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
    embedded.cancel_all()
