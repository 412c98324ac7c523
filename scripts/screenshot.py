"""Render the curation window on the seeds to docs/screenshot.png (offscreen, no display).

    python scripts/screenshot.py [--out docs/screenshot.png] [--size 1400x900]

Imports the seeds into a temporary project, runs the real model over them
(`annotator suggest`, in a subprocess like the window does), takes a few decisions so the
picture shows every state (accepted, corrected, suggested, the current span framed),
and grabs the window. Then, by key presses as a curator would: find in text with a
missed name found (docs/find.png), the match selected with where it will snap
(docs/selection.png), D with suggestions still open (docs/done-prompt.png), and the
keyboard in the span list after Tab (docs/focus-spans.png). Also
writes docs/shortcuts.png and docs/figure-dialog.png. Linking on seed 000: the candidate
popup beside its span (docs/link-popup.png), the new-entity form (docs/new-entity.png),
the offer of the other mentions (docs/other-mentions.png), the figure-links editor
(docs/figure-links.png), and the facts view with the seeds' 2022 trade conflict
(docs/facts.png).

Review mode (no model needed; `--only review` makes just these): three curators' work on
the seeds (tests/_review_helpers.three_curators, with a few figures and knowledge-base
links added), opened by Ctrl+R with a majority auto-accepted, two disagreements settled
by keys: docs/review-mode.png (a disagreement on a label), docs/review-figure.png (one on
a figure's value) and docs/agreement-report.png (View → Agreement report).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fail(message: str) -> None:
    print(f"screenshot: {message}", file=sys.stderr)
    sys.exit(1)


def build_project(folder: Path, *, kb: bool = False) -> Path:
    from annotator.core.importer import import_paths
    from annotator.core.kb.starter import prepare_new_project
    from annotator.core.store import Store

    if importlib.util.find_spec("annotator.core.suggest") is None:
        fail("annotator.core.suggest is not in this checkout: cannot make real suggestions")
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "seeds.db"
    with Store(db) as store:
        # With `kb`, the starter knowledge base, as `annotator import` loads it (its
        # pre-links then cover the names the model missed, which the find shots need).
        prepare_new_project(store, empty_kb=not kb)
        import_paths(store, [ROOT / "seeds"])
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "suggest", "--db", str(db), "--progress", "none"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode != 0:
        fail(f"`annotator suggest` failed: {result.stderr.strip() or result.stdout.strip()}")
    return db


def take_decisions(db: Path, annotator: str) -> int:
    """Decide on the first half of the richest seed, so every state shows. Returns its id."""
    from annotator.core import curation
    from annotator.core.store import Store

    with Store(db) as store:
        best = max(store.document_ids(), key=lambda i: len(store.suggestions(i, "figures")))
        state = curation.load(store, best, annotator)
        cut = len(state.text) // 3
        for n, item in enumerate([it for it in state.items if it.end < cut]):
            state = curation.load(store, best, annotator)
            item = state.resolve(item.id) or item
            if n == 3:
                curation.reject(store, state, item)
            elif n == 5 and item.layer == "ents":
                curation.resize(store, state, item, "right", +1)
            elif n == 7 and item.layer == "ents":
                curation.relabel(store, state, item, "NORP" if item.label != "NORP" else "GPE")
            else:
                curation.accept(store, state, item)
        for other in store.document_ids()[:2]:
            if other != best:
                store.set_status(other, annotator, "done")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--size", default="1400x900")
    parser.add_argument("--only", choices=["all", "review"], default="all")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    review_shots(args.out.parent)
    if args.only == "review":
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = build_project(folder)
        doc_id = take_decisions(db, "maria")

        from annotator.gui.app import application

        app = application()
        from PySide6.QtCore import QSettings

        from annotator.gui.dialogs import FigureDialog, ShortcutsDialog
        from annotator.gui.main_window import MainWindow

        s = QSettings(str(folder / "settings" / "annotator.ini"), QSettings.Format.IniFormat)
        s.clear()
        s.sync()
        window = MainWindow(db, annotator="maria", settings_dir=folder / "settings")
        window.resize(width, height)
        window.show()
        window.splitter.setSizes([360, width - 360 - 440, 440])
        window.session.open(doc_id)
        state = window.session.state
        assert state is not None
        first_open = state.next_open(None)
        if first_open is not None:
            window.session.set_current(first_open.id)
        for _ in range(5):
            app.processEvents()
        out = args.out.parent
        out.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(args.out))
        print(f"wrote {args.out}")
        keys_shots(app, window, out)

        dialog = ShortcutsDialog(window.scheme, window)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(out / "shortcuts.png"))
        dialog.close()

        # the heading and the amount typed are the same figure's
        figures = [it for it in state.items if it.layer == "figures"]
        fig = next((it for it in figures if it.label == "money"), figures[0] if figures else None)
        if fig is not None:
            fd = FigureDialog(fig, window)
            fd.show()
            fd.amount.setText(fig.text)
            fd._parse_amount(fig.text)
            app.processEvents()
            fd.grab().save(str(out / "figure-dialog.png"))
            fd.close()
        window.close()

        # linking and the facts, in a project with the starter knowledge base
        kb_db = build_project(folder / "kb", kb=True)
        window = MainWindow(kb_db, annotator="maria", settings_dir=folder / "settings")
        window.resize(width, height)
        window.show()
        window.splitter.setSizes([360, width - 360 - 440, 440])
        link_shots(window, out)
        window.close()


def keys_shots(app: object, window: object, out: Path) -> None:
    """The find bar, a pending selection and D's question, reached by keys."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    w: Any = window

    def settle() -> None:
        for _ in range(5):
            QApplication.processEvents()

    state = w.session.state
    missed = first_missed_word(state)
    if missed is None:
        fail("no word the model missed after the decided spans, to show find with")
    start, word = missed
    QTest.keyClick(w.article, Qt.Key.Key_Slash)
    bar = w.article_pane.find_bar
    for ch in word[:3].lower():
        QTest.keyClick(bar.field, ch)
    for _ in range(40):  # ↓ until the match is the missed word, as a curator would
        sel = w.article.selected_span()
        if sel is None or sel[0] == start:
            break
        QTest.keyClick(bar.field, Qt.Key.Key_Down)
    settle()
    w.grab().save(str(out / "find.png"))
    print(f"wrote {out / 'find.png'}")
    QTest.keyClick(bar.field, Qt.Key.Key_Return)
    settle()
    w.grab().save(str(out / "selection.png"))
    print(f"wrote {out / 'selection.png'}")
    QTest.keyClick(w.article, Qt.Key.Key_Escape)

    def grab_prompt() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, grab_prompt)
            return
        settle()
        box.grab().save(str(out / "done-prompt.png"))
        print(f"wrote {out / 'done-prompt.png'}")
        QTest.keyClick(box, Qt.Key.Key_Escape)

    QTimer.singleShot(0, grab_prompt)
    QTest.keyClick(w.article, Qt.Key.Key_D)
    settle()

    # Tab: the keyboard in the span list (its border turns blue); ↓ moves the current
    # span, and the caret in the text with it
    QTest.qWaitForWindowActive(w)
    QTest.keyClick(QApplication.focusWidget() or w.article, Qt.Key.Key_Tab)
    QTest.keyClick(w.spans.view, Qt.Key.Key_Down)
    settle()
    w.grab().save(str(out / "focus-spans.png"))
    print(f"wrote {out / 'focus-spans.png'}")


def link_shots(window: Any, out: Path) -> None:
    """Linking on seed 000 and the facts view, as a curator sees them."""
    from PySide6.QtCore import QPoint, Qt, QThreadPool
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QApplication

    from annotator.core import curation
    from annotator.core.kb.describe import entity_types
    from annotator.core.kb.linking import link, mark_nil, other_mentions
    from annotator.gui.figure_links_dialog import FigureLinksDialog
    from annotator.gui.link_dialogs import NewEntityDialog, OtherMentionsDialog
    from annotator.gui.link_popup import CandidatePopup

    w: Any = window

    def settle() -> None:
        for _ in range(5):
            QApplication.processEvents()

    def item(text: str, nth: int = 0, **want: Any) -> Any:
        found = [
            it
            for it in w.session.state.items
            if it.text == text and all(getattr(it, k) == v for k, v in want.items())
        ]
        return found[nth]

    def saved(name: str) -> None:
        print(f"wrote {out / name}")

    seed = next(d.id for d in w.store.documents() if d.source.startswith("000"))
    w.session.open(seed)
    # a few decisions, so the article shows every kind of link mark
    for text in ("ASTANA", "Kazakh", "Kassym-Jomart Tokayev", "South Korea", "Park Jin"):
        pre_linked = [
            it for it in w.session.state.items if it.text == text and it.kb_id and it.is_suggestion
        ]
        if pre_linked:
            w.session.run(curation.accept, pre_linked[0])
    w.session.run(mark_nil, item("Smart Farm"))
    tokayev = item("Tokayev")
    w.session.set_current(tokayev.id)
    settle()
    popup = CandidatePopup(w.store, w.session.state, tokayev, w)
    popup.place_near(w.linking.span_rect(tokayev))
    popup.show()
    for ch in "Toka":
        popup.filter.setText(popup.filter.text() + ch)
    settle()
    # the popup drawn over the window where it opens, beside its span
    shot = w.grab()
    painter = QPainter(shot)
    painter.drawPixmap(popup.pos() - w.mapToGlobal(QPoint(0, 0)), popup.grab())
    painter.end()
    shot.save(str(out / "link-popup.png"))
    saved("link-popup.png")
    popup.close()

    council = item("the Business Council")
    types = entity_types(d.label for d in w.scheme.labels("ents"))
    form = NewEntityDialog("Business Council", "ORG", types, council.text, w)
    form.description.setText("joint business council of Kazakhstan and South Korea")
    form.show()
    settle()
    form.grab().save(str(out / "new-entity.png"))
    saved("new-entity.png")
    form.close()

    country = item("Kazakhstan")
    change = w.session.run(link, country, "iso3166:KZ")
    assert change is not None
    linked = w.session.state.resolve(change.focus)
    mentions = other_mentions(w.store, w.session.state, "iso3166:KZ", exclude=linked.id)
    rows = [w.linking._row(w.session.state, m, "iso3166:KZ") for m in mentions]
    offer = OtherMentionsDialog("Kazakhstan", rows, w)
    offer.show()
    settle()
    offer.grab().save(str(out / "other-mentions.png"))
    saved("other-mentions.png")
    offer.close()

    figure = item("$6.1 billion")
    w.session.set_current(figure.id)
    links = FigureLinksDialog(w.store, w.session.state, figure, w)
    links.show()
    settle()
    links.grab().save(str(out / "figure-links.png"))
    saved("figure-links.png")
    links.close()

    w.resize(1400, 1000)
    w.facts.do_toggle_facts()
    for _ in range(100):
        QThreadPool.globalInstance().waitForDone(100)
        settle()
        if w.facts.pane.result is not None and not w.facts.busy():
            break
    else:
        fail("the facts were not computed")
    w.resizeDocks([w.facts.dock], [400], Qt.Orientation.Vertical)
    settle()
    w.grab().save(str(out / "facts.png"))
    saved("facts.png")


def first_missed_word(state: Any) -> tuple[int, str] | None:
    """A capitalised word after the decided spans that no span covers (a name the
    model missed, most likely), for the find picture."""
    import re

    after = max((it.end for it in state.items if it.state != "suggested"), default=0)
    covered = [(it.start, it.end) for it in state.items if it.drawable]
    for m in re.finditer(r"\b[A-Z][a-z]{3,}\b", state.text):
        sentence_start = state.text[max(0, m.start() - 2) : m.start()].strip() in ("", ".")
        if m.start() < after or sentence_start:
            continue
        if not any(s <= m.start() < e for s, e in covered):
            return m.start(), m.group()
    return None


def review_project(db: Path) -> None:
    """The seeds with alice's, bob's and carol's finished work; on the first document a
    few figures (one value in dispute) and knowledge-base links too."""
    from annotator.core.importer import import_paths
    from annotator.core.store import Store

    sys.path.insert(0, str(ROOT / "tests"))
    from _review_helpers import three_curators

    with Store(db) as store:
        import_paths(store, [ROOT / "seeds"])
        three_curators(store)
        text = store.document(1).text

        def figure(who: str, words: str, label: str, **attrs: Any) -> None:
            i = text.index(words)
            store.add_annotation(1, who, "figures", i, i + len(words), label, "manual",
                                 attrs=attrs)  # fmt: skip

        for who, value in (("alice", 6.1e9), ("bob", 6.1e9), ("carol", 6.1e6)):
            figure(who, "$6.1 billion", "money", value=value, unit="USD")
        figure("alice", "$1.5 billion", "money", value=1.5e9, unit="USD")
        figure("carol", "$1.5 billion", "money", value=1.5e9, unit="USD")
        figure("alice", "740 Korean companies", "count", value=740, unit="companies")
        figure("bob", "740", "count", value=740)
        name = text.index("Kassym-Jomart Tokayev")
        for who in ("alice", "bob"):
            for a in store.annotations(1, who):
                if a.start == name:
                    store.update_annotation(a.id, kb_id="Q357717")


def review_shots(out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.gui.app import application
    from annotator.gui.main_window import MainWindow

    app = application()
    out.mkdir(parents=True, exist_ok=True)

    def settle(n: int = 5) -> None:
        for _ in range(n):
            app.processEvents()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "review.db"
        review_project(db)
        w = MainWindow(db, annotator="rita", settings_dir=folder / "settings")
        w.review.set_auto_rule("majority")  # Edit → Preferences
        w.resize(1500, 920)
        w.show()
        QTest.qWaitForWindowActive(w)
        settle()
        QTest.keyClick(QApplication.focusWidget() or w.article, Qt.Key.Key_R,
                       Qt.KeyboardModifier.ControlModifier)  # fmt: skip
        while w.review.queue.reading():
            QTest.qWait(20)
        s = w.review.session
        first = s.current
        # settle the next two by keys (carol's title: X; then alice's version: 1), back
        # to the first with K
        QTest.keyClick(w.review.article, Qt.Key.Key_J)
        while s.current_stop() is not None and not {"TITLE"} >= s.current_stop().labels:
            QTest.keyClick(w.review.article, Qt.Key.Key_1)
        QTest.keyClick(w.review.article, Qt.Key.Key_X)
        s.set_current(first)
        settle()
        w.grab().save(str(out / "review-mode.png"))
        print(f"wrote {out / 'review-mode.png'}")
        figures = [d for d in s.stops if d.layer == "figures" and d.open]
        if figures:
            s.set_current(figures[0].id)
            settle()
            w.grab().save(str(out / "review-figure.png"))
            print(f"wrote {out / 'review-figure.png'}")
        both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        QTest.keyClick(w.review.article, Qt.Key.Key_R, both)
        while w.agreement.running():
            QTest.qWait(20)
        dialog = w.agreement.dialog
        if dialog is not None:
            dialog.resize(980, 760)
            settle()
            dialog.grab().save(str(out / "agreement-report.png"))
            print(f"wrote {out / 'agreement-report.png'}")
            dialog.close()
        w.close()


if __name__ == "__main__":
    main()
