"""What the window remembers between runs (geometry, splitter, text size, rejected shown,
last document per project), kept in an INI file through QSettings."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import QSplitter

from annotator.gui.document_display import DocumentDisplayMixin

SETTINGS_ENV = "ANNOTATOR_SETTINGS_DIR"
DEFAULT_FONT_PT = 12.5


def settings_for(settings_dir: str | Path | None) -> QSettings:
    """Window settings in an INI file: under `settings_dir`, or $ANNOTATOR_SETTINGS_DIR,
    or the platform's per-user config folder."""
    folder = settings_dir or os.environ.get(SETTINGS_ENV)
    if folder:
        return QSettings(str(Path(folder) / "annotator.ini"), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "annotator", "annotator"
    )


class WindowSettingsMixin(DocumentDisplayMixin):
    """MainWindow's part that restores and saves its settings, and sets the text size."""

    settings: QSettings
    splitter: QSplitter
    actions_by_name: dict[str, QAction]
    font_pt: float
    _project_key: str
    _pending_sizes: list[int] | None

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        sizes = s.value("splitter")
        if isinstance(sizes, list) and len(sizes) == 3:
            # Applied once the window has its size; before, the splitter would rescale them.
            self._pending_sizes = [int(x) for x in sizes]
            self.splitter.setSizes(self._pending_sizes)
        rejected = s.value("show_rejected", False)
        self.actions_by_name["toggle_rejected"].setChecked(rejected in (True, "true"))
        self.article.show_rejected = rejected in (True, "true")
        last = s.value(f"projects/{self._project_key}/last_document")
        doc_id = int(last) if last not in (None, "") else None
        if doc_id is None or self.doc_model.row_of(doc_id) is None:
            doc_id = self.doc_model.doc_id(0)
        if doc_id is not None:
            self.open_document(doc_id)
        else:
            self._show_empty()

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("geometry", self.saveGeometry())
        s.setValue("splitter", self.splitter.sizes())
        s.setValue("font_pt", self.font_pt)
        s.setValue("show_rejected", self.article.show_rejected)
        if self.state is not None:
            s.setValue(f"projects/{self._project_key}/last_document", self.state.document.id)
        s.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending_sizes is not None:
            self.splitter.setSizes(self._pending_sizes)
            self._pending_sizes = None

    def _set_font(self, pt: float) -> None:
        self.font_pt = max(8.0, min(32.0, pt))
        self.article.set_font_size(self.font_pt)
        self.statusBar().showMessage(f"Text size {self.font_pt:g} pt", 2000)

    def do_bigger(self) -> None:
        self._set_font(self.font_pt + 1)

    def do_smaller(self) -> None:
        self._set_font(self.font_pt - 1)

    def do_reset_font(self) -> None:
        self._set_font(DEFAULT_FONT_PT)
