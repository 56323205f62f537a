"""Execution pages. Views only translate HTTP to service and selector calls and back."""
