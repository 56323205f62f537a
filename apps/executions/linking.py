"""Which definition version a history belongs to, and what the history shows that it lacks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from apps.accounts.models import Workspace
from apps.definitions.models import Definition, DefinitionVersion
from apps.definitions.services import definition_import
from stepscope.asl.build_model import build_state_machine
from stepscope.asl.source import parse_source


class UnknownDefinitionError(ValueError):
    """The definition named for an import does not exist."""


@dataclass(frozen=True)
class DefinitionLink:
    version: DefinitionVersion | None
    how: str  # a sentence for the import report


def definition_find(name_or_id: str | int, *, workspace: Workspace) -> Definition:
    """A definition of the workspace by id (digits) or by exact name; raises
    UnknownDefinitionError."""
    text = str(name_or_id).strip()
    definitions = Definition.objects.filter(workspace=workspace)
    found = definitions.filter(name=text).first()
    if found is None and text.isascii() and text.isdigit():
        found = definitions.filter(pk=int(text)).first()
    if found is None:
        raise UnknownDefinitionError(
            f"There is no definition named or numbered {text!r} in workspace {workspace}. "
            "Import the definition first, or leave the definition out to draw the states the "
            "history shows."
        )
    return found


def version_state_names(version: DefinitionVersion) -> set[str] | None:
    """Every state name at any depth, or None when the version cannot be modelled."""
    try:
        machine = build_state_machine(parse_source(version.text).data)
    except ValueError:
        return None
    return {state.name for state in machine.all_states()}


def best_version(definition: Definition, history_states: set[str]) -> DefinitionVersion | None:
    """The newest version that has every state the history shows, else the newest one."""
    versions = list(definition.versions.order_by("-number"))
    for version in versions:
        names = version_state_names(version)
        if names is not None and history_states <= names:
            return version
    return versions[0] if versions else None


def link_definition(
    *,
    workspace: Workspace,
    given: str | int | None,
    definition_text: str | None,
    state_machine_name: str | None,
    history_states: set[str],
    user: object,
    problems: list[str],
) -> DefinitionLink:
    """Tie a history to a version: the one given, the text that came with it, or one by name."""
    if given is not None and str(given).strip():
        definition = definition_find(given, workspace=workspace)
        version = best_version(definition, history_states)
        return DefinitionLink(version, f"tied to {version}, as asked")
    if definition_text:
        name = state_machine_name or "imported-with-history"
        try:
            outcome = definition_import(
                workspace=workspace, text=definition_text, name=name, user=user, audited=False
            )
        except ValueError as error:
            problems.append(f"The definition that came with the history was not used: {error}")
        else:
            verb = "imported" if outcome.created else "matched"
            return DefinitionLink(
                outcome.version, f"tied to {outcome.version} ({verb} from the history's files)"
            )
    if state_machine_name:
        definition = Definition.objects.filter(workspace=workspace, name=state_machine_name).first()
        if definition is not None:
            version = best_version(definition, history_states)
            if version is not None:
                return DefinitionLink(version, f"tied to {version}, found by state machine name")
    return DefinitionLink(
        None,
        "no definition found: the graph is reconstructed from the states the history shows",
    )


def missing_states(version: DefinitionVersion | None, history_states: Iterable[str]) -> list[str]:
    """States the history shows that the version lacks, sorted."""
    if version is None:
        return []
    names = version_state_names(version)
    if names is None:
        return []
    return sorted(set(history_states) - names)
