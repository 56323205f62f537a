"""Search documents and values of executions, and their full-text index (FTS5 on SQLite, GIN on
PostgreSQL). Executions stored before: `manage.py search_reindex`."""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("executions", "0010_root_cause_backfill"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "execution",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="executions.execution",
                    ),
                ),
                ("text", models.TextField(blank=True)),
                ("cause", models.TextField(blank=True)),
                ("rules", models.CharField(blank=True, max_length=64)),
                ("indexed_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name="SearchValue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=255)),
                ("value", models.CharField(max_length=200)),
                (
                    "execution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_values",
                        to="executions.execution",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["key", "value"], name="search_value_idx")],
            },
        ),
    ]


# The full-text index, per database (apps/executions/search.py reads it the same way).
FTS = "executions_search_fts"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, cause, "
    "content='executions_searchdocument', content_rowid='execution_id')",
    f"""CREATE TRIGGER executions_search_fts_insert AFTER INSERT ON executions_searchdocument
    BEGIN
        INSERT INTO {FTS}(rowid, body, cause) VALUES (new.execution_id, new.text, new.cause);
    END""",
    f"""CREATE TRIGGER executions_search_fts_delete AFTER DELETE ON executions_searchdocument
    BEGIN
        INSERT INTO {FTS}({FTS}, rowid, body, cause)
        VALUES ('delete', old.execution_id, old.text, old.cause);
    END""",
    f"""CREATE TRIGGER executions_search_fts_update AFTER UPDATE ON executions_searchdocument
    BEGIN
        INSERT INTO {FTS}({FTS}, rowid, body, cause)
        VALUES ('delete', old.execution_id, old.text, old.cause);
        INSERT INTO {FTS}(rowid, body, cause) VALUES (new.execution_id, new.text, new.cause);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS executions_search_fts_update",
    "DROP TRIGGER IF EXISTS executions_search_fts_delete",
    "DROP TRIGGER IF EXISTS executions_search_fts_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX executions_search_text_gin ON executions_searchdocument "
    "USING gin (to_tsvector('simple'::regconfig, text))",
    "CREATE INDEX executions_search_cause_gin ON executions_searchdocument "
    "USING gin (to_tsvector('simple'::regconfig, cause))",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS executions_search_cause_gin",
    "DROP INDEX IF EXISTS executions_search_text_gin",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        del apps
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


Migration.operations.append(
    migrations.RunPython(
        _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
        _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
    )
)
