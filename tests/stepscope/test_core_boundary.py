"""The pure core never imports the web stack or AWS clients (ruff's TID251 enforces it too)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "stepscope"
BANNED = {"django", "celery", "channels", "channels_redis", "boto3", "botocore", "apps", "config"}


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_nothing_from_the_web_stack():
    offenders = {
        str(path.relative_to(CORE)): sorted(imported_top_level_modules(path) & BANNED)
        for path in CORE.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
    assert len(offenders) > 5  # the scan really looked at the core
