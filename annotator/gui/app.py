"""Starting the curation window: the application object, the project check, the error
dialog for projects that cannot be opened, and the background import of new files."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from annotator.core.store import ProjectError
from annotator.gui.errors import install_excepthook, show_error


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    app.setStyle("Fusion")
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
        app.setFont(font)
    return app


def open_window(
    db_path: str | Path,
    annotator: str,
    paths: Sequence[str] = (),
    *,
    settings_dir: str | Path | None = None,
) -> object | None:
    """The main window over the project, or None after showing why it cannot open
    (corrupt, busy, newer schema, missing). PATHs are imported, then suggested, in the
    background once the window shows."""
    from annotator.gui.main_window import MainWindow

    try:
        window = MainWindow(db_path, annotator, settings_dir=settings_dir, create=bool(paths))
    except ProjectError as exc:
        show_error(None, exc)
        return None
    if paths:
        window.start_import(list(paths))
    return window


def run(db_path: str | Path, annotator: str, paths: Sequence[str] = ()) -> int:
    app = application()
    install_excepthook()
    window = open_window(db_path, annotator, paths)
    if window is None:
        return 1
    window.show()  # type: ignore[attr-defined]
    return int(app.exec())
