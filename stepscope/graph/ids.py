"""Stable, markup-safe ids for nodes and clusters.

An id is a readable slug (ASCII letters, digits, ``_`` and ``-`` only) plus a short hash of the
exact path or pointer it stands for, so it is stable across renders, unique even when nested state
names repeat or slug to the same text, and safe in DOT, SVG, HTML and CSS selectors.
"""

from __future__ import annotations

import hashlib
import json
import re

from stepscope.asl.model import StatePath

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_SLUG_LENGTH = 40


def slug(text: str) -> str:
    cleaned = _UNSAFE.sub("_", text).strip("_")
    return cleaned[:_SLUG_LENGTH] or "x"


def short_hash(value: object) -> str:
    encoded = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("ascii")).hexdigest()[:10]


def state_node_id(path: StatePath) -> str:
    return f"state-{slug('-'.join(str(part) for part in path))}-{short_hash(list(path))}"


def join_node_id(path: StatePath) -> str:
    return f"join-{slug('-'.join(str(part) for part in path))}-{short_hash(list(path))}"


def marker_id(kind: str, block_pointer: str) -> str:
    if block_pointer == "":
        return kind
    return f"{kind}-{slug(block_pointer)}-{short_hash(block_pointer)}"


def missing_node_id(block_pointer: str, name: str) -> str:
    return f"missing-{slug(name)}-{short_hash([block_pointer, name])}"


def cluster_id(pointer: str) -> str:
    return f"cluster-{slug(pointer)}-{short_hash(pointer)}"
