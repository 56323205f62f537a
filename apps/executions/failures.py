"""Reads for the failures view: failed executions (FAILED, TIMED_OUT, ABORTED) grouped by state
machine, root-cause state and root-cause error, each group with its count, when it was first and
last seen, and a histogram over the chosen time range.

"Seen" is an execution's `started_at` (indexed, and what the executions list filters on);
executions without one are counted but fall in no histogram bucket.

Two queries whatever the number of groups: one aggregate (count, first and last seen per group)
and one for the histogram (count per group and bucket, bucketed in the database by Trunc*).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Max, Min, QuerySet
from django.db.models.functions import Trunc
from django.urls import reverse

from apps.accounts.scoping import visible
from apps.aws.since import since_moment
from apps.executions.models import Execution

PROBLEM_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
PRESETS = ("24h", "7d", "30d", "all")
DEFAULT_SINCE = "all"
GROUPS_SHOWN = 200
MAX_BUCKETS = 170  # 7 days of hours fit; 30 days are drawn by day
# Bucket sizes, smallest first: the smallest that keeps the range within MAX_BUCKETS is used.
UNITS = ("hour", "day", "week", "month", "year")
GroupKey = tuple[str, str, str]  # state machine, root-cause state, root-cause error


def since_parse(text: str, *, now: datetime) -> datetime | None:
    """The start of the range `?since=` names (None: all time); ValueError says what is wrong."""
    text = (text or "").strip()
    if not text or text.lower() == "all":
        return None
    try:
        moment = since_moment(text, now=now)
    except ValueError:
        raise ValueError(
            f"since={text[:80]!r} is not a time range: use all, a window such as 24h, 7d, 30d, "
            "90m or 2w, or an ISO-8601 date such as 2024-06-01 or 2024-06-01T08:00:00Z."
        ) from None
    except OverflowError:
        raise ValueError(f"since={text[:80]!r} reaches back before the year 1.") from None
    if moment > now:
        raise ValueError(f"since={text[:80]!r} is in the future: nothing can have failed yet.")
    return moment


def _floor(moment: datetime, unit: str) -> datetime:
    moment = moment.astimezone(UTC)
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":  # ISO weeks start on Monday, as TruncWeek's do
        try:
            return day - timedelta(days=day.weekday())
        except OverflowError:  # the first days of the year 1
            return day
    if unit == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _next(start: datetime, unit: str) -> datetime:
    if unit == "hour":
        return start + timedelta(hours=1)
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(weeks=1)
    if unit == "month":
        year, month = divmod(start.month, 12)
        return start.replace(year=start.year + year, month=month + 1, day=1)
    return start.replace(year=start.year + 1)


def _count(start: datetime, end: datetime, unit: str) -> int:
    """About how many `unit` buckets cover start..end (cheap: no iteration)."""
    seconds = (end - start).total_seconds()
    size = {"hour": 3600, "day": 86400, "week": 7 * 86400}.get(unit)
    if size:
        return int(seconds // size) + 1
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return months if unit == "month" else end.year - start.year + 1


@dataclass(frozen=True)
class Buckets:
    """The histogram's time axis: bucket starts in UTC, `unit` wide, ending with now's bucket."""

    unit: str
    starts: tuple[datetime, ...]

    @classmethod
    def covering(cls, start: datetime, end: datetime) -> Buckets:
        unit = next((u for u in UNITS if _count(start, end, u) <= MAX_BUCKETS), "year")
        if _count(start, end, unit) > MAX_BUCKETS:  # centuries: the latest MAX_BUCKETS years
            start = end.replace(year=max(1, end.year - MAX_BUCKETS + 1), month=1, day=1)
        starts, moment = [], _floor(start, unit)
        last = _floor(end, unit)
        while moment <= last:
            starts.append(moment)
            try:
                moment = _next(moment, unit)
            except (OverflowError, ValueError):  # past the year 9999
                break
        return cls(unit, tuple(starts))

    @property
    def start(self) -> datetime:
        return self.starts[0]

    def label(self, moment: datetime) -> str:
        formats = {"hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d", "week": "week of %Y-%m-%d"}
        return moment.strftime(formats.get(self.unit, "%Y-%m" if self.unit == "month" else "%Y"))


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class FailureGroup:
    state_machine: str
    state: str
    error: str
    count: int
    first_seen: datetime | None
    last_seen: datetime | None
    counts: list[int] = field(default_factory=list)  # per bucket, in Buckets.starts order
    bars: list[Bar] = field(default_factory=list)

    @property
    def key(self) -> GroupKey:
        return (self.state_machine, self.state, self.error)

    @property
    def list_url(self) -> str:
        return reverse("executions:list") + "?" + failure_list_query(self.key)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def failure_list_query(key: GroupKey) -> str:
    """The executions list's query string for one group: `q=state:"…" error:"…"` (a term left
    out when the group has no such value), the state machine, and status=problem."""
    state_machine, state, error = key
    terms = [f"state:{_quoted(state)}" if state else "", f"error:{_quoted(error)}" if error else ""]
    q = " ".join(term for term in terms if term)
    pairs = ([("q", q)] if q else []) + [("state_machine", state_machine), ("status", "problem")]
    return urlencode(pairs)


@dataclass(frozen=True)
class FailureReport:
    groups: list[FailureGroup]
    more: bool  # more than GROUPS_SHOWN groups: the smallest are left out
    since: datetime | None
    buckets: Buckets | None  # None when nothing failed in the range

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


def _failed(user: Any, workspace: str, since: datetime | None) -> QuerySet[Execution]:
    executions = visible(Execution.objects.all(), user).filter(status__in=PROBLEM_STATUSES)
    if workspace:
        executions = executions.filter(workspace__name=workspace)
    if since is not None:
        executions = executions.filter(started_at__gte=since)
    return executions


KEY_FIELDS = ("state_machine_name", "root_cause_state", "root_cause_error")


def _row_key(row: dict[str, Any]) -> GroupKey:
    return (row["state_machine_name"], row["root_cause_state"], row["root_cause_error"])


def _groups(executions: QuerySet[Execution]) -> tuple[list[FailureGroup], bool]:
    rows = (
        executions.values(*KEY_FIELDS)
        .annotate(n=Count("id"), first=Min("started_at"), last=Max("started_at"))
        .order_by("-n", F("last").desc(nulls_last=True), *KEY_FIELDS)[: GROUPS_SHOWN + 1]
    )
    groups = [
        FailureGroup(*_row_key(row), count=row["n"], first_seen=row["first"], last_seen=row["last"])
        for row in rows
    ]
    return groups[:GROUPS_SHOWN], len(groups) > GROUPS_SHOWN


def _histogram(
    executions: QuerySet[Execution], groups: list[FailureGroup], buckets: Buckets, now: datetime
) -> None:
    rows = (
        executions.filter(started_at__gte=buckets.start, started_at__lte=now)
        .values(*KEY_FIELDS, bucket=Trunc("started_at", buckets.unit, tzinfo=UTC))
        .annotate(n=Count("id"))
        .order_by()
    )
    index = {start: i for i, start in enumerate(buckets.starts)}
    by_key = {group.key: group for group in groups}
    for group in groups:
        group.counts = [0] * len(buckets.starts)
    for row in rows:
        group = by_key.get(_row_key(row))
        position = index.get(row["bucket"].astimezone(UTC)) if row["bucket"] else None
        if group is not None and position is not None:
            group.counts[position] += row["n"]
    for group in groups:
        group.bars = _bars(group.counts, buckets)


WIDTH, HEIGHT = 240.0, 36.0


def _bars(counts: list[int], buckets: Buckets) -> list[Bar]:
    """Bars in a WIDTH x HEIGHT box, each bucket's height scaled to the group's busiest one;
    an empty bucket gets no bar."""
    peak = max(counts, default=0) or 1
    width = WIDTH / max(len(counts), 1)
    bars = []
    for i, (start, n) in enumerate(zip(buckets.starts, counts, strict=True)):
        if n:
            height = max(2.0, HEIGHT * n / peak)
            bars.append(
                Bar(buckets.label(start), n, round(i * width, 2), round(HEIGHT - height, 2),
                    round(max(width - 1, width * 0.8), 2), round(height, 2))
            )  # fmt: skip
    return bars


def failure_groups(
    *, user: Any, workspace: str = "", since: datetime | None = None, now: datetime | None = None
) -> FailureReport:
    """The failed executions the user may see, grouped, busiest group first (then the most
    recently seen); with histogram buckets from `since` (or the first failure) to now."""
    now = now or datetime.now(UTC)
    executions = _failed(user, workspace, since)
    groups, more = _groups(executions)
    firsts: Iterable[datetime] = (g.first_seen for g in groups if g.first_seen is not None)
    start = since or min(firsts, default=None)
    if start is None or start > now:
        return FailureReport(groups, more, since, None)
    buckets = Buckets.covering(start, now)
    _histogram(executions, groups, buckets, now)
    return FailureReport(groups, more, since, buckets)
