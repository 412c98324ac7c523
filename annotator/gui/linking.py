"""Linking in the curation window (the do_* of the Link menu): the candidate popup on
an entity span, a new entity from a span, no entity (NIL), unlink; the figure-links
editor on a figure and its suggested links taken with one key; the keys that go to the
next span still to link. Every write is a core function (`core.kb.linking`,
`core.kb.figure_links`) run through the session, so it is saved at once and undone
with Ctrl+Z.

After a link (from the popup or a new entity) the article's other mentions of the same
entity are offered in one step; accepting links them all as one undo step (the first
link stays its own step, so Ctrl+Z after the offer takes back the other mentions only).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from annotator.core import curation
from annotator.core.curation import SpanItem
from annotator.core.kb.describe import entity_types, link_state, next_to_link
from annotator.core.kb.entities import entity_by_key
from annotator.core.kb.figure_links import accept_links, set_links
from annotator.core.kb.linking import (
    Mention,
    create_entity,
    link,
    link_mentions,
    linkable,
    mark_nil,
    new_entity_defaults,
    other_mentions,
    unlink,
)
from annotator.gui.article_view import ArticleView
from annotator.gui.figure_links_dialog import FigureLinksDialog
from annotator.gui.kb_index import KBIndex
from annotator.gui.labels import LabelScheme
from annotator.gui.link_dialogs import MentionRow, NewEntityDialog, OtherMentionsDialog
from annotator.gui.link_popup import CandidatePopup
from annotator.gui.modal import exec_keeping_focus, keeping_focus
from annotator.gui.session import CurationSession

CONTEXT = 36  # characters either side of a mention in the offer


class LinkingActions:
    def __init__(
        self,
        session: CurationSession,
        article: ArticleView,
        scheme: LabelScheme,
        parent: QWidget,
        kb_index: KBIndex,
    ) -> None:
        self.session = session
        self.article = article
        self.scheme = scheme
        self.parent = parent  # of the dialogs
        self.kb_index = kb_index  # built in the background on a large KB

    def _say(self, text: str, ms: int = 5000) -> None:
        self.session.message.emit(text, ms)

    def _current(self, what: str) -> SpanItem | None:
        """The current span, or None with a word to the curator."""
        if self.article.selected_span() is not None:
            self._say(f"Text is selected: Esc clears it, then {what} acts on the current span")
            return None
        item = self.session.current_item()
        if item is None or not item.drawable:
            self._say("No span is current: J and K go to one")
            return None
        return item

    def _entity(self, what: str) -> SpanItem | None:
        item = self._current(what)
        if item is None:
            return None
        if not linkable(item):
            kind = "a figure" if item.layer == "figures" else f"a {item.label}"
            self._say(
                f"“{item.text}” is {kind}: only names of people, places, organisations… are "
                "linked to entities"
                + (" (Ctrl+L edits a figure's links)" if kind == "a figure" else "")
            )
            return None
        return item

    # -- entity spans -------------------------------------------------------------------

    def span_rect(self, item: SpanItem) -> QRect:
        """Where the span is on the screen (global), for the popup."""
        rects = self.article.range_rects(item.start, item.end)
        vp = self.article.viewport()
        if not rects:
            return QRect(vp.mapToGlobal(QPoint(40, 40)), vp.mapToGlobal(QPoint(80, 60)))
        first, last = rects[0].toRect(), rects[-1].toRect()
        return QRect(vp.mapToGlobal(first.topLeft()), vp.mapToGlobal(last.bottomRight()))

    def do_link(self) -> None:
        # one or two dialogs in a row (the popup, then the offer): the focus goes back to
        # where it was before the first
        with keeping_focus():
            self._link()

    def _index_ready(self) -> bool:
        if self.kb_index.ready():
            return True
        self.kb_index.prepare()
        self._say(
            "The knowledge base is being prepared (a large KB takes a few seconds): try again"
        )
        return False

    def _link(self) -> None:
        item = self._current("Ctrl+L")
        if item is None or not self._index_ready():
            return
        if item.layer == "figures":
            self.edit_figure_links(item)
            return
        item = self._entity("Ctrl+L")
        state = self.session.state
        if item is None or state is None:
            return
        popup = CandidatePopup(self.session.store, state, item, self.parent)
        popup.place_near(self.span_rect(item))
        if not exec_keeping_focus(popup) or popup.choice is None:
            return
        what, value = popup.choice
        if what == "link":
            change = self.session.run(link, item, value)
            if change is not None:
                self.offer_other_mentions(value, change.focus)
        elif what == "new":
            self.new_entity(item, value or None)
        elif what == "nil":
            self.session.run(mark_nil, item)
        elif what == "unlink":
            self._unlink(item)

    def do_new_entity(self) -> None:
        item = self._entity("Ctrl+N")
        if item is not None:
            with keeping_focus():
                self.new_entity(item)

    def new_entity(self, item: SpanItem, name: str | None = None) -> None:
        default_name, default_type = new_entity_defaults(item)
        types = entity_types(d.label for d in self.scheme.labels("ents"))
        dialog = NewEntityDialog(name or default_name, default_type, types, item.text, self.parent)
        if not exec_keeping_focus(dialog):
            return
        change = self.session.run(create_entity, item, **dialog.values())
        state = self.session.state
        made = state.resolve(change.focus) if change is not None and state is not None else None
        if made is not None and made.kb_id:
            self.offer_other_mentions(made.kb_id, made.id)

    def do_mark_nil(self) -> None:
        item = self._entity("Ctrl+Shift+N")
        if item is not None:
            self.session.run(mark_nil, item)

    def do_unlink(self) -> None:
        item = self._entity("Ctrl+U")
        if item is not None:
            self._unlink(item)

    def _unlink(self, item: SpanItem) -> None:
        if item.is_suggestion:
            self._say("A suggestion is not linked yet: X rejects it, A accepts it")
            return
        if not item.kb_id:
            self._say(f"“{item.text}” is not linked")
            return
        self.session.run(unlink, item)

    # -- the other mentions -----------------------------------------------------------------

    def offer_other_mentions(self, key: str, linked_id: str | None) -> None:
        """After a link: the article's other mentions of the entity, offered in one step."""
        state = self.session.state
        if state is None:
            return
        mentions = other_mentions(self.session.store, state, key, exclude=linked_id)
        if not mentions:
            return
        entity = entity_by_key(self.session.store, key)
        name = entity.name if entity is not None else key
        chosen = self.ask_other_mentions(name, [self._row(state, m, key) for m in mentions])
        if chosen:
            self.session.run(link_mentions, key, [mentions[i] for i in chosen])
            after = self.session.state.resolve(linked_id) if self.session.state else None
            if after is not None:
                self.session.set_current(after.id, scroll=False)

    def _row(self, state: curation.DocState, m: Mention, key: str) -> MentionRow:
        text = state.text
        around = (
            f"{text[max(0, m.start - CONTEXT) : m.start]}[{m.text}]{text[m.end : m.end + CONTEXT]}"
        )
        context = "…" + " ".join(around.split()) + "…"
        item = state.item(m.item_id) if m.item_id else None
        if item is None:
            what = "new span"
        elif item.is_suggestion:
            what = f"suggested {item.label}" + (" (pre-linked)" if item.kb_id == key else "")
        else:
            what = f"your {item.label} span"
        return MentionRow(m.text, context, what, m.start, m.end)

    def ask_other_mentions(self, name: str, rows: list[MentionRow]) -> list[int]:
        """Which of the rows to link (indices); [] when declined."""
        dialog = OtherMentionsDialog(name, rows, self.parent)
        if not exec_keeping_focus(dialog):
            return []
        return dialog.ticked()

    # -- figures ----------------------------------------------------------------------------

    def edit_figure_links(self, item: SpanItem) -> None:
        state = self.session.state
        if state is None:
            return
        dialog = FigureLinksDialog(self.session.store, state, item, self.parent)
        if not exec_keeping_focus(dialog):
            return
        if dialog.take_suggested:
            self._accept_links(item)
            return
        values: dict[str, Any] = dialog.values()
        self.session.run(set_links, item, **values, text=f"Links of “{item.text}”")

    def do_accept_links(self) -> None:
        item = self._current("Ctrl+Shift+L")
        if item is None:
            return
        if item.layer == "figures":
            self._accept_links(item)
        elif link_state(item) == "prelinked":
            self.session.run(curation.accept, item)
        else:
            self._say(
                "Ctrl+Shift+L takes a figure's suggested links, or an entity's pre-link; "
                "Ctrl+L chooses a link"
            )

    def _accept_links(self, item: SpanItem) -> None:
        if self.session.run(accept_links, item) is None:
            self._say(f"The links of “{item.text}” are set already: Ctrl+L edits them")

    # -- going from one to the next -----------------------------------------------------

    def _go(self, step: int) -> None:
        state = self.session.state
        if state is None:
            return
        nxt = next_to_link(self.session.store, state, self.session.current, step)
        if nxt is None:
            counts = Counter(link_state(it) for it in state.items)
            self._say(f"Every span is linked ({counts['linked'] + counts['nil']} entities)")
            return
        self.session.set_current(nxt.id)

    def do_next_to_link(self) -> None:
        self._go(+1)

    def do_prev_to_link(self) -> None:
        self._go(-1)
