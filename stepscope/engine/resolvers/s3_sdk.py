"""The aws-sdk:s3 Task integration (arn:aws:states:::aws-sdk:s3:<api>) served by the local
object store in `resolvers["s3"]`, answering as AWS's SDK integration answers."""

from __future__ import annotations

from typing import Any

from stepscope.engine.errors import StatesError

__all__ = ["call", "serves"]

APIS: frozenset[str] = frozenset()


def serves(kind: dict[str, str], resolvers: dict[str, Any]) -> bool:
    """Is this an aws-sdk:s3 call the local object store can answer?"""
    return kind["resourceType"] == "aws-sdk:s3" and kind["resource"] in APIS and "s3" in resolvers


def call(current: Any, api: str, parameters: Any) -> Any:
    raise StatesError("States.Runtime", f"aws-sdk:s3:{api} is not served locally")
