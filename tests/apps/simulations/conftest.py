"""Simulations run their tasks in-process here (eager), whatever REDIS_URL says, so a test sees
the whole run; steps due later wait on the embedded timers, cancelled after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.simulations import embedded
from config.celery import app as celery_app


@pytest.fixture(autouse=True)
def eager_tasks() -> Iterator[None]:
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
    embedded.cancel_all()
