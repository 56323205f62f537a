"""`{% load simulation_tags %}{% simulation_panel execution %}`: the simulation panel (a parked
callback's token and message, the forms that answer it, and Stop) for the execution page. It
renders nothing for an execution that is not a simulation."""

from __future__ import annotations

from typing import Any

from django import template

from apps.executions.models import Execution
from apps.simulations.panel import simulation_panel_context

register = template.Library()


@register.inclusion_tag("simulations/_callbacks.html", takes_context=True)
def simulation_panel(context: template.Context, execution: Execution) -> dict[str, Any]:
    request = context.get("request")
    panel = simulation_panel_context(request, execution)
    panel["csrf_token"] = context.get("csrf_token")
    return panel
