"""Reading describe-execution fields: dates in both forms, names inside ARNs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from stepscope.history.description import parse_date, state_machine_name_from_arn


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T12:00:00.123000+00:00", datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)),
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        (
            "2024-05-01T08:00:00-04:00",
            datetime(2024, 5, 1, 8, tzinfo=timezone(timedelta(hours=-4))),
        ),
        ("2024-05-01T12:00:00", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        (1714564800, datetime(2024, 5, 1, 12, tzinfo=UTC)),
        (1714564800.5, datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_dates_iso_with_offset_or_epoch_seconds(value: object, expected: datetime) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", ["yesterday", "", "2024-02-30T00:00:00Z", True, None, [], 1e20, -1e20, "9" * 100]
)
def test_anything_else_is_not_a_date(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        ("arn:aws:states:us-east-1:123456789012:stateMachine:orders", "orders"),
        ("arn:aws:states:us-east-1:123456789012:stateMachine:orders:7", "orders"),
        ("arn:aws:states:us-east-1:123456789012:stateMachine:orders:live", "orders"),
        ("arn:aws:states:us-east-1:123456789012:execution:orders:order-1002", "orders"),
        ("arn:aws-cn:states:cn-north-1:123456789012:express:orders:run:1a2b", "orders"),
        ("arn:aws:lambda:us-east-1:123456789012:function:orders", None),
        ("orders", None),
        (None, None),
        (42, None),
    ],
)
def test_the_machine_name_inside_an_arn(arn: object, name: str | None) -> None:
    assert state_machine_name_from_arn(arn) == name
