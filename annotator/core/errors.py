"""The one base of errors a user can act on."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Bad input, a project that cannot be used, a file in the way: the message is one
    line naming the cause, shown as it is by the CLI and the GUI (never a traceback)."""


class ProjectError(AnnotatorError):
    """A project file that cannot be used: the message says which and why."""
