"""How each curator's marks look in review mode, the same in the text, the panel and the
legend: curator N (their number on screen, 1-9) has a lane of its own under the text, a
line pattern of its own (solid, dashed, dotted, ...), and a number badge. Colour is the
label's, so curators are told apart by position, pattern and number, never by colour
alone."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap

# Dash patterns in units of the pen's width, one per curator: solid, dashed, dotted,
# dash-dot, long dashes, dash-dot-dot, sparse dots, long-short, double dots.
PATTERNS: tuple[tuple[float, ...], ...] = (
    (),
    (3.0, 2.0),
    (0.5, 1.6),
    (4.0, 1.5, 0.5, 1.5),
    (7.0, 2.5),
    (4.0, 1.2, 0.5, 1.2, 0.5, 1.2),
    (0.5, 3.5),
    (8.0, 1.5, 2.0, 1.5),
    (0.5, 1.0, 0.5, 3.0),
)
PATTERN_NAMES = (
    "solid",
    "dashed",
    "dotted",
    "dash-dot",
    "long dashes",
    "dash-dot-dot",
    "sparse dots",
    "long-short",
    "double dots",
)
LANE_WIDTH = 2.2  # the line's width
LANE_STEP = 5.5  # from one curator's lane to the next
BADGE_COLOR = "#3A4350"


def lane_pen(index: int, color: QColor, width: float = LANE_WIDTH) -> QPen:
    """The pen of curator number `index + 1`."""
    pen = QPen(color, width)
    pattern = PATTERNS[index % len(PATTERNS)]
    if pattern:
        pen.setDashPattern(list(pattern))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap if 0.5 in pattern else Qt.PenCapStyle.FlatCap)
    else:
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def lanes_height(curators: int) -> float:
    """The room the lanes of `curators` curators take under a line of text."""
    return 3.0 + max(1, curators) * LANE_STEP


def lane_y(bottom: float, index: int) -> float:
    return bottom + 3.0 + index * LANE_STEP


def draw_badge(painter: QPainter, rect: QRectF, number: int, *, muted: bool = False) -> None:
    """A curator's number in a small rounded box."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#9AA0A8" if muted else BADGE_COLOR))
    painter.drawRoundedRect(rect, 3, 3)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(max(8, int(rect.height() * 0.72)))
    painter.setFont(font)
    painter.setPen(QColor("#FFFFFF"))
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(number))
    painter.restore()


def sample(index: int, color: str = "#3A4350", width: int = 30, height: int = 14) -> QPixmap:
    """A short stretch of curator `index + 1`'s line, for legends."""
    ratio = 2.0
    pix = QPixmap(int(width * ratio), int(height * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(lane_pen(index, QColor(color), LANE_WIDTH))
    y = height / 2
    p.drawLine(QPointF(1, y), QPointF(width - 1, y))
    p.end()
    return pix


def pair_data(a: str, b: str) -> str:
    """A pair of curators as a combo box's item data: a string, which Qt's findData can
    compare (a Python tuple it cannot)."""
    return f"{a}\x1f{b}"


def pair_of(data: object) -> tuple[str, str] | None:
    """The pair `pair_data` made, or None."""
    if not isinstance(data, str) or "\x1f" not in data:
        return None
    a, _, b = data.partition("\x1f")
    return a, b
