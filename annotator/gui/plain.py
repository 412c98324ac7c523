"""Text from documents, labels, curators and KB entries is shown as text, never as HTML.

Qt guesses whether a string is rich text (`Qt::mightBeRichText`) for labels, tooltips and
message boxes: a title such as `<h1>BIG</h1><img src=/local/file.png>` would render as a
heading and load the local file. Labels that show data are set to plain text; tooltips,
which have no such setting, get the data escaped inside an explicit rich-text wrapper, so
what shows is exactly the characters of the data.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox


def tooltip(text: str) -> str:
    """A tooltip showing `text` as it is, line breaks kept."""
    if not text:
        return ""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def escape(text: str) -> str:
    """`text` for a place that is rich text on purpose (a bold curator name)."""
    return html.escape(text)


def plain_label(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_box(box: QMessageBox) -> QMessageBox:
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def menu_text(text: str) -> str:
    """`text` for a menu entry: an ampersand in the data is not a mnemonic."""
    return text.replace("&", "&&")


TITLE_MAX = 140  # characters of a document title shown whole; longer ones end in "…"


def show_title(label: QLabel, title: str) -> None:
    """A document's title in a heading label, cut at TITLE_MAX with the whole title as
    its tooltip."""
    long = len(title) > TITLE_MAX
    label.setText(title[: TITLE_MAX - 1] + "…" if long else title)
    label.setToolTip(tooltip(title) if long else "")
