"""Status badges drawn from the one status map: an icon and a word as well as a colour."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.executions.presentation import duration_text, execution_style, run_style

register = template.Library()


@register.simple_tag
def execution_badge(status: str) -> SafeString:
    style = execution_style(status)
    return format_html(
        '<span class="status-badge execution-status-{}" data-execution-status="{}">'
        '<span class="icon" aria-hidden="true">{}</span> {}</span>',
        status,
        status,
        style.icon,
        style.label,
    )


@register.simple_tag
def run_badge(status: str) -> SafeString:
    style = run_style(status)
    return format_html(
        '<span class="status-badge status-{}" data-run-status="{}">'
        '<span class="icon" aria-hidden="true">{}</span> {}</span>',
        status,
        status,
        style.icon,
        style.label,
    )


@register.filter
def duration(value: timedelta | None) -> str:
    """A timedelta as the page writes durations: 850 ms, 12.4 s, 3 min 05 s."""
    return duration_text(value.total_seconds() if value is not None else None)
