"""Execution histories: AWS history events and the projection the debugger shows."""

from __future__ import annotations
