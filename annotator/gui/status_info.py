"""The status bar's lasting part: where the document is in the list, its span counts
and status, and who is curating."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from annotator.gui.doc_list_pane import DocumentListPane
from annotator.gui.plain import escape
from annotator.gui.session import CurationSession


class DocumentStatus(QObject):
    def __init__(
        self, session: CurationSession, doc_list: DocumentListPane, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.doc_list = doc_list
        self.curator_label = QLabel(f"Curator: <b>{escape(session.annotator)}</b>")
        self.curator_label.setToolTip("Stored with every annotation and status (--annotator)")
        self.position_label = QLabel()
        self.counts_label = QLabel()
        session.documentOpened.connect(self.update)
        session.stateChanged.connect(self.update)
        doc_list.listChanged.connect(self.update)

    def widgets(self) -> list[QLabel]:
        return [self.counts_label, self.position_label, self.curator_label]

    def update(self, *_args: object) -> None:
        model = self.doc_list.model
        total = model.rowCount()
        state = self.session.state
        if state is None:
            self.position_label.setText(f"{total} documents")
            self.counts_label.setText("")
            return
        row = model.row_of(state.document.id)
        where = f"Document {row + 1} of {total}" if row is not None else f"{total} in list"
        self.position_label.setText(where)
        c = state.counts()
        decided = c["accepted"] + c["corrected"] + c["manual"]
        parts = [f"<b>{c['suggested']}</b> open", f"{decided} decided", f"{c['rejected']} rejected"]
        if c["invalid"]:
            parts.append(f"<span style='color:#B42318'>{c['invalid']} invalid</span>")
        status = state.status.replace("_", " ")
        self.counts_label.setText(" · ".join(parts) + f" · {status}")
