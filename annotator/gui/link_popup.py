"""The candidate popup: opened by Ctrl+L on an entity span, next to it. It lists the
knowledge base's candidates, best first, each with its name, type, description,
external ids and why it ranks where it does; typing asks the knowledge base again with
what was typed. Up/Down choose, Enter links; the same keys as the window make a new
entity (Ctrl+N), mark the span as naming no entity (Ctrl+Shift+N) or take the link
back (Ctrl+U); Esc closes. The popup only says what the curator chose (`choice`): the
linking controller does it, so it goes on the undo stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.kb.candidates import Candidate
from annotator.core.kb.describe import link_lines, popup_candidates
from annotator.gui.actions import spec
from annotator.gui.plain import plain_label, tooltip

if TYPE_CHECKING:
    from annotator.core.curation import DocState, SpanItem
    from annotator.core.store import Store

Index = QModelIndex | QPersistentModelIndex
CANDIDATE_ROLE = Qt.ItemDataRole.UserRole + 1
STEP_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
POPUP_STYLE = """
QDialog#linkPopup { background: #FFFFFF; border: 1px solid #8FA3BF; }
QLabel#popupTitle { color: #1F2328; font-weight: 600; }
QLabel#popupNow, QLabel#popupHint { color: #5B6675; }
QLabel#popupEmpty { color: #3A4350; padding: 8px; }
QListView { border: 1px solid #DDE1E6; background: #FFFFFF; }
QLineEdit { padding: 4px 6px; border: 1px solid #C9CFD6; border-radius: 4px; }
"""


def key_name(action: str) -> str:
    """The first key of a window action, as a menu shows it ("Ctrl+N")."""
    return QKeySequence(spec(action).keys[0]).toString(QKeySequence.SequenceFormat.NativeText)


def external_ids_text(c: Candidate, most: int = 2) -> str:
    """'iso3166:KZ, iso3166-alpha3:KAZ +1'; '' without external ids."""
    ids = [f"{k}:{v}" for k, v in c.external_ids.items()]
    more = f" +{len(ids) - most}" if len(ids) > most else ""
    return ", ".join(ids[:most]) + more


class CandidateModel(QAbstractListModel):
    def __init__(self, current: str | None, pre_link: bool) -> None:
        super().__init__()
        self.candidates: list[Candidate] = []
        self.current = current  # the span's link now
        self.now_word = "✓ pre-linked" if pre_link else "✓ linked now"

    def set_candidates(self, found: list[Candidate]) -> None:
        self.beginResetModel()
        self.candidates = list(found)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.candidates)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.candidates):
            return None
        c = self.candidates[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return c.name
        if role == CANDIDATE_ROLE:
            return c
        if role == Qt.ItemDataRole.ToolTipRole:
            ids = ", ".join(f"{k}:{v}" for k, v in c.external_ids.items()) or "none"
            return tooltip(
                f"{c.name} — {c.type or 'no type'}\n{c.description or 'no description'}\n"
                f"key: {c.key}\nexternal ids: {ids}\nscore {c.score:.0%}: {c.why}"
            )
        return None


class CandidateDelegate(QStyledItemDelegate):
    """Three lines a candidate: name, type, external ids and score; its description;
    why it ranks there. Drawn as plain text (nothing from the KB is read as markup)."""

    PAD = 8

    def __init__(self, model: CandidateModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def _fonts(self, base: QFont) -> tuple[QFont, QFont]:
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.9))
        return bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        bold, small = self._fonts(option.font)
        h = QFontMetrics(bold).height() + 2 * QFontMetrics(small).height() + 2 * self.PAD
        return QSize(420, h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        c = index.data(CANDIDATE_ROLE)
        if not isinstance(c, Candidate):
            super().paint(painter, option, index)
            return
        painter.save()
        rect = option.rect  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        painter.fillRect(rect, QColor("#DCE7F7") if selected else QColor("#FFFFFF"))
        if selected:
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), QColor("#1F5FBF"))
        painter.setPen(QColor("#E4E7EB"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        bold, small = self._fonts(option.font)  # type: ignore[attr-defined]
        fm_bold, fm_small = QFontMetrics(bold), QFontMetrics(small)
        x, y = rect.left() + self.PAD + 4, rect.top() + self.PAD
        width = rect.width() - 2 * self.PAD - 4
        # line 1: name, type chip; external ids and score at the right
        right = f"{external_ids_text(c)}   {c.score:.0%}".strip()
        if c.key == self.model.current:
            right = f"{self.model.now_word}   {right}"
        painter.setFont(small)
        right_w = fm_small.horizontalAdvance(right)
        painter.setPen(QColor("#1B7F4C") if c.key == self.model.current else QColor("#5B6675"))
        painter.drawText(
            QRect(rect.right() - self.PAD - right_w, y, right_w, fm_bold.height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            right,
        )
        chip = c.type or "no type"
        chip_w = fm_small.horizontalAdvance(chip) + 10
        name_room = max(40, width - right_w - chip_w - 20)
        painter.setFont(bold)
        painter.setPen(QColor("#1F2328"))
        name = fm_bold.elidedText(c.name, Qt.TextElideMode.ElideRight, name_room)
        painter.drawText(QPoint(x, y + fm_bold.ascent()), name)
        chip_x = x + fm_bold.horizontalAdvance(name) + 8
        chip_rect = QRect(chip_x, y + 1, chip_w, fm_bold.height() - 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#EEF0F3"))
        painter.drawRoundedRect(chip_rect, 3, 3)
        painter.setFont(small)
        painter.setPen(QColor("#3A4350"))
        painter.drawText(chip_rect, int(Qt.AlignmentFlag.AlignCenter), chip)
        # line 2: description; line 3: why
        y += fm_bold.height()
        painter.setPen(QColor("#3A4350"))
        desc = c.description or "no description"
        painter.drawText(
            QPoint(x, y + fm_small.ascent()),
            fm_small.elidedText(desc, Qt.TextElideMode.ElideRight, width),
        )
        y += fm_small.height()
        painter.setPen(QColor("#1F5FBF"))
        painter.drawText(
            QPoint(x, y + fm_small.ascent()),
            fm_small.elidedText("why: " + c.why, Qt.TextElideMode.ElideRight, width),
        )
        painter.restore()


class CandidatePopup(QDialog):
    """Choose the entity a span names. `choice` after it closes: ("link", key),
    ("new", name typed or ""), ("nil", ""), ("unlink", "") or None."""

    def __init__(
        self, store: Store, state: DocState, item: SpanItem, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("linkPopup")
        self.setStyleSheet(POPUP_STYLE)
        self.setWindowTitle("Link entity")
        self.store, self.state, self.item = store, state, item
        self.choice: tuple[str, str] | None = None
        self.resize(560, 470)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        snippet = item.text if len(item.text) <= 60 else item.text[:59] + "…"
        self.title = plain_label(QLabel(f"Link “{snippet}”  ·  {item.label}"))
        self.title.setObjectName("popupTitle")
        now = link_lines(store, state, item)
        self.now = plain_label(QLabel(now[0] if now else ""))
        self.now.setObjectName("popupNow")
        self.now.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to search the knowledge base by name or alias")
        self.model = CandidateModel(item.kb_id, item.is_suggestion)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(CandidateDelegate(self.model, self.list))
        self.list.setUniformItemSizes(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the filter
        self.list.setFrameShape(QFrame.Shape.StyledPanel)
        self.list.doubleClicked.connect(lambda _i: self._link_current())
        self.empty = plain_label(QLabel())
        self.empty.setObjectName("popupEmpty")
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.hint = plain_label(
            QLabel(
                f"Enter link  ·  {key_name('new_entity')} new entity  ·  "
                f"{key_name('mark_nil')} no entity (NIL)  ·  {key_name('unlink')} unlink  ·  "
                "Esc close"
            )
        )
        self.hint.setObjectName("popupHint")
        self.hint.setWordWrap(True)
        for w in (self.title, self.now, self.filter):
            layout.addWidget(w)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.hint)
        for action, what in (("new_entity", "new"), ("mark_nil", "nil"), ("unlink", "unlink")):
            for key in spec(action).keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.activated.connect(lambda what=what: self._finish(what))
        self.filter.textChanged.connect(self.search)
        self.filter.returnPressed.connect(self._link_current)
        self.filter.installEventFilter(self)
        self.search("")
        self.filter.setFocus()

    # -- what it shows --------------------------------------------------------------------

    def search(self, text: str) -> None:
        """Ask the knowledge base again with what was typed ("" : the span's text)."""
        found = popup_candidates(self.store, self.state, self.item, text or None)
        self.model.set_candidates(found)
        if found:
            self.list.setCurrentIndex(self.model.index(0))
        typed = text.strip() or self.item.text
        self.empty.setText(
            f"Nothing in the knowledge base is like “{typed}”. "
            f"{key_name('new_entity')} makes a new entity of it, "
            f"{key_name('mark_nil')} marks that none exists."
        )
        self.empty.setVisible(not found)
        self.list.setVisible(bool(found))

    def current_candidate(self) -> Candidate | None:
        c = self.list.currentIndex().data(CANDIDATE_ROLE)
        return c if isinstance(c, Candidate) else None

    def place_near(self, span_rect: QRect) -> None:
        """Put the popup under the span (global coordinates), above it when there is no
        room below, always on the screen."""
        screen = QApplication.screenAt(span_rect.center()) or QApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1600, 1000)
        x = min(max(area.left(), span_rect.left()), area.right() - self.width())
        y = span_rect.bottom() + 6
        if y + self.height() > area.bottom():
            y = max(area.top(), span_rect.top() - 6 - self.height())
        self.move(x, y)

    # -- keys ----------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj is self.filter
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in STEP_KEYS
        ):
            self._step(event.key())
            return True
        return super().eventFilter(obj, event)

    def _step(self, key: int) -> None:
        n = self.model.rowCount()
        if not n:
            return
        row = self.list.currentIndex().row()
        page = max(1, self.list.viewport().height() // max(1, self.list.sizeHintForRow(0)))
        step = {
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_PageUp: -page,
            Qt.Key.Key_PageDown: page,
        }[Qt.Key(key)]
        self.list.setCurrentIndex(self.model.index(max(0, min(n - 1, row + step))))

    def _link_current(self) -> None:
        c = self.current_candidate()
        if c is not None:
            self.choice = ("link", c.key)
            self.accept()

    def _finish(self, what: str) -> None:
        self.choice = (what, self.filter.text().strip() if what == "new" else "")
        self.accept()
