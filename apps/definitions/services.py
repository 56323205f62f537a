"""Writes for definitions: import a definition (a new version only when its text changed), lay out
its graph once per version and direction, and load the demo definitions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from apps.accounts.audit import audit_record
from apps.accounts.models import Workspace
from apps.definitions.models import Definition, DefinitionVersion, RenderedGraph
from stepscope.asl.build_model import build_state_machine
from stepscope.asl.loading import LoadedDefinition, load_definition
from stepscope.asl.source import parse_source
from stepscope.graph import Direction, render_svg

NAME_MAX_LENGTH = 200
DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "definitions"


class DefinitionNameError(ValueError):
    """The name given for a definition cannot be used."""


@dataclass(frozen=True)
class ImportOutcome:
    version: DefinitionVersion
    created: bool


def _name_for(name: str, loaded: LoadedDefinition) -> str:
    name = " ".join(name.split())
    if not name:
        name = loaded.logical_id or ""
    if not name:
        raise DefinitionNameError("Give the definition a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise DefinitionNameError(
            f"The name is {len(name)} characters long; the limit is {NAME_MAX_LENGTH}."
        )
    return name


def definition_import(
    *,
    workspace: Workspace,
    text: str,
    name: str = "",
    choose: str | None = None,
    user: Any = None,
    audited: bool = True,
) -> ImportOutcome:
    """Import a definition (JSON, YAML, or a CloudFormation/SAM template) under `name` in
    `workspace` (names are unique within a workspace).

    A new version is recorded in the audit log as `user`'s (None: the operator's command line),
    unless `audited` is False: a pull from AWS or a history import that brings the definition
    along records itself.

    Raises SourceError (unparseable, with line and column), DefinitionTooLarge,
    TemplateChoiceRequired (several machines in a template: pass `choose`), DefinitionNameError or
    ValueError, each with a message fit to show the user. Invalid definitions are stored.
    """
    loaded = load_definition(text, choose=choose)
    name = _name_for(name, loaded)
    digest = hashlib.sha256(loaded.text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        definition, _ = Definition.objects.get_or_create(workspace=workspace, name=name)
        definition = Definition.objects.select_for_update().get(pk=definition.pk)
        existing = definition.versions.filter(sha256=digest).first()
        if existing is not None:
            return ImportOutcome(version=existing, created=False)
        latest = definition.versions.aggregate(latest=Max("number"))["latest"] or 0
        version = DefinitionVersion.objects.create(
            definition=definition,
            number=latest + 1,
            text=loaded.text,
            sha256=digest,
            format=loaded.format,
            origin=loaded.origin,
            logical_id=loaded.logical_id or "",
            result=loaded.validation.result,
            diagnostics=[item.to_json() for item in loaded.validation.diagnostics],
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        definition.save(update_fields=["updated_at"])
        if audited:
            audit_record(
                action="definition.import",
                workspace=workspace,
                actor=user,
                target=f"{name} v{version.number}",
                detail={"version": version.number, "result": version.result},
            )
    return ImportOutcome(version=version, created=True)


def version_graph_svg(*, version: DefinitionVersion, direction: Direction) -> str:
    """The version's SVG in `direction`, laid out on first use and stored for every later view.

    Raises GraphRenderError when Graphviz cannot draw it (e.g. `dot` is missing).
    """
    cached = RenderedGraph.objects.filter(version=version, direction=direction).first()
    if cached is not None:
        return cached.svg
    machine = build_state_machine(parse_source(version.text).data)
    svg = render_svg(machine, direction=direction)
    try:
        with transaction.atomic():
            RenderedGraph.objects.create(version=version, direction=direction, svg=svg)
    except IntegrityError:
        pass  # another request stored the same layout first
    return svg


@dataclass(frozen=True)
class DemoLoad:
    created: int
    unchanged: int


def demo_definitions_load(*, workspace: Workspace, directory: Path = DEMO_DIR) -> DemoLoad:
    """Import every demo definition in fixtures/definitions/, named after its file."""
    created = unchanged = 0
    for path in sorted(directory.glob("*.asl.*")):
        name = path.name.split(".asl.")[0]
        outcome = definition_import(
            workspace=workspace, text=path.read_text(encoding="utf-8"), name=name
        )
        created += outcome.created
        unchanged += not outcome.created
    return DemoLoad(created=created, unchanged=unchanged)
