"""Render the curation window on the seeds to docs/screenshot.png (offscreen, no display).

    python scripts/screenshot.py [--out docs/screenshot.png] [--size 1400x900]

Imports the seeds into a temporary project, runs the real model over them
(`annotator suggest`, in a subprocess like the window does), takes a few decisions so the
picture shows every state, and grabs the window. Also writes docs/shortcuts.png and
docs/figure-dialog.png.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fail(message: str) -> None:
    print(f"screenshot: {message}", file=sys.stderr)
    sys.exit(1)


def build_project(folder: Path) -> Path:
    from annotator.core.importer import import_paths
    from annotator.core.store import Store

    if importlib.util.find_spec("annotator.core.suggest") is None:
        fail("annotator.core.suggest is not in this checkout: cannot make real suggestions")
    db = folder / "seeds.db"
    with Store(db) as store:
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
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))

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
        args.out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(args.out))
        print(f"wrote {args.out}")

        dialog = ShortcutsDialog(window.scheme, window)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(args.out.parent / "shortcuts.png"))
        dialog.close()

        fig = next((it for it in state.items if it.layer == "figures"), None)
        if fig is not None:
            fd = FigureDialog(fig, window)
            fd.show()
            fd.amount.setText("about $6.2 billion")
            fd._parse_amount("about $6.2 billion")
            app.processEvents()
            fd.grab().save(str(args.out.parent / "figure-dialog.png"))
            fd.close()
        window.close()


if __name__ == "__main__":
    main()
