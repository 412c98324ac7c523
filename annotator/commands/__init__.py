"""CLI commands kept apart from annotator/cli.py, loaded only when called."""
