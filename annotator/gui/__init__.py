"""The Qt user interface: the only package that imports PySide6."""

from __future__ import annotations

import sys


def _keep_none_alive() -> None:
    """Work around PySide6 builds that return None without a new reference.

    PySide6 6.12's wheels treat None as immortal (true from Python 3.12 on), so on Python
    3.11 every call of a method returning None takes one reference from None; after a few
    thousand calls (drawing one long article) the interpreter aborts with "none_dealloc:
    deallocating None". Giving None a reference count it cannot run out of does what
    Python 3.12 does for it. Nothing to do on 3.12+ or on debug builds (other layout).
    """
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        return
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 48


_keep_none_alive()
