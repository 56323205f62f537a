"""The run selector of the step details pane: every run of the selected state, reachable by
paging and search, with a "failed only" filter; and the failed iterations or branches of a Map
or Parallel run, grouped by error.

The selector shows one page of runs at a time (the page that holds the run on display unless
another is asked for). The run on display is always an option, and always the selected one, even
when it is on another page or the filter leaves it out: a selector never claims another run is
shown than the pane's.

Query parameters (all optional; junk is ignored, never an error): ``runs_q`` (an iteration or
branch number, or text found in the run's label, key or status), ``failed=1`` (failed runs only),
``runs_page`` (a page number)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stepscope.history.failure_groups import failure_groups, run_failed
from stepscope.history.projection_types import Projection, StateRun

RUNS_PER_PAGE = 200
MAX_QUERY = 200  # characters of runs_q kept
MEMBER_LINKS = 50  # links shown per failure group; the count is always the whole group's


@dataclass(frozen=True)
class RunFilter:
    query: str = ""
    failed_only: bool = False
    page: int | None = None  # None: the page that holds the run on display


def run_filter(params: Mapping[str, str]) -> RunFilter:
    """The selector's filter from a request's query parameters."""
    query = (params.get("runs_q") or "").replace("\x00", "").strip()[:MAX_QUERY]
    page_text = (params.get("runs_page") or "").strip()
    page = int(page_text) if page_text.isascii() and page_text.isdigit() else None
    if page is not None and not 1 <= page <= 10**6:
        page = None
    return RunFilter(query=query, failed_only=params.get("failed") == "1", page=page)


def run_label(run: StateRun) -> str:
    parts = [run.name]
    if run.iteration is not None:
        parts.append(f"iteration {run.iteration}")
    if run.branch is not None:
        parts.append(f"branch {run.branch + 1}")
    return " · ".join(parts)


def _matches(run: StateRun, query: str) -> bool:
    if not query:
        return True
    if query.isascii() and query.isdigit():
        number = int(query)
        return run.iteration == number or (run.branch is not None and run.branch + 1 == number)
    text = f"{run_label(run)} {run.key} {run.status}".casefold()
    return query.casefold() in text


def _option(run: StateRun, shown: StateRun) -> dict[str, Any]:
    status = "failed" if run_failed(run) else run.status
    return {"key": run.key, "label": run_label(run), "status": status, "selected": run is shown}


def run_choices(projection: Projection, run: StateRun, chosen: RunFilter) -> dict[str, Any]:
    """The selector's options (one page), with what the pager and the filter form need."""
    siblings = projection.runs_of(run.name)
    failed_total = sum(1 for other in siblings if run_failed(other))
    matching = [
        other
        for other in siblings
        if (not chosen.failed_only or run_failed(other)) and _matches(other, chosen.query)
    ]
    index = next((i for i, other in enumerate(matching) if other is run), None)
    pages = max(1, -(-len(matching) // RUNS_PER_PAGE))
    if chosen.page is not None:
        page = min(chosen.page, pages)
    else:
        page = 1 if index is None else index // RUNS_PER_PAGE + 1
    first = (page - 1) * RUNS_PER_PAGE
    window = matching[first : first + RUNS_PER_PAGE]
    options = [_option(other, run) for other in window]
    shown_elsewhere = not any(other is run for other in window)
    if shown_elsewhere:
        options.insert(0, _option(run, run))
    return {
        "options": options,
        "total": len(siblings),
        "failed_total": failed_total,
        "matching": len(matching),
        "first": first + 1 if window else 0,
        "last": first + len(window),
        "page": page,
        "pages": pages,
        "previous": page - 1 if page > 1 else None,
        "next": page + 1 if page < pages else None,
        "query": chosen.query,
        "failed_only": chosen.failed_only,
        "filtered": bool(chosen.query) or chosen.failed_only,
        "shown_elsewhere": shown_elsewhere,
    }


def failure_group_rows(projection: Projection, run: StateRun) -> list[dict[str, Any]]:
    """The failed iterations or branches of a Map or Parallel run by error (none for others)."""
    return [
        {
            "error": group.error,
            "count": group.count,
            "members": group.members[:MEMBER_LINKS],
            "more": max(0, group.count - MEMBER_LINKS),
        }
        for group in failure_groups(projection, run.key)
    ]
