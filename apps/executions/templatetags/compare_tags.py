"""The execution page's "Compare with the last success" link."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.executions import selectors
from apps.executions.models import Execution

register = template.Library()

PROBLEM_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")


@register.simple_tag
def last_success_link(execution: Execution) -> SafeString | str:
    """For a failed, timed-out or aborted execution: a link comparing it with the latest
    succeeded execution of its state machine in its workspace ("" when there is none)."""
    if execution.status not in PROBLEM_STATUSES:
        return ""
    success = selectors.execution_last_success(execution=execution)
    if success is None:
        return ""
    return format_html(
        '<a class="button small" data-compare-last-success href="{}" title="{}">'
        "Compare with the last success</a>",
        reverse("executions:compare", args=[execution.pk, success.pk]),
        f"Compare with {success.name}",
    )
