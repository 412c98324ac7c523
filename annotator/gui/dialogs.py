"""Small dialogs: keyboard shortcuts (generated from the action table), the figure
editor, the label picker and the question D asks when suggestions are still open."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.curation import SpanItem, format_figure, parse_amount_or_none
from annotator.gui.actions import ACTIONS, MENUS
from annotator.gui.labels import BANK_2, LAYER_NAMES, LabelScheme
from annotator.gui.plain import plain_box, tooltip

KINDS = ("money", "percent", "count", "measure", "multiplier", "rank", "duration")


def key_text(key: str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) or key


SHORTCUT_ORDER = ("Span", "Link", "Document", "Edit", "View", "Model", "Review", "Help")
HIDDEN_KEYS = (
    "{", "}", "Shift+{", "Shift+}", "Ctrl+{", "Ctrl+}", "Ctrl+Shift+{", "Ctrl+Shift+}",
    "?", "Ctrl++",
)  # fmt: skip


HEADINGS = {"Review": "Review mode (Ctrl+R)"}
REVIEW_KEYS_ROW = (
    "<tr><td class='k'><b>1</b> … <b>9</b></td><td class='k'>Take a curator's version</td>"
    "<td class='d'>In review mode (Ctrl+R): settle the span group with curator N's version "
    "(N: their number in the panel's legend), then the next open disagreement</td></tr>"
    "<tr><td class='k'><b>Ctrl+1</b> … <b>Ctrl+9</b></td><td class='k'>Take a whole "
    "document</td><td class='d'>The gold of the whole document becomes curator N's "
    "version</td></tr>"
)


def shortcuts_html(scheme: LabelScheme) -> str:
    """The shortcuts as one HTML table, from the same ACTIONS the menus are made of."""
    parts = [
        "<style>"
        "td{padding:3px 14px 3px 0;vertical-align:top}"
        "td.h{padding:14px 0 4px 0;font-size:14px;font-weight:600;color:#1F2328}"
        "td.k{white-space:nowrap;color:#1F2328}"
        "td.d{color:#3A4350}"
        "</style><table width='100%'>"
    ]
    assert set(SHORTCUT_ORDER) == set(MENUS)
    for menu in SHORTCUT_ORDER:
        parts.append(
            f"<tr><td class='h' width='24%'>{HEADINGS.get(menu, menu)}</td><td width='24%'>"
            "</td><td></td></tr>"
        )
        for a in (a for a in ACTIONS if a.menu == menu):
            keys = " or ".join(
                f"<b>{html.escape(key_text(k))}</b>" for k in a.keys if k not in HIDDEN_KEYS
            )
            parts.append(
                f"<tr><td class='k'>{keys}</td><td class='k'>{html.escape(a.text.rstrip('…'))}"
                f"</td><td class='d'>{html.escape(a.tip)}</td></tr>"
            )
        if menu == "Review":
            parts.append(REVIEW_KEYS_ROW)
        if menu == "Span":
            parts.append(
                "<tr><td class='k'><b>1</b> … <b>9</b>,<br><b>Alt+1</b> … <b>Alt+9</b></td>"
                "<td class='k'>Set label</td>"
                "<td class='d'>On the current span: give it the label of that key (below) "
                "and go to the next open suggestion. On selected text: add an entity with "
                "it. L chooses from the list (type the label's first letters).</td></tr>"
            )
        if menu == "View":
            parts.append(
                "<tr><td class='k'><b>Tab</b> or <b>Shift+Tab</b></td>"
                "<td class='k'>Text / spans</td>"
                "<td class='d'>Move the keyboard focus between the text and the span list "
                "(never into the document list)</td></tr>"
            )
        if menu == "Edit":
            parts.append(
                "<tr><td class='k'><b>Shift+→</b>, <b>Ctrl+Shift+→</b>…</td>"
                "<td class='k'>Select text</td>"
                "<td class='d'>In the text the caret follows J and K: Shift+arrows select "
                "characters, Ctrl+Shift+arrows words; a label key or N then adds the "
                "selection, snapped to whole words (a dashed frame shows where)</td></tr>"
            )
    parts.append("</table>")
    for layer, name in LAYER_NAMES.items():
        labels = scheme.labels(layer)
        if labels:
            cells = " &nbsp; ".join(
                f"<span style='white-space:nowrap'><b>{html.escape(key_text(d.key) or 'L…')}"
                f"</b>&nbsp;<span style='color:{QColor(d.color).name()}'>■</span>&nbsp;"
                f"{html.escape(d.label)}</span>"
                for d in labels
            )
            parts.append(
                f"<p style='margin-top:12px'><b>Label keys, {name.lower()}:</b><br>{cells}</p>"
            )
    parts.append(
        "<p style='color:#5B6675'>Mouse: click a span to select it; select text, then press "
        "<b>N</b> or a label key to add a span. Edit → Preferences: whether a fix moves on "
        "to the next open suggestion, and what <b>D</b> does with open suggestions. "
        "Labels, colours and keys come from "
        f"<code>{html.escape(scheme.source)}</code>.</p>"
    )
    return "".join(parts)


class ShortcutsDialog(QDialog):
    def __init__(self, scheme: LabelScheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(860, 700)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHtml(shortcuts_html(scheme))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class FigureDialog(QDialog):
    """Edit a figure's value, unit and kind. Typing an amount ("$6.2bn", "19.5%") fills
    the fields through figures.parse_amount when that is available."""

    def __init__(self, item: SpanItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit figure")
        self.setMinimumWidth(440)
        self._parse = parse_amount_or_none()
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{html.escape(item.text)}</b>")
        heading.setWordWrap(True)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(heading)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("type an amount, e.g. $6.2 billion or 19.5%")
        self.amount.setEnabled(self._parse is not None)
        self.amount.setToolTip(
            "Read by the figures module and copied into the fields below"
            if self._parse
            else "Amount parsing is not available in this version: fill the fields"
        )
        self.value = QLineEdit(_num(item.attrs.get("value")))
        self.value_max = QLineEdit(_num(item.attrs.get("value_max")))
        self.value_max.setPlaceholderText("for a range only")
        self.unit = QLineEdit(str(item.attrs.get("unit") or ""))
        self.unit.setPlaceholderText("USD, %, km, companies…")
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        if item.label in KINDS:
            self.kind.setCurrentText(item.label)
        self.preview = QLabel()
        self.preview.setStyleSheet("color:#3A4350")
        self.error = QLabel()
        self.error.setStyleSheet("color:#B42318")
        self.error.setWordWrap(True)
        form.addRow("Amount", self.amount)
        form.addRow("Value", self.value)
        form.addRow("Up to", self.value_max)
        form.addRow("Unit", self.unit)
        form.addRow("Kind", self.kind)
        form.addRow("Reads as", self.preview)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.amount.textEdited.connect(self._parse_amount)
        for w in (self.value, self.value_max, self.unit):
            w.textChanged.connect(self._update_preview)
        self._update_preview()
        (self.amount if self._parse else self.value).setFocus()

    def _parse_amount(self, text: str) -> None:
        if self._parse is None:
            return
        value, unit, kind = self._parse(text)
        if value is None:
            self.error.setText("Not read as one amount: fill the fields below." if text else "")
            return
        self.error.setText("")
        self.value.setText(_num(value))
        self.unit.setText(unit or "")
        if kind in KINDS:
            self.kind.setCurrentText(kind)

    def _update_preview(self) -> None:
        try:
            v = self.result_values()
        except ValueError:
            self.preview.setText("—")
            return
        self.preview.setText(
            format_figure({"value": v["value"], "value_max": v["value_max"], "unit": v["unit"]})
            or "—"
        )

    def result_values(self) -> dict[str, Any]:
        """The fields as edit_figure's arguments; ValueError for a value that is no number."""
        value = _parse_number(self.value.text())
        vmax = _parse_number(self.value_max.text())
        return {
            "value": value,
            "value_max": vmax,
            "unit": self.unit.text().strip() or None,
            "kind": self.kind.currentText(),
        }

    def _accept(self) -> None:
        try:
            self.result_values()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


def _num(v: Any) -> str:
    if isinstance(v, int | float):
        return f"{v:.12g}"
    return ""


def _parse_number(text: str) -> float | None:
    t = text.strip().replace(",", "").replace("\u202f", "").replace(" ", "")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number") from None


class LabelPicker(QDialog):
    """Choose a label: type to filter, number keys, Enter or double-click."""

    def __init__(
        self, scheme: LabelScheme, layers: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a label")
        self.resize(360, 420)
        self.chosen: tuple[str, str] | None = None
        self._keys: dict[str, tuple[str, str]] = {}  # label key -> label (first layer wins)
        layout = QVBoxLayout(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter, or press a label's number key")
        self.list = QListWidget()
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        for layer in layers:
            head = QListWidgetItem(LAYER_NAMES[layer])
            head.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(head)
            for d in scheme.labels(layer):
                it = QListWidgetItem(f"{key_text(d.key):<7}{d.label}" if d.key else d.label)
                it.setData(Qt.ItemDataRole.UserRole, (layer, d.label))
                if d.key and d.key not in self._keys:
                    self._keys[d.key] = (layer, d.label)
                it.setToolTip(tooltip(d.description))
                it.setForeground(Qt.GlobalColor.black)
                self.list.addItem(it)
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self._choose_current)
        self.list.itemActivated.connect(self._choose)
        for key in BANK_2:
            if key in self._keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.activated.connect(lambda key=key: self._choose_key(key))
        self._select_first()

    def _choose_key(self, key: str) -> None:
        self.chosen = self._keys[key]
        self.accept()

    def _filter(self, text: str) -> None:
        t = text.strip().lower()
        if t in self._keys:
            self.chosen = self._keys[t]
            self.accept()
            return
        for i in range(self.list.count()):
            it = self.list.item(i)
            data = it.data(Qt.ItemDataRole.UserRole)
            it.setHidden(bool(t) and (data is None or t not in data[1].lower()))
        self._select_first()

    def _select_first(self) -> None:
        for i in range(self.list.count()):
            it = self.list.item(i)
            if not it.isHidden() and it.data(Qt.ItemDataRole.UserRole):
                self.list.setCurrentItem(it)
                return

    def _choose_current(self) -> None:
        if self.list.currentItem() is not None:
            self._choose(self.list.currentItem())

    def _choose(self, it: QListWidgetItem) -> None:
        data = it.data(Qt.ItemDataRole.UserRole)
        if data:
            self.chosen = (str(data[0]), str(data[1]))
            self.accept()


class DoneWithOpenBox(QMessageBox):
    """D with suggestions still open: accept them and mark done (Enter or A), mark done
    and leave them open (L), or go back (Esc). A tick makes the choice the default."""

    def __init__(self, open_count: int, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        plain_box(self)
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle("Open suggestions")
        short = title if len(title) <= 60 else title[:59] + "…"
        what = "1 suggestion is" if open_count == 1 else f"{open_count} suggestions are"
        self.setText(f"{what} still open in “{short}”." if short else f"{what} still open.")
        self.setInformativeText(
            "Accept them and mark the document done, or mark it done and leave them open? "
            "Open suggestions are not exported."
        )
        self.accept_button = self.addButton("&Accept them", QMessageBox.ButtonRole.AcceptRole)
        self.leave_button = self.addButton("&Leave them open", QMessageBox.ButtonRole.ActionRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.accept_button.setShortcut(QKeySequence("A"))
        self.leave_button.setShortcut(QKeySequence("L"))
        self.accept_button.setToolTip("Enter or A")
        self.leave_button.setToolTip("L")
        self.setDefaultButton(self.accept_button)
        self.setEscapeButton(self.cancel_button)
        self.always = QCheckBox("Do this every time (Edit → Preferences changes it)")
        self.setCheckBox(self.always)

    @property
    def choice(self) -> str | None:
        clicked = self.clickedButton()
        if clicked is self.accept_button:
            return "accept"
        if clicked is self.leave_button:
            return "leave"
        return None

    def remember(self) -> bool:
        return self.always.isChecked() and self.choice is not None
