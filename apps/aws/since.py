"""Read a --since window: "24h", "30m", "7d", "2w", "90s", or an ISO-8601 moment."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_WINDOW = re.compile(r"^\s*(\d{1,6})\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def since_moment(text: str, *, now: datetime | None = None) -> datetime:
    """The moment `text` names; raises ValueError saying what is accepted."""
    match = _WINDOW.match(text)
    if match:
        amount, unit = int(match.group(1)), _UNITS[match.group(2).lower()]
        return (now or datetime.now(UTC)) - timedelta(**{unit: amount})
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"--since {text!r} is neither a window such as 30m, 24h, 7d or 2w, "
            "nor an ISO-8601 date such as 2024-06-01 or 2024-06-01T08:00:00Z"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
