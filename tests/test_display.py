"""Issue 11.9: `annotator gui` where no window can be shown says why in one line, exit 2
(Qt itself aborts with exit 134 and messages of its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core import display
from annotator.core.display import debian_package, display_problem, parse_ldd

# ldd on PySide6 6.11's libqxcb.so on a Debian machine without two of Qt's xcb libraries
LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007f921fb2e000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f921f9e0000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f921f976000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f921f96e000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f921fb30000)
"""


def _gui(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    clean.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "annotator", "gui", "--db", str(tmp_path / "p.db")],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")
def test_gui_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    result = _gui(tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.splitlines() == [
        "Error: no display: DISPLAY is not set, so there is no screen to open the window "
        "on; run `annotator gui` in a desktop session (or over ssh -X), or set "
        "QT_QPA_PLATFORM=offscreen to render without a screen (a screenshot run)"
    ]
    assert result.stdout == ""
    assert not (tmp_path / "p.db").exists()  # nothing was created


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")
def test_gui_with_a_display_it_cannot_use_says_why_in_one_line(tmp_path: Path) -> None:
    """No X server answers on :4242: depending on the machine, Qt's X11 libraries are
    missing (named, with the packages to install) or the connection fails."""
    assert not Path("/tmp/.X11-unix/X4242").exists()
    result = _gui(tmp_path, DISPLAY=":4242")
    assert result.returncode == 2, result.stderr[-2000:]
    (line,) = result.stderr.splitlines()
    assert line.startswith(("Error: Qt's X11 plugin cannot load: ", "Error: cannot connect to"))
    assert line.endswith(
        "or set QT_QPA_PLATFORM=offscreen to render without a screen (a screenshot run)"
    )
    missing = display.missing_libraries(display.xcb_plugin())  # type: ignore[arg-type]
    if missing:
        assert ", ".join(missing) in line and "sudo apt install " in line


def test_a_platform_the_user_chose_is_left_to_qt() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({}, "darwin") is None
    assert display_problem({}, "win32") is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux").startswith("no display")  # type: ignore[union-attr]


def test_missing_libraries_are_named_with_their_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_ldd(LDD_OUTPUT) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    monkeypatch.setattr(display, "xcb_plugin", lambda: Path("libqxcb.so"))
    monkeypatch.setattr(display, "missing_libraries", lambda plugin: parse_ldd(LDD_OUTPUT))
    assert display_problem({"DISPLAY": ":0"}, "linux") == (
        "Qt's X11 plugin cannot load: libxcb-icccm.so.4, libxcb-keysyms.so.1 are missing; "
        "install them (Debian/Ubuntu: sudo apt install libxcb-icccm4 libxcb-keysyms1), or "
        "set QT_QPA_PLATFORM=offscreen to render without a screen (a screenshot run)"
    )


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libEGL.so.1", "libegl1"),
        ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ],
)
def test_debian_package_names(soname: str, package: str) -> None:
    assert debian_package(soname) == package


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")
def test_an_x_server_that_does_not_answer_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        import ctypes

        ctypes.CDLL("libxcb.so.1")
    except OSError:
        pytest.skip("no libxcb on this machine")
    assert display.x_connection_problem(":4242") is not None
    monkeypatch.setattr(display, "missing_libraries", lambda plugin: [])
    problem = display_problem({"DISPLAY": ":4242"}, "linux")
    assert problem is not None and problem.startswith("cannot connect to the X display ':4242' (")


def test_qt_that_cannot_be_imported_is_one_line() -> None:
    exc = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    assert display.qt_import_problem(exc) == (
        "Qt cannot load: libEGL.so.1 is missing; install it "
        "(Debian/Ubuntu: sudo apt install libegl1)"
    )
