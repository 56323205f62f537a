"""Task resolvers: what runs when a Task calls out (local Lambda handlers for now)."""

from __future__ import annotations
