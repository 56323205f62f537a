"""However a history is split into pages, ordered or repeated, it reads back the same."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.history.importing import read_history
from stepscope.history.synthetic import generate_large_history

HISTORY: list[dict[str, Any]] = generate_large_history(60)["events"]


@st.composite
def paged(draw: st.DrawFn) -> tuple[list[str], bool]:
    """The history cut into pages (some overlapping), maybe reversed, pages shuffled into files."""
    reverse = draw(st.booleans())
    ordered = list(reversed(HISTORY)) if reverse else list(HISTORY)
    cuts = sorted(draw(st.sets(st.integers(1, len(ordered) - 1), max_size=6)))
    bounds = list(zip([0, *cuts], [*cuts, len(ordered)], strict=True))
    pages = []
    for start, end in bounds:
        overlap = draw(st.integers(0, 3))
        pages.append({"events": ordered[max(0, start - overlap) : end], "nextToken": "t"})
    order = draw(st.permutations(range(len(pages))))
    separator = draw(st.sampled_from(["", "\n", "\n\n"]))
    files = draw(st.integers(1, len(pages)))
    texts = [
        separator.join(json.dumps(pages[index], indent=4) for index in order[n::files])
        for n in range(files)
    ]
    return [text for text in texts if text], reverse


@settings(max_examples=80, deadline=None)
@given(paged())
def test_pages_in_any_split_order_and_overlap_read_back_the_history(
    split: tuple[list[str], bool],
) -> None:
    texts, reverse = split
    history = read_history([(f"page{n}.json", text) for n, text in enumerate(texts)])
    assert list(history.events) == HISTORY
    assert history.skipped == ()
    assert not any("missing" in note for note in history.notes)
    # at most 7 pages of 60 events: some page holds several, so a reversed one is noticed
    assert any("reverse order" in note for note in history.notes) == reverse
