"""Amazon States Language: parse, model and validate definitions."""
