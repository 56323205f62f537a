"""Shows the validation corpus runner's summary line in pytest's terminal summary."""

from __future__ import annotations

from typing import Any

import pytest

CORPUS_SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in CORPUS_SUMMARY:
        terminalreporter.write_line(f"validation corpus: {line}")


@pytest.fixture
def corpus_summary() -> list[str]:
    return CORPUS_SUMMARY
