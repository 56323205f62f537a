"""Stepscope's pure core: ASL parsing, validation, the graph, the engine and the history.

Nothing under this package imports Django, Celery, Channels or boto3 (a ruff rule enforces it),
so it is testable in milliseconds and usable from the command line.
"""
