"""Shows the conformance runner's summary line in pytest's terminal summary, and offers small
helpers for engine tests."""

from __future__ import annotations

from typing import Any

import pytest

CONFORMANCE_SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in CONFORMANCE_SUMMARY:
        terminalreporter.write_line(f"conformance corpus: {line}")


@pytest.fixture
def conformance_summary() -> list[str]:
    return CONFORMANCE_SUMMARY
