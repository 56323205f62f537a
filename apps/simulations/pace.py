"""Pace: how the virtual clock relates to the real one.

- "instant": the virtual clock jumps to each deadline (a Wait of a year ends at once). While a
  task waits for a callback, its deadlines (HeartbeatSeconds, TimeoutSeconds) count in real
  seconds, so a person has time to answer.
- "real": the virtual clock is the real one.
- a scale factor ("60"): the virtual clock runs that many times faster than the real one, from
  the simulation's start (a Wait of a minute takes a second).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

INSTANT = "instant"
REAL = "real"
MAX_SCALE = 1_000_000.0


class PaceError(ValueError):
    """The pace is neither instant, real, nor a positive scale factor."""


def pace_parse(text: str) -> str:
    """The stored form of a pace: "instant", "real", or a scale such as "60" or "0.5"."""
    cleaned = str(text).strip().lower().removesuffix("x")
    if cleaned in (INSTANT, REAL):
        return cleaned
    try:
        scale = float(cleaned)
    except ValueError:
        raise PaceError(
            f"pace {text!r}: give instant, real, or a scale factor such as 60"
        ) from None
    if not math.isfinite(scale) or scale <= 0 or scale > MAX_SCALE:
        raise PaceError(f"pace {text!r}: a scale factor is a number above 0, at most {MAX_SCALE:g}")
    return REAL if scale == 1 else f"{scale:g}"


def pace_scale(pace: str) -> float | None:
    """How many virtual seconds pass per real second; None for instant."""
    if pace == INSTANT:
        return None
    return 1.0 if pace == REAL else float(pace)


def virtual_now(*, origin_real: datetime, origin_virtual: datetime, scale: float) -> datetime:
    """The virtual time now, for a clock started at `origin_virtual` when it was `origin_real`."""
    elapsed = datetime.now(origin_real.tzinfo) - origin_real
    return origin_virtual + elapsed * scale


def real_time_of(
    moment: datetime, *, origin_real: datetime, origin_virtual: datetime, scale: float
) -> datetime:
    """When (real time) the virtual clock reaches `moment`."""
    return origin_real + (moment - origin_virtual) / scale


def seconds_until(moment: datetime) -> float:
    """Real seconds from now to `moment` (0 if it has passed)."""
    return max(0.0, (moment - datetime.now(moment.tzinfo)) / timedelta(seconds=1))
