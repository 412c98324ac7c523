"""Can this machine show a window? Checked before Qt is started, because Qt cannot say
so itself: without a display, or without the system libraries of its X11 plugin, it
prints a few lines of its own and aborts the process (exit 134).

No Qt here: the checks read the environment, ask the dynamic loader about PySide6's X11
plugin, and try a connection to the X server with libxcb, the library Qt would use.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

OFFSCREEN_HINT = "QT_QPA_PLATFORM=offscreen to render without a screen (a screenshot run)"
# Loaded by Qt's X11 plugin at run time (Qt 6.5 and later), so ldd does not list it.
XCB_CURSOR = "libxcb-cursor.so.0"

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
_CANNOT_OPEN = re.compile(r"(\S+\.so[.\d]*): cannot open shared object file")


def display_problem(
    env: Mapping[str, str] | None = None, platform: str = sys.platform
) -> str | None:
    """Why Qt could not open a window here, as one line that says what to do; None when
    it can, or when this check cannot tell (not Linux, or a platform the user chose)."""
    env = os.environ if env is None else env
    if not platform.startswith("linux"):
        return None
    chosen = re.split(r"[;:]", env.get("QT_QPA_PLATFORM", ""))[0].strip()
    if chosen and chosen != "xcb":
        return None  # offscreen, wayland, vnc...: the user's choice, Qt reports on it
    if not chosen and env.get("WAYLAND_DISPLAY"):
        return None  # Qt tries Wayland first there
    display = env.get("DISPLAY", "")
    if not display:
        return (
            "no display: DISPLAY is not set, so there is no screen to open the window on; "
            "run `annotator gui` in a desktop session (or over ssh -X), or set "
            f"{OFFSCREEN_HINT}"
        )
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin is not None else []
    if missing:
        packages = " ".join(dict.fromkeys(debian_package(lib) for lib in missing))
        return (
            f"Qt's X11 plugin cannot load: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing; install "
            f"{'it' if len(missing) == 1 else 'them'} (Debian/Ubuntu: sudo apt install "
            f"{packages}), or set {OFFSCREEN_HINT}"
        )
    problem = x_connection_problem(display)
    if problem:
        return (
            f"cannot connect to the X display {display!r} ({problem}): check that DISPLAY "
            f"names a running X server this user may use (XAUTHORITY), or set {OFFSCREEN_HINT}"
        )
    return None


def qt_import_problem(exc: ImportError) -> str:
    """One line for a PySide6 that cannot be imported (a system library of Qt missing)."""
    found = _CANNOT_OPEN.search(str(exc))
    if found:
        lib = found.group(1)
        return (
            f"Qt cannot load: {lib} is missing; install it (Debian/Ubuntu: sudo apt install "
            f"{debian_package(lib)})"
        )
    return f"Qt cannot load: {exc}; reinstall annotator (pip install -e .) to get PySide6"


def xcb_plugin() -> Path | None:
    """PySide6's X11 platform plugin, found without importing PySide6."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):  # blocked, or a broken installation
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def missing_libraries(plugin: Path) -> list[str]:
    """The shared libraries `plugin` needs that the dynamic loader cannot find, each
    once, in the loader's order; Qt's run-time xcb-cursor among them when missing."""
    if shutil.which("ldd"):
        try:
            out = subprocess.run(
                ["ldd", str(plugin)], capture_output=True, text=True, timeout=20
            ).stdout
            missing = parse_ldd(out)
        except (OSError, subprocess.SubprocessError):
            missing = _first_missing(plugin)
    else:
        missing = _first_missing(plugin)
    if XCB_CURSOR not in missing and _first_missing(Path(XCB_CURSOR)):
        missing.append(XCB_CURSOR)
    return missing


def parse_ldd(output: str) -> list[str]:
    """The libraries ldd reports as "not found", each once, in order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def _first_missing(library: Path) -> list[str]:
    """What the loader says is missing when it loads `library` (it names only the
    first it meets); [] when it loads."""
    try:
        ctypes.CDLL(str(library))
    except OSError as exc:
        found = _CANNOT_OPEN.search(str(exc))
        return [found.group(1) if found else str(library)]
    return []


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships a library, by Debian's naming rule:
    libxcb-icccm.so.4 -> libxcb-icccm4, libxkbcommon-x11.so.0 -> libxkbcommon-x11-0."""
    name, _, version = soname.partition(".so")
    version = version.strip(".").split(".")[0]
    name = name.lower()
    if not version:
        return name
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def x_connection_problem(display: str) -> str | None:
    """Why libxcb cannot connect to `display`, or None when it can (or when libxcb
    itself is missing, which missing_libraries reports)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode("utf-8", "surrogateescape"), None)
    try:
        code = xcb.xcb_connection_has_error(conn)
    finally:
        xcb.xcb_disconnect(conn)
    if not code:
        return None
    return _XCB_ERRORS.get(code, f"xcb error {code}")


# xcb_connection_has_error's codes (xcb.h)
_XCB_ERRORS = {
    1: "no X server answers there, or it refused this user",
    2: "an extension is not supported",
    3: "out of memory",
    4: "a request was too long",
    5: "the display could not be parsed",
    6: "no such screen on the display",
    7: "a file descriptor could not be passed",
}
