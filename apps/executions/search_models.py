"""What executions are searched by (apps/executions/search.py builds and reads them).

SearchDocument: one per execution, its words (`text`) and the words of its cause (`cause`), with
the digest of the redaction rules it was built under (`rules`): a document built under other
rules than the workspace's current ones is not searched, so a value masked since is never found.
The full-text index over it is made by migration 0011 per database: a GIN index of
`to_tsvector('simple', ...)` on PostgreSQL, an FTS5 table kept in step by triggers on SQLite.

SearchValue: the strings and numbers of the input and output by path (`input.customerId`), and
the names of the states the execution ran (`ran`), case-folded, for `path:value` terms.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    execution = models.OneToOneField(
        "executions.Execution",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    text = models.TextField(blank=True)
    cause = models.TextField(blank=True)
    rules = models.CharField(max_length=64, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"search document of {self.execution_id}"


class SearchValue(models.Model):
    execution = models.ForeignKey(
        "executions.Execution", on_delete=models.CASCADE, related_name="search_values"
    )
    key = models.CharField(max_length=255)
    value = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["key", "value"], name="search_value_idx")]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
