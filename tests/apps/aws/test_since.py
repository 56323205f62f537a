from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.aws.since import since_moment

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "ago"),
    [
        ("24h", timedelta(hours=24)),
        ("30m", timedelta(minutes=30)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("90s", timedelta(seconds=90)),
        (" 1H ", timedelta(hours=1)),
    ],
)
def test_windows(text, ago):
    assert since_moment(text, now=NOW) == NOW - ago


def test_dates():
    assert since_moment("2024-05-01", now=NOW) == datetime(2024, 5, 1, tzinfo=UTC)
    assert since_moment("2024-05-01T08:00:00Z") == datetime(2024, 5, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize("text", ["yesterday", "24", "h", "-1h", ""])
def test_other_text_is_refused(text):
    with pytest.raises(ValueError, match="neither a window such as 30m, 24h, 7d or 2w"):
        since_moment(text, now=NOW)
