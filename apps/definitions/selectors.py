"""Reads for definitions."""

from __future__ import annotations

import json
from typing import Any, TypedDict

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from apps.accounts.scoping import visible
from apps.definitions.models import Definition, DefinitionVersion
from stepscope.asl.build_model import build_state_machine
from stepscope.asl.model import StateMachine
from stepscope.asl.source import parse_source


class StateDetail(TypedDict):
    name: str
    type: str
    comment: str
    asl: str


class SourceLine(TypedDict):
    number: int
    text: str
    severity: str


def definition_list(*, user: Any) -> QuerySet[Definition]:
    """The definitions the user may see."""
    return (
        visible(Definition.objects.select_related("workspace"), user)
        .annotate(version_count=Count("versions"), latest_number=Max("versions__number"))
        .order_by("name")
    )


def definition_latest_versions(definitions: list[Definition]) -> dict[int, DefinitionVersion]:
    """The newest version of each definition, by definition id."""
    latest: dict[int, DefinitionVersion] = {}
    versions = DefinitionVersion.objects.filter(definition__in=definitions).order_by(
        "definition_id", "-number"
    )
    for version in versions:
        latest.setdefault(version.definition_id, version)
    return latest


def version_get(*, definition_id: int, number: int | None = None) -> DefinitionVersion:
    versions = DefinitionVersion.objects.select_related("definition").filter(
        definition_id=definition_id
    )
    version = (
        versions.order_by("-number").first()
        if number is None
        else versions.filter(number=number).first()
    )
    if version is None:
        raise Http404("No such definition version.")
    return version


def version_list(*, definition: Definition) -> QuerySet[DefinitionVersion]:
    return definition.versions.order_by("-number")


def version_data(*, version: DefinitionVersion) -> Any:
    """The parsed definition. Stored versions were parseable when imported."""
    return parse_source(version.text).data


def version_machine(*, version: DefinitionVersion) -> StateMachine:
    """The tolerant model of the version: drawable even when the definition is invalid.

    Raises ValueError (a SourceError or ModelError) when there is nothing to draw.
    """
    return build_state_machine(version_data(version=version))


def version_states(*, version: DefinitionVersion) -> dict[str, StateDetail]:
    """Every state at any depth, by JSON pointer: what the page shows when a node is clicked."""
    try:
        machine = version_machine(version=version)
    except ValueError:
        return {}
    return {
        state.pointer: {
            "name": state.name,
            "type": state.type,
            "comment": state.comment or "",
            "asl": json.dumps(dict(state.raw), indent=2, ensure_ascii=False, default=str),
        }
        for state in machine.all_states()
    }


def version_source_lines(*, version: DefinitionVersion) -> list[SourceLine]:
    """The definition text by line, each marked with the worst diagnostic that points at it."""
    worst: dict[int, str] = {}
    for item in version.diagnostics:
        line = item.get("line")
        if isinstance(line, int):
            if item.get("severity") == "ERROR" or line not in worst:
                worst[line] = str(item.get("severity", "")).lower()
    return [
        {"number": number, "text": text, "severity": worst.get(number, "")}
        for number, text in enumerate(version.text.splitlines(), start=1)
    ]
