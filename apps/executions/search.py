"""Search executions: keep each execution's search document, and narrow a queryset by a parsed
query (stepscope/search/query.py).

Indexing: the services that save an execution's projection (the history import, a simulation
step) call `search_index` once the execution is saved; it builds the document from that
projection, with the input, output and cause masked by the workspace's current redaction rules
(a masked value is left out). `manage.py bootstrap` (every `make run`) indexes executions that
have no document yet (stored before search existed); documents built under rules since changed
are made again by `manage.py search_reindex`; until then they are not searched by their payloads
(the name, error, state and status terms still find them: those read the execution's columns).

Full text: PostgreSQL matches `to_tsvector('simple', text) @@ phraseto_tsquery('simple', words)`
(GIN index from migration 0011); SQLite matches an FTS5 phrase in `executions_search_fts`; any
other database falls back to a substring of the stored words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from apps.accounts.models import RedactionRule
from apps.accounts.redactors import workspace_redactor
from apps.executions.models import Execution
from apps.executions.search_models import SearchDocument, SearchValue
from stepscope.history.projection import Projection
from stepscope.history.rootcause import RootCause, root_cause
from stepscope.search.document import search_document, value_key
from stepscope.search.query import Field, SearchQuery, words

_PAYLOAD_FIELDS = (Field.TEXT, Field.CAUSE, Field.INPUT, Field.OUTPUT, Field.RAN)
FTS_TABLE = "executions_search_fts"


def rules_digest(patterns: Iterable[str]) -> str:
    """What tells redaction rule sets apart in a stored document."""
    joined = "\n".join(sorted(set(patterns)))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


def search_index(
    *, execution: Execution, projection: Projection, cause: RootCause | None = None
) -> None:
    """Store the execution's search document and values (replacing what was stored). Called by
    the services that save an execution's projection (imports, simulation steps), after the save."""
    cause = cause if cause is not None else root_cause(projection)
    redactor = workspace_redactor(workspace_id=execution.workspace_id)
    summary = projection.execution
    causes = [summary.cause or ""]
    if cause is not None and cause.cause and cause.cause != summary.cause:
        causes.append(cause.cause)
    document = search_document(
        name=execution.name,
        arn=execution.execution_arn,
        errors=[
            execution.error,
            execution.root_cause_error,
            execution.root_cause_state,
            execution.failed_state,
        ],
        cause="\n".join(redactor.redact_json_text(text) for text in causes if text),
        notes=[execution.root_cause_text],
        input_text=redactor.redact_json_text(summary.input) if summary.input else None,
        output_text=redactor.redact_json_text(summary.output) if summary.output else None,
    )
    ran = {run.name for run in projection.runs if run.name}
    values = [*document.values, *(("ran", value_key(name)[:200]) for name in sorted(ran))]
    # PostgreSQL text cannot hold U+0000, and a query cannot name it: such a value is found by
    # its words only.
    values = [(key, value) for key, value in values if "\x00" not in key + value]
    with transaction.atomic():
        SearchDocument.objects.update_or_create(
            execution=execution,
            defaults={
                "text": document.text,
                "cause": document.cause,
                "rules": rules_digest(
                    RedactionRule.objects.filter(workspace_id=execution.workspace_id).values_list(
                        "pattern", flat=True
                    )
                ),
            },
        )
        SearchValue.objects.filter(execution=execution).delete()
        SearchValue.objects.bulk_create(
            [SearchValue(execution=execution, key=key, value=value) for key, value in values],
            batch_size=500,
        )


def _text_match(column: str, value: str) -> RawSQL | None:
    """The ids of executions whose document's `column` ("text" or "cause") holds these words,
    one after the other; None on a database without a full-text index here."""
    phrase = " ".join(words(value))
    if connection.vendor == "postgresql":
        return RawSQL(
            f"SELECT execution_id FROM executions_searchdocument "  # noqa: S608 (fixed names)
            f"WHERE to_tsvector('simple'::regconfig, {column}) "
            "@@ phraseto_tsquery('simple'::regconfig, %s)",
            (phrase,),
        )
    if connection.vendor == "sqlite":
        fts_column = "body" if column == "text" else "cause"
        return RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            (f'{fts_column} : "{phrase}"',),
        )
    return None


def _words_filter(executions: QuerySet[Execution], column: str, value: str) -> QuerySet[Execution]:
    match = _text_match(column, value)
    if match is not None:
        return executions.filter(pk__in=match)
    lookup = {f"search_document__{column}__icontains": " ".join(words(value))}
    return executions.filter(**lookup)


def _current_rules(workspace_ids: Iterable[int]) -> Q:
    """Executions whose document was built under their workspace's current redaction rules."""
    workspace_ids = set(workspace_ids)
    patterns: dict[int, list[str]] = {pk: [] for pk in workspace_ids}
    rules = RedactionRule.objects.filter(workspace_id__in=workspace_ids)
    for workspace_id, pattern in rules.values_list("workspace_id", "pattern"):
        patterns[workspace_id].append(pattern)
    by_digest: dict[str, list[int]] = {}
    for workspace_id, found in patterns.items():
        by_digest.setdefault(rules_digest(found), []).append(workspace_id)
    condition = Q(pk__in=[])
    for digest, ids in by_digest.items():
        condition |= Q(workspace_id__in=ids, search_document__rules=digest)
    return condition


def search_filter(
    executions: QuerySet[Execution], query: SearchQuery, *, workspace_ids: Iterable[int]
) -> QuerySet[Execution]:
    """`executions` (of these workspaces) narrowed to those matching every term of the query."""
    for term in query.terms:
        value = term.value
        if term.field is Field.TEXT:
            executions = _words_filter(executions, "text", value)
        elif term.field is Field.CAUSE:
            executions = _words_filter(executions, "cause", value)
        elif term.field is Field.NAME:
            executions = executions.filter(name__icontains=value)
        elif term.field is Field.ERROR:
            executions = executions.filter(Q(error=value) | Q(root_cause_error=value))
        elif term.field is Field.STATE:
            executions = executions.filter(root_cause_state=value)
        elif term.field is Field.STATUS:
            executions = executions.filter(status=value)
        else:
            key = "ran" if term.field is Field.RAN else term.path
            found = SearchValue.objects.filter(key=key, value=value_key(value)[:200])
            executions = executions.filter(pk__in=found.values("execution_id"))
    if any(term.field in _PAYLOAD_FIELDS for term in query.terms):
        executions = executions.filter(_current_rules(workspace_ids))
    return executions


def search_reindex(*, executions: QuerySet[Execution] | None = None) -> int:
    """Build the documents of these executions (all by default) again from their stored events;
    how many were built."""
    from apps.executions.selectors import execution_projection  # selectors import this module

    count = 0
    pending = (executions if executions is not None else Execution.objects.all()).order_by("pk")
    for execution in pending.iterator(chunk_size=200):
        projection = execution_projection(execution=execution)
        search_index(execution=execution, projection=projection)
        count += 1
    return count
