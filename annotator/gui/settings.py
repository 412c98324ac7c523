"""What the window remembers between runs (geometry, splitter, text size, rejected shown,
last document per project) and the curator's preferences (move on after a fix; what D
does with open suggestions), kept in an INI file through QSettings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

SETTINGS_ENV = "ANNOTATOR_SETTINGS_DIR"
# What marking a document done does with the suggestions still open in it.
DONE_WITH_OPEN = ("ask", "accept", "leave")


def settings_for(settings_dir: str | Path | None) -> QSettings:
    """Window settings in an INI file: under `settings_dir`, or $ANNOTATOR_SETTINGS_DIR,
    or the platform's per-user config folder."""
    folder = settings_dir or os.environ.get(SETTINGS_ENV)
    if folder:
        return QSettings(str(Path(folder) / "annotator.ini"), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "annotator", "annotator"
    )


def restore_window(window: MainWindow) -> None:
    """Geometry, splitter, rejected shown, and the project's last document (else the
    first one) as they were."""
    s = window.settings
    geometry = s.value("geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        window.resize(1400, 900)
    sizes = s.value("splitter")
    if isinstance(sizes, list) and len(sizes) == 3:
        # Applied again once the window has its size; before, the splitter rescales them.
        window.pending_sizes = [int(x) for x in sizes]
        window.splitter.setSizes(window.pending_sizes)
    rejected = s.value("show_rejected", False) in (True, "true")
    window.actions_by_name["toggle_rejected"].setChecked(rejected)
    window.article_pane.view.show_rejected = rejected
    model = window.doc_list.model
    last = s.value(f"projects/{window.project_key}/last_document")
    doc_id = int(last) if last not in (None, "") else None
    if doc_id is None or model.row_of(doc_id) is None:
        doc_id = model.doc_id(0)
    if doc_id is not None:
        window.session.open(doc_id)
    else:
        window.session.clear()


def save_window(window: MainWindow) -> None:
    s = window.settings
    s.setValue("geometry", window.saveGeometry())
    s.setValue("splitter", window.splitter.sizes())
    s.setValue("font_pt", window.article_pane.font_pt)
    s.setValue("show_rejected", window.article_pane.view.show_rejected)
    if window.session.doc_id is not None:
        s.setValue(f"projects/{window.project_key}/last_document", window.session.doc_id)
    s.sync()


def advance_after_fix(s: QSettings) -> bool:
    """Whether a relabel, a boundary step or a new span moves on to the next open
    suggestion (default: yes)."""
    return s.value("curation/advance_after_fix", True) not in (False, "false")


def set_advance_after_fix(s: QSettings, on: bool) -> None:
    s.setValue("curation/advance_after_fix", on)
    s.sync()


def _choice(s: QSettings, key: str, choices: tuple[str, ...], default: str) -> str:
    """A setting that is one of `choices`; `default` when unset or unknown."""
    value = str(s.value(key, default))
    return value if value in choices else default


def _set_choice(s: QSettings, key: str, choices: tuple[str, ...], value: str, what: str) -> None:
    if value not in choices:
        raise ValueError(f"{what} must be one of {choices}, not {value!r}")
    s.setValue(key, value)
    s.sync()


def done_with_open(s: QSettings) -> str:
    """ "ask" (default), "accept" or "leave": what D does when suggestions are open."""
    return _choice(s, "curation/done_with_open", DONE_WITH_OPEN, "ask")


def set_done_with_open(s: QSettings, value: str) -> None:
    _set_choice(s, "curation/done_with_open", DONE_WITH_OPEN, value, "done_with_open")


# -- review mode ------------------------------------------------------------------------


def review_auto_accept(s: QSettings) -> str:
    """What review mode accepts into the gold when a document opens: one of
    `walk.AUTO_ACCEPT` (default "all": what every curator marked alike)."""
    from annotator.core.review.walk import AUTO_ACCEPT

    return _choice(s, "review/auto_accept", AUTO_ACCEPT, "all")


def set_review_auto_accept(s: QSettings, value: str) -> None:
    from annotator.core.review.walk import AUTO_ACCEPT

    _set_choice(s, "review/auto_accept", AUTO_ACCEPT, value, "review auto-accept")
