"""Tasks: the registry of bundled and lm-eval tasks, suites, validation, scoring and retrieval."""
