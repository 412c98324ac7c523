"""The right-hand pane in review mode: who said what in the current span group.

Each version is a card (`version_cards`): its label, its words, its knowledge-base link
or figure value, whether it is in the gold, and which curators marked it (their number
badge, line pattern and name, as in the text's lanes). The gold spans that are the
reviewer's own (an edited version, a span no curator marked) follow. Below: who marked
nothing there, the curators' legend, and the keys that settle it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QLabel,
    QListView,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.review import walk
from annotator.core.review.disputes import Dispute, DocReview
from annotator.gui.curator_marks import PATTERN_NAMES, sample
from annotator.gui.labels import LabelScheme
from annotator.gui.plain import plain_label
from annotator.gui.review_session import ReviewSession
from annotator.gui.version_cards import RowsModel, VersionCard, badge_pixmap


class DisputePane(QWidget):
    def __init__(
        self, session: ReviewSession, scheme: LabelScheme, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, objectName="side")
        self.session = session
        self.scheme = scheme
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 10, 10, 10)
        layout.setSpacing(6)
        self.title = QLabel("VERSIONS", objectName="paneTitle")
        self.where = plain_label(QLabel(objectName="disputeWhere"))
        self.words = plain_label(QLabel(objectName="disputeWords"))
        self.words.setWordWrap(True)
        self.model = RowsModel()
        self.view = QListView()
        self.view.setObjectName("versions")
        self.view.setModel(self.model)
        self.view.setItemDelegate(VersionCard(scheme, self.model, self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setUniformItemSizes(True)
        self.view.setStyleSheet(
            "QListView { border: 1px solid #DDE1E6; background: #FFFFFF; }"
            "QListView:focus { border: 1px solid #5B8DEF; }"
        )
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.nothing = plain_label(QLabel(objectName="hint"))
        self.nothing.setWordWrap(True)
        self.legend_title = QLabel("CURATORS", objectName="paneTitle")
        self.legend = QWidget()
        self.legend_grid = QGridLayout(self.legend)
        self.legend_grid.setContentsMargins(0, 0, 0, 0)
        self.legend_grid.setHorizontalSpacing(8)
        self.legend_grid.setVerticalSpacing(3)
        self.keys = QLabel(objectName="hint")
        self.keys.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.where)
        layout.addWidget(self.words)
        layout.addWidget(self.view)
        layout.addWidget(self.nothing)
        layout.addSpacing(8)
        layout.addWidget(self.legend_title)
        layout.addWidget(self.legend)
        layout.addWidget(self.keys)
        layout.addStretch(1)
        session.reviewOpened.connect(self._opened)
        session.reviewChanged.connect(self._changed)
        session.currentChanged.connect(self._current)
        self._opened(None)

    # -- showing -----------------------------------------------------------------------

    def _opened(self, review: DocReview | None) -> None:
        self._legend(review)
        self._keys(review)
        if review is None:
            self.model.set_rows((), ())
            self.where.setText("No document to review")
            self.words.setText("")
            self.nothing.setText("")

    def _changed(self, review: DocReview) -> None:
        self._legend(review)

    def _current(self, stop_id: str | None, row_key: str | None, _scroll: bool) -> None:
        s = self.session
        review = s.review
        stop = s.current_stop()
        if review is None:
            return
        layer = "figures" if stop is not None and stop.layer == "figures" else "entities"
        self.legend_title.setText(f"CURATORS  ·  lanes under the text: {layer}")
        if stop is None:
            self.model.set_rows((), review.curators)
            self.where.setText("Nothing marked in this document")
            self.words.setText("")
            self.nothing.setText("")
            return
        rows = s.rows()
        if rows != self.model.rows or review.curators != self.model.curators:
            self.model.set_rows(rows, review.curators)
            self._fit_list()
        self.where.setText(self._where(review, stop))
        layer = "figure" if stop.layer == "figures" else "entity"
        words = review.document.text[stop.start : stop.end].replace("\n", " ")
        if len(words) > 160:
            words = words[:80] + " … " + words[-70:]
        self.words.setText(f"“{words}”  ({layer}, characters {stop.start}–{stop.end})")
        nothing = walk.nothing_from(stop)
        self.nothing.setText(
            "Marked nothing here: "
            + ", ".join(f"{review.curators.index(c) + 1} {c}" for c in nothing)
            if nothing
            else ""
        )
        self.nothing.setVisible(bool(nothing))
        row = self.model.row_of(row_key)
        sm = self.view.selectionModel()
        sm.blockSignals(True)
        try:
            if row is None:
                sm.clearSelection()
            else:
                idx = self.model.index(row, 0)
                sm.setCurrentIndex(idx, sm.SelectionFlag.ClearAndSelect)
                self.view.scrollTo(idx)
        finally:
            sm.blockSignals(False)
        self.view.viewport().update()

    def _fit_list(self) -> None:
        """The list as tall as its cards, up to six (then it scrolls)."""
        option = QStyleOptionViewItem()
        option.font = self.view.font()
        card = self.view.itemDelegate().sizeHint(option, QModelIndex()).height()
        shown = max(1, min(6, self.model.rowCount()))
        self.view.setFixedHeight(shown * card + 2 * self.view.frameWidth() + 2)

    def _where(self, review: DocReview, stop: Dispute) -> str:
        if not stop.options:
            return "Your own span: no curator marked anything here"
        if stop.agreed:
            n = len(review.curators)
            return f"All {n} curators agree" + (" · in the gold" if stop.settled else "")
        disagreements = [d for d in review.disputes if walk.is_disagreement(d)]
        number = next(i for i, d in enumerate(disagreements, 1) if d.id == stop.id)
        state = "open" if stop.open else "settled"
        return f"Disagreement {number} of {len(disagreements)} · {state}"

    def _legend(self, review: DocReview | None) -> None:
        while self.legend_grid.count():
            item = self.legend_grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        curators = review.curators if review is not None else ()
        self.legend_title.setVisible(bool(curators))
        for i, name in enumerate(curators):
            badge = QLabel()
            badge.setPixmap(badge_pixmap(i + 1))
            line = QLabel()
            line.setPixmap(sample(i))
            line.setToolTip(f"{PATTERN_NAMES[i % len(PATTERN_NAMES)]} line, lane {i + 1}")
            who = plain_label(QLabel(name))
            count = len(review.versions.get(name, ())) if review is not None else 0
            spans = plain_label(QLabel(f"{count} spans · Ctrl+{i + 1}: whole document"))
            spans.setObjectName("hint")
            for col, w in enumerate((badge, line, who, spans)):
                self.legend_grid.addWidget(w, i, col)
        self.legend_grid.setColumnStretch(3, 1)

    def _keys(self, review: DocReview | None) -> None:
        n = len(review.curators) if review is not None else 0
        numbers = "1" if n == 1 else f"1–{n}"
        self.keys.setText(
            f"<b>{numbers}</b> take that curator's version · <b>A</b>/<b>Enter</b> keep the "
            "gold as it stands · <b>X</b> reject every version · <b>Space</b> accept or "
            "reject the current version (<b>O</b> next) · <b>J</b>/<b>K</b> next or "
            "previous disagreement · <b>D</b> gold done, next document"
            if n
            else ""
        )

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < len(self.model.rows):
            self.session.set_row(self.model.rows[current.row()].key)
