"""On SQLite (the embedded mode), an import job and a request that both read and then write wait
for each other instead of failing with "database is locked" (an OperationalError, a 500)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="about SQLite's locks",
    ),
]


def _connection(config: dict[str, Any]) -> Any:
    """A connection of its own, outside Django's per-test connection handling."""
    return DatabaseWrapper(config, alias="import_locking")


def _read_then_write(config: dict[str, Any], number: int, errors: list[BaseException]) -> None:
    """What an import does: read what is stored, think, then write, in one transaction (begun
    the way transaction.atomic begins one)."""
    connection = _connection(config)
    try:
        connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM imported")
            time.sleep(0.3)
            cursor.execute("INSERT INTO imported (n) VALUES (%s)", [number])
        connection.commit()
    except BaseException as error:  # reported to the test
        errors.append(error)
    finally:
        connection.close()


def _writers(options: dict[str, Any], tmp_path: Any) -> tuple[list[BaseException], int]:
    """Two imports at once; what went wrong, and how many rows they stored."""
    config = {
        **settings.DATABASES["default"],
        "NAME": str(tmp_path / "locks.sqlite3"),
        "OPTIONS": options,
    }
    setup = _connection(config)
    try:
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE imported (n integer)")
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=_read_then_write, args=(config, n, errors)) for n in (1, 2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with setup.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM imported")
            stored = cursor.fetchone()[0]
        return errors, stored
    finally:
        setup.close()


def test_two_transactions_that_read_then_write_wait_for_each_other(tmp_path):
    errors, stored = _writers(settings.DATABASES["default"].get("OPTIONS", {}), tmp_path)
    assert errors == [] and stored == 2


def test_without_the_settings_option_one_of_them_fails(tmp_path):
    """What the setting prevents (so the test above proves something)."""
    errors, stored = _writers({}, tmp_path)
    assert stored == 1 and len(errors) == 1 and "database is locked" in str(errors[0])
