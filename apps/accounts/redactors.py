"""Reads: a workspace's redaction rules, ready to mask payloads (stepscope/history/redaction.py).

`workspace_redactor` is what every exit of a payload asks (pages, step details, exports, the live
JSON, the websocket, the simulation panel): one query for the rules' patterns; the Redactor built
from the same patterns is reused across requests, since building it compiles every rule.
`workspace_import_redactor` is what storing asks: empty unless the workspace stores values
already masked (`Workspace.redact_at_import`).
"""

from __future__ import annotations

import functools
import logging

from apps.accounts.models import RedactionRule
from stepscope.history.redaction import RedactionRuleError, Redactor, parse_rule

logger = logging.getLogger(__name__)

_BUILT_REDACTORS = 64  # distinct rule sets kept built, across workspaces
NO_REDACTION = Redactor()


def workspace_redactor(*, workspace_id: int | None) -> Redactor:
    """The workspace's rules as a Redactor (empty, and falsy, when it has none)."""
    if workspace_id is None:
        return NO_REDACTION
    return redactor_of(_patterns(RedactionRule.objects.filter(workspace_id=workspace_id)))


def workspace_import_redactor(*, workspace_id: int | None) -> Redactor:
    """The rules to apply before storing a history: the workspace's when it stores values
    already masked, else none."""
    if workspace_id is None:
        return NO_REDACTION
    rules = RedactionRule.objects.filter(
        workspace_id=workspace_id, workspace__redact_at_import=True
    )
    return redactor_of(_patterns(rules))


def _patterns(rules: object) -> tuple[str, ...]:
    return tuple(sorted(set(rules.values_list("pattern", flat=True))))  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=_BUILT_REDACTORS)
def redactor_of(patterns: tuple[str, ...]) -> Redactor:
    """A Redactor of these patterns. The rules pages accept only rules that parse; one that does
    not (written some other way) is left out and logged, so that every other rule still holds."""
    rules = []
    for pattern in patterns:
        try:
            rules.append(parse_rule(pattern))
        except RedactionRuleError as error:
            logger.error("redaction rule %r is not used: %s", pattern, error)
    return Redactor(rules)


def redaction_key(redactor: Redactor) -> tuple[str, ...]:
    """What tells rule sets apart, for caches of redacted results: the rules' texts."""
    return tuple(rule.text for rule in redactor.rules)
