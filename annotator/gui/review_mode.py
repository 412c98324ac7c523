"""Review mode: the window's page for adjudicating curators' work into the gold.

`ReviewMode` composes the queue (left), the article with every curator's version over
it (centre) and the dispute panel (right) around a `ReviewSession`, with the reviewer's
actions (`ReviewActions`), its status-bar widgets and its preference (what is accepted
automatically when a document opens). The window adds its page to the mode stack; Ctrl+R
switches (`do_toggle_review_mode`), and the document follows: the one being curated is
reviewed when two curators finished it, and back in curation the reviewed one is open.
The reviewer is the window's curator (--annotator): their name is in every adjudication
event; the gold is written as `@gold`, curators' own work is never changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QProgressBar,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from annotator.core.review import walk
from annotator.core.review.disputes import DocReview, finished_curators
from annotator.core.store import Store
from annotator.gui.dispute_pane import DisputePane
from annotator.gui.labels import LabelScheme
from annotator.gui.modes import WindowModes, command_mode
from annotator.gui.plain import escape, plain_label, show_title, tooltip
from annotator.gui.review_actions import ReviewActions
from annotator.gui.review_article import ReviewArticleView
from annotator.gui.review_queue import ReviewQueuePane
from annotator.gui.review_session import ReviewSession
from annotator.gui.session import CurationSession
from annotator.gui.settings import review_auto_accept, set_review_auto_accept


class ReviewMode(QObject):
    message = Signal(str, int)
    # What a pending text selection would add ("" once there is none), as ArticlePane's
    selectionHint = Signal(str)

    def __init__(
        self,
        db_path: Path,
        store: Store,
        curation: CurationSession,
        scheme: LabelScheme,
        settings: QSettings,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.curation = curation
        self.scheme = scheme
        self.settings = settings
        self.modes: WindowModes | None = None
        self.session = ReviewSession(store, curation.annotator, curation.undo_stack, self)
        self.session.auto_rule = review_auto_accept(settings)
        self.queue = ReviewQueuePane(db_path)
        self.article = ReviewArticleView()
        self.disputes = DisputePane(self.session, scheme)
        self.actions = ReviewActions(
            self.session, self.article, self.disputes.view, self.queue, scheme, parent
        )
        self.page = self._page()
        self._status_widgets()
        self.article.stopClicked.connect(
            lambda stop_id: self.session.set_current(stop_id, scroll=False)
        )
        self.article.selectionChanged.connect(self._selection_changed)
        self.queue.openRequested.connect(lambda doc_id: self.session.open(doc_id))
        self.queue.homeRequested.connect(lambda: self.article.setFocus())
        self.queue.loaded.connect(self._queue_loaded)
        self.queue.busy.connect(self._busy)
        self.session.reviewOpened.connect(self._opened)
        self.session.reviewChanged.connect(self._changed)
        self.session.currentChanged.connect(self._current)
        self.session.message.connect(self.message)
        # Focus: Tab goes between the text and the versions; the queue by F6 or a click.
        self.article.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.disputes.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- composition ---------------------------------------------------------------------

    def _page(self) -> QSplitter:
        centre = QWidget(objectName="center")
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget()
        hv = QVBoxLayout(header)
        hv.setContentsMargins(18, 14, 18, 6)
        hv.setSpacing(2)
        self.title_label = plain_label(QLabel(objectName="docTitle"))
        self.title_label.setWordWrap(True)
        self.meta_label = plain_label(QLabel(objectName="docMeta"))
        self.meta_label.setWordWrap(True)
        hv.addWidget(self.title_label)
        hv.addWidget(self.meta_label)
        layout.addWidget(header)
        layout.addWidget(self.article, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("reviewSplitter")
        for w in (self.queue, centre, self.disputes):
            splitter.addWidget(w)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([360, 600, 460])
        splitter.setChildrenCollapsible(False)
        return splitter

    def _status_widgets(self) -> None:
        self.task_label = QLabel("Reading the review queue…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # one query: busy, not a percentage
        self.progress.setMaximumWidth(120)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop reading the review queue")
        self.cancel_button.clicked.connect(self.queue.cancel)
        self.counts_label = QLabel()
        self.position_label = QLabel()
        self.reviewer_label = QLabel(f"Reviewer: <b>{escape(self.session.reviewer)}</b>")
        self.reviewer_label.setToolTip(
            tooltip("Your name (--annotator) goes with every adjudication; the gold is @gold")
        )
        self._busy(False)

    def status_widgets(self) -> list[QWidget]:
        """Everything review mode puts in the status bar."""
        return [self.task_label, self.progress, self.cancel_button, *self.mode_widgets()]

    def mode_widgets(self) -> list[QWidget]:
        """What shows whenever review mode does (reading the queue shows while it runs)."""
        return [self.counts_label, self.position_label, self.reviewer_label]

    def tab(self, focused: QWidget | None, forward: bool) -> bool:
        """Tab in review mode: between the text and the versions; among the queue's
        filters and list once the keyboard is there (Ctrl+F, F6). False elsewhere."""
        if self.modes is None or self.modes.mode != "review" or focused is None:
            return False
        if focused is self.article:
            self.disputes.view.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if focused is self.disputes.view:
            self.article.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        q = self.queue
        ring: list[QWidget] = [q.label_filter, q.pair_filter, q.only_open, q.view]
        if focused in ring:
            step = 1 if forward else -1
            ring[(ring.index(focused) + step) % len(ring)].setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return False

    def home(self) -> QWidget:
        return self.article

    def attach(self, modes: WindowModes) -> None:
        self.modes = modes
        modes.modeChanged.connect(self._mode_changed)
        self.session.activated.connect(lambda: modes.set_mode("review"))
        self.curation.undo_stack.indexChanged.connect(self._undo_index)
        self._undo_at = self.curation.undo_stack.index()
        self.curation_article_font(self.article.font())

    def curation_article_font(self, font: object) -> None:
        self.article.setFont(font)  # type: ignore[arg-type]
        self.article.document().setDefaultFont(font)  # type: ignore[arg-type]

    def follow_font(self, article: QWidget) -> None:
        """Keep the text size of `article` (the curation view, which Ctrl+= changes)."""
        self._font_source = article
        article.installEventFilter(self)
        self.curation_article_font(article.font())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is getattr(self, "_font_source", None) and event.type() == QEvent.Type.FontChange:
            self.curation_article_font(obj.font())  # type: ignore[attr-defined]
        return False

    def build_preferences(self, menu: QMenu, owner: QWidget) -> dict[str, QAction]:
        sub = menu.addMenu("Review: accept automatically when a document opens")
        group = QActionGroup(owner)
        made = {}
        current = review_auto_accept(self.settings)
        for rule in walk.AUTO_ACCEPT:
            act = QAction(walk.AUTO_ACCEPT_TEXT[rule].capitalize(), owner, checkable=True)
            act.setChecked(rule == current)
            act.triggered.connect(lambda _=False, rule=rule: self.set_auto_rule(rule))
            group.addAction(act)
            sub.addAction(act)
            made[f"pref_review_auto_{rule}"] = act
        return made

    def set_auto_rule(self, rule: str) -> None:
        set_review_auto_accept(self.settings, rule)
        self.session.auto_rule = rule
        self.message.emit(
            f"Review: documents open with {walk.AUTO_ACCEPT_TEXT[rule]} accepted", 5000
        )

    # -- switching -----------------------------------------------------------------------

    def do_toggle_review_mode(self) -> None:
        if self.modes is None:
            return
        if self.modes.mode == "review":
            doc = self.session.doc_id
            self.modes.set_mode("curate")
            if doc is not None and doc != self.curation.doc_id:
                self.curation.open(doc)
            return
        self.modes.set_mode("review")
        self.enter(self.curation.doc_id)

    def enter(self, hint: int | None) -> None:
        """Read the queue again and review `hint` when two curators finished it, else
        go on with the document under review, else (once the queue is read) the first
        with open disagreements."""
        self.queue.reload()
        store = self.session.store
        target = None
        if hint is not None and len(finished_curators(store, hint)) >= 2:
            target = hint
        elif self.session.doc_id is not None:
            target = self.session.doc_id
        if target is not None:
            self.session.open(target)

    def _queue_loaded(self) -> None:
        if self.session.review is None:
            first = self.queue.next_open(None) or self.queue.model.doc_id(0)
            if first is not None:
                self.session.open(first)
            else:
                self.session.clear()
        else:
            self._sync_queue(self.session.review)

    def _mode_changed(self, mode: str) -> None:
        self._busy(self.queue.reading())
        if mode != "review":
            self.queue.cancel()
        elif not self.queue.model.entries and not self.queue.reading():
            self.queue.reload()  # shown by an undo, before the queue was ever read

    def _undo_index(self, index: int) -> None:
        """An undo or redo shows the mode its action was taken in: one of a curation
        action while reviewing goes back to curating, one of an adjudication while
        curating to reviewing (where `ReviewSession.replay` shows its document)."""
        before, self._undo_at = self._undo_at, index
        stack = self.curation.undo_stack
        if self.modes is None or index == before or not isValid(stack):
            return  # (the window closing clears the stack)
        command = stack.command(index) if index < before else stack.command(index - 1)
        mode = command_mode(command) or "curate"
        if mode != self.modes.mode:
            self.modes.set_mode(mode)

    def _busy(self, busy: bool) -> None:
        for w in (self.task_label, self.progress, self.cancel_button):
            w.setVisible(busy and (self.modes is None or self.modes.mode == "review"))

    # -- showing -------------------------------------------------------------------------

    def _opened(self, review: DocReview | None) -> None:
        self.article.clear_selection()
        if review is None:
            self.title_label.setText("Nothing to review")
            self.meta_label.setText(
                "The review queue lists documents at least two curators marked done. "
                "Bring other curators' project files in with annotator merge OTHER.db."
            )
            self.article.show_review(None, (), self.scheme)
            self._status(None)
            return
        doc = review.document
        title = doc.title or f"Document {doc.id}"
        show_title(self.title_label, title)
        curators = ", ".join(f"{i} {c}" for i, c in enumerate(review.curators, 1))
        meta = [m for m in (doc.date, doc.source) if m]
        meta.append(f"versions of {curators}")
        self.meta_label.setText("  ·  ".join(meta))
        self._changed(review)

    def _changed(self, review: DocReview) -> None:
        self.article.show_review(review, self.session.stops, self.scheme)
        self._sync_queue(review)
        self._status(review)

    def _sync_queue(self, review: DocReview) -> None:
        entry = self.queue.entry(review.document.id)
        if entry is not None:
            f = self.queue.filter
            self.queue.update_entry(walk.updated_entry(entry, review, label=f.label, pair=f.pair))
        self.queue.select(review.document.id)
        self._status(review)

    def _current(self, stop_id: str | None, row_key: str | None, scroll: bool) -> None:
        self.article.set_current(
            self.session.current_stop(), self.session.current_row(), scroll=scroll
        )

    def _selection_changed(self) -> None:
        r = self.session.review
        sel = self.article.selected_span()
        if r is None or sel is None:
            if self.article.preview is not None:
                self.selectionHint.emit("")
            self.article.set_preview(None)
            return
        from annotator.core.offsets import snap_to_tokens, token_bounds

        span = snap_to_tokens(token_bounds(r.document.text), *sel)
        self.article.set_preview(span)
        if span is not None:
            words = r.document.text[span[0] : span[1]].replace("\n", " ")
            words = words if len(words) <= 50 else words[:23] + " … " + words[-23:]
            self.selectionHint.emit(
                f"Adds “{words}” to the gold: N chooses the label (Shift+N: exactly the "
                "characters selected); Esc clears the selection"
            )

    def _status(self, review: DocReview | None) -> None:
        if review is None:
            self.counts_label.setText("")
            self.position_label.setText("")
            return
        open_ = len(review.open_disputes)
        disagree = sum(1 for d in review.disputes if walk.is_disagreement(d))
        agreed = len(review.disputes) - disagree
        self.counts_label.setText(
            f"<b>{open_}</b> open · {disagree - open_} settled · {agreed} agreed · "
            f"gold {review.status.replace('_', ' ')}"
        )
        model = self.queue.model
        row = model.row_of(review.document.id)
        self.position_label.setText(
            f"Document {row + 1} of {model.rowCount()} in the queue"
            if row is not None
            else "Not in the queue's rows"
        )
