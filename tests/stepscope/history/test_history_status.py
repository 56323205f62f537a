"""The one status colour map: complete, distinct, never colour alone, and the CSS made from it."""

from __future__ import annotations

import re

from stepscope.history.status import (
    EXECUTION_STATUS_STYLES,
    RUN_STATUSES,
    STATUS_STYLES,
    status_css,
)


def test_every_run_status_has_a_distinct_style() -> None:
    assert set(STATUS_STYLES) == set(RUN_STATUSES)
    styles = list(STATUS_STYLES.values())
    assert len({style.icon for style in styles}) == len(styles)
    assert len({style.border for style in styles}) == len(styles)
    assert len({style.fill for style in styles}) == len(styles)
    assert len({style.label for style in styles}) == len(styles)


def test_statuses_differ_by_more_than_colour() -> None:
    # Any two statuses differ in icon, and those that share a line style still differ in glyph.
    for style in STATUS_STYLES.values():
        assert len(style.icon) == 1
        assert re.fullmatch(r"(\d+( \d+)*)?", style.dash)
    assert {style.dash for style in STATUS_STYLES.values()} != {""}


def test_every_execution_status_has_a_style() -> None:
    assert set(EXECUTION_STATUS_STYLES) == {
        "RUNNING",
        "SUCCEEDED",
        "FAILED",
        "TIMED_OUT",
        "ABORTED",
    }


def test_css_is_generated_from_the_map() -> None:
    css = status_css()
    for status, style in STATUS_STYLES.items():
        assert f'[data-status="{status}"] > polygon' in css
        assert f".status-{status} {{" in css
        node_rule = css.split(f'[data-status="{status}"] > rect')[1].split("}")[0]
        assert style.fill in node_rule and style.border in node_rule
    for status, style in EXECUTION_STATUS_STYLES.items():
        rule = css.split(f".execution-status-{status} {{")[1].split("}")[0]
        assert style.fill in rule and style.border in rule
    assert css.count("{") == css.count("}")


def test_succeeded_and_failed_differ_in_line_not_only_in_colour() -> None:
    succeeded, failed = STATUS_STYLES["succeeded"], STATUS_STYLES["failed"]
    assert (succeeded.dash, succeeded.stroke_width) != (failed.dash, failed.stroke_width)
    patterns = {(style.dash, style.stroke_width) for style in STATUS_STYLES.values()}
    assert len(patterns) == len(STATUS_STYLES)  # every status has its own line pattern
    assert "stroke-width: 3.5px" in status_css().split('[data-status="failed"] > rect')[1]
