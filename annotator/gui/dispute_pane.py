"""The right-hand pane in review mode: who said what in the current span group.

Each version is a card: its label, its words, its knowledge-base link or figure value,
whether it is in the gold, and which curators marked it (their number badge, line
pattern and name, as in the text's lanes). The gold spans that are the reviewer's own
(an edited version, a span no curator marked) follow. Below: who marked nothing there,
the curators' legend, and the keys that settle it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.curation import format_figure
from annotator.core.model import NIL
from annotator.core.review import walk
from annotator.core.review.disputes import Dispute, DocReview
from annotator.gui.article_view import darker, readable, tint
from annotator.gui.curator_marks import PATTERN_NAMES, draw_badge, lane_pen, sample
from annotator.gui.labels import LabelScheme
from annotator.gui.plain import plain_label, tooltip
from annotator.gui.review_session import ReviewSession

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
STATE = {
    "pending": ("undecided", "#6B7480"),
    "accepted": ("✓ in the gold", "#1B7F4C"),
    "rejected": ("✗ rejected", "#8A8F98"),
    "gold": ("✓ in the gold", "#1F5FBF"),
}
Index = QModelIndex | QPersistentModelIndex


def detail(row: walk.Row) -> str:
    """A version's knowledge-base link, figure value and links, in words."""
    parts = []
    if row.sig.layer == "figures":
        value = format_figure(row.attrs)
        if value:
            parts.append(value)
    if row.sig.kb_id:
        parts.append("no KB entity (NIL)" if row.sig.kb_id == NIL else f"KB {row.sig.kb_id}")
    if row.sig.links:
        import json

        n = len(json.loads(row.sig.links))
        parts.append(f"{n} link{'s' if n != 1 else ''}")
    return " · ".join(parts)


class RowsModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[walk.Row, ...] = ()
        self.curators: tuple[str, ...] = ()

    def set_rows(self, rows: tuple[walk.Row, ...], curators: tuple[str, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.curators = curators
        self.endResetModel()

    def row_of(self, key: str | None) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.key == key), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.sig.label} {row.text}"
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            who = ", ".join(row.curators) if row.curators else "the reviewer"
            more = detail(row)
            return tooltip(
                f"{row.text}\n\n{row.sig.label} · characters {row.sig.start}–{row.sig.end}"
                + (f"\n{more}" if more else "")
                + f"\nmarked by {who}\n{STATE[row.state][0]}"
            )
        return None


class VersionCard(QStyledItemDelegate):
    """Paints one version as a two-line card; text is drawn as text, never as markup."""

    def __init__(self, scheme: LabelScheme, model: RowsModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.scheme = scheme
        self.model = model

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(200, 2 * (fm.height() + 8) + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, walk.Row):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(option.rect).adjusted(2, 3, -2, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(QColor("#5B8DEF" if selected else "#DDE1E6"))
        painter.setBrush(QColor("#EEF3FC" if selected else "#FFFFFF"))
        painter.drawRoundedRect(card, 5, 5)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#5B8DEF"))
            painter.drawRoundedRect(QRectF(card.left(), card.top(), 4, card.height()), 2, 2)
        fm = QFontMetrics(option.font)
        line_h = fm.height() + 8
        top = QRectF(card.left() + 10, card.top() + 4, card.width() - 18, line_h)
        bottom = QRectF(top.left(), top.bottom() + 2, top.width(), line_h)
        self._first_line(painter, option.font, fm, top, row)
        self._second_line(painter, option.font, fm, bottom, row)
        painter.restore()

    def _first_line(
        self, p: QPainter, font: QFont, fm: QFontMetrics, rect: QRectF, row: walk.Row
    ) -> None:
        color = self.scheme.color(row.sig.layer, row.sig.label)
        bold = QFont(font)
        bold.setBold(True)
        bfm = QFontMetrics(bold)
        chip_w = bfm.horizontalAdvance(row.sig.label) + 12
        chip = QRectF(rect.left(), rect.top() + 2, chip_w, rect.height() - 4)
        background = tint(color, 0.32)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(background)
        p.drawRoundedRect(chip, 3, 3)
        p.setFont(bold)
        p.setPen(readable(color, background))
        p.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), row.sig.label)
        state, state_color = STATE[row.state]
        if row.state == "gold" and not row.curators:
            state = "✓ yours, in the gold"
        p.setFont(font)
        state_w = fm.horizontalAdvance(state) + 4
        p.setPen(QColor(state_color))
        p.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), state)
        text_rect = QRectF(chip.right() + 8, rect.top(), 0, rect.height())
        text_rect.setRight(rect.right() - state_w - 10)
        words = "“" + row.text.replace("\n", " ") + "”"
        text_font = QFont(font)
        text_font.setStrikeOut(row.state == "rejected")
        p.setFont(text_font)
        p.setPen(QColor("#8A8F98" if row.state == "rejected" else "#1F2328"))
        p.drawText(
            text_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            fm.elidedText(words, Qt.TextElideMode.ElideMiddle, int(text_rect.width())),
        )

    def _second_line(
        self, p: QPainter, font: QFont, fm: QFontMetrics, rect: QRectF, row: walk.Row
    ) -> None:
        p.setFont(font)
        more = detail(row)
        more_w = min(fm.horizontalAdvance(more) + 6, int(rect.width() * 0.5)) if more else 0
        if more:
            p.setPen(QColor("#5B6675"))
            p.drawText(
                rect,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                fm.elidedText(more, Qt.TextElideMode.ElideRight, more_w),
            )
        x = rect.left()
        limit = rect.right() - more_w - 10
        if not row.curators:
            italic = QFont(font)
            italic.setItalic(True)
            p.setFont(italic)
            p.setPen(QColor("#5B6675"))
            p.drawText(
                QRectF(x, rect.top(), limit - x, rect.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                "no curator's version: added or edited in review",
            )
            return
        color = darker(self.scheme.color(row.sig.layer, row.sig.label), 0.8)
        curators = self.model.curators
        badge_h = fm.height() - 1
        for name in row.curators:
            i = curators.index(name) if name in curators else 0
            name_w = fm.horizontalAdvance(name)
            if x + badge_h + 28 + name_w > limit:
                p.setPen(QColor("#5B6675"))
                p.drawText(
                    QRectF(x, rect.top(), max(0.0, limit - x), rect.height()),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    "…",
                )
                break
            cy = rect.center().y()
            draw_badge(p, QRectF(x, cy - badge_h / 2, badge_h, badge_h), i + 1)
            x += badge_h + 4
            p.setPen(lane_pen(i, color))
            p.drawLine(QPointF(x, cy + 1), QPointF(x + 18, cy + 1))
            x += 22
            p.setPen(QColor("#1F2328"))
            p.drawText(
                QRectF(x, rect.top(), name_w + 2, rect.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
            x += name_w + 14


def badge_pixmap(number: int, size: int = 16) -> QPixmap:
    ratio = 2.0
    pix = QPixmap(int(size * ratio), int(size * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    draw_badge(p, QRectF(0, 0, size, size), number)
    p.end()
    return pix


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
