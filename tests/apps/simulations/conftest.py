"""Simulations run their tasks in-process here (eager), whatever REDIS_URL says, so a test sees
the whole run (the worker tests switch that off for their real workers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def eager_tasks(steps_in_process: None) -> Iterator[None]:
    yield
