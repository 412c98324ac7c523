"""A curator who uses the keyboard only, for bench/curation_effort.py (and its test).

The curator looks at the window as a person looks at the screen (the open document, its
spans and their states, the current span, the caret and selection, an open dialog) and
knows what the article should end up with (the gold). Each call of `next_key` decides one
key press from what is on screen now; `curation_effort.py` sends it as a real key event
to the widget that has the focus and calls again. Nothing is written except through
those keys.

The strategy, in the article's reading order:

- a suggestion that is right is left open: D at the end asks once, and Enter accepts
  the rest. Walking past one to reach a wrong one costs an A (accept and move on);
- a suggestion with the wrong label: its label key (which moves on);
- a suggestion with the wrong edges: the word and character steps found shortest (a
  step moves on, so a second step on the same span costs a K back first);
- a suggestion that should not be there: X;
- a span the model missed: selected from the caret with Ctrl+arrows and
  Ctrl+Shift+arrows, or found with / by typing the start of its first word (then ↓
  until the match is the right one, Enter), whichever takes fewer keys; then its
  label key;
- to reach a wrong suggestion, A and J from the current span or a find (/, the first
  letters, Enter lands on the span), whichever takes fewer keys.

Every key counts, modifiers included in the one key press they go with (Ctrl+Shift+→ is
one key press).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QWidget

from annotator.core.curation import DECIDED_STATES, DocState, SpanItem, selection_span
from annotator.core.offsets import resize_span, resize_span_chars
from annotator.core.textfind import find_matches, match_from

NO = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
K = Qt.Key


@dataclass(frozen=True)
class Gold:
    layer: str
    start: int
    end: int
    label: str
    value: float | None = None
    unit: str | None = None

    @property
    def extent(self) -> tuple[str, int, int]:
        return (self.layer, self.start, self.end)


@dataclass(frozen=True)
class Press:
    """One key press: a Qt key (or a character to type) with its modifiers, and what it
    was for."""

    key: Any  # Qt.Key or a one-character str
    mods: Qt.KeyboardModifier
    kind: str
    name: str


def press(key: Any, kind: str, mods: Qt.KeyboardModifier = NO, name: str = "") -> Press:
    return Press(key, mods, kind, name or (key if isinstance(key, str) else key.name[4:]))


# The boundary steps of the window, as (side, delta, unit) -> key and modifiers.
STEPS: dict[tuple[str, int, str], tuple[Any, Qt.KeyboardModifier, str]] = {
    ("left", +1, "token"): (K.Key_BracketLeft, NO, "["),
    ("right", +1, "token"): (K.Key_BracketRight, NO, "]"),
    ("left", -1, "token"): (K.Key_BracketLeft, SHIFT, "Shift+["),
    ("right", -1, "token"): (K.Key_BracketRight, SHIFT, "Shift+]"),
    ("left", +1, "char"): (K.Key_BracketLeft, CTRL, "Ctrl+["),
    ("right", +1, "char"): (K.Key_BracketRight, CTRL, "Ctrl+]"),
    ("left", -1, "char"): (K.Key_BracketLeft, CTRL | SHIFT, "Ctrl+Shift+["),
    ("right", -1, "char"): (K.Key_BracketRight, CTRL | SHIFT, "Ctrl+Shift+]"),
}
DIGIT_KEYS = {str(n): getattr(K, f"Key_{n}") for n in range(1, 10)}
MAX_FIND_DOWNS = 12


def step_path(state: DocState, start: int, end: int, goal: tuple[int, int]) -> list[tuple]:
    """The fewest boundary steps that turn [start, end) into `goal` (breadth first over
    the window's own step functions), or [] when none within six steps does."""
    if (start, end) == goal:
        return []
    seen = {(start, end): None}
    queue = deque([((start, end), [])])
    while queue:
        (s, e), path = queue.popleft()
        if len(path) >= 6:
            continue
        for step in STEPS:
            side, delta, unit = step
            if unit == "token":
                nxt = resize_span(state.tokens, s, e, side, delta, state.text)
            else:
                nxt = resize_span_chars(state.text, s, e, side, delta)
            if nxt in seen:
                continue
            seen[nxt] = None
            if nxt == goal:
                return [*path, step]
            # steps that wander far from the goal never come back cheaper
            if (
                abs(nxt[0] - goal[0]) + abs(nxt[1] - goal[1])
                > 4 * (abs(s - goal[0]) + abs(e - goal[1])) + 40
            ):
                continue
            queue.append((nxt, [*path, step]))
    return []


@dataclass
class Task:
    """One thing to change in the open document, at a position in its text."""

    kind: str  # "fix" (a span to relabel, step or reject) | "create" | "delete"
    pos: int
    item: SpanItem | None = None
    gold: Gold | None = None
    steps: list[tuple] = field(default_factory=list)


@dataclass
class Curator:
    window: Any  # annotator.gui.main_window.MainWindow
    gold: dict[int, list[Gold]]  # doc id -> the spans it should end with
    queue: deque[Press] = field(default_factory=deque)
    replans: int = 0
    stuck: dict[str, int] = field(default_factory=dict)
    answered: Any = None  # the last dialog answered (kept, so it is never mistaken)
    note: str = ""  # what the last plan was for (for --trace)

    # -- what is on screen ---------------------------------------------------------------

    @property
    def session(self) -> Any:
        return self.window.session

    @property
    def article(self) -> Any:
        return self.window.article

    def finished(self) -> bool:
        store = self.window.store
        return all(store.status(d, self.session.annotator) == "done" for d in self.gold)

    def label_press(self, layer: str, label: str, kind: str) -> list[Press]:
        d = next((d for d in self.window.scheme.labels(layer) if d.label == label), None)
        if d is not None and d.key in DIGIT_KEYS:
            return [press(DIGIT_KEYS[d.key], kind, NO, d.key)]
        if d is not None and d.key.startswith("Alt+") and d.key[4:] in DIGIT_KEYS:
            return [press(DIGIT_KEYS[d.key[4:]], kind, ALT, d.key)]
        raise LookupError(f"no key for {layer} label {label}")

    def picker_presses(self, label: str, kind: str) -> list[Press]:
        """Type-ahead in the label picker: letters until the label is the first one
        shown, then Enter."""
        out = []
        labels = [
            d.label for layer in ("ents", "figures") for d in self.window.scheme.labels(layer)
        ]
        typed = ""
        for ch in label.lower():
            typed += ch
            out.append(press(ch, kind))
            first = next((x for x in labels if typed in x.lower()), None)
            if first == label:
                break
        out.append(press(K.Key_Return, kind))
        return out

    # -- the plan ------------------------------------------------------------------------

    def _is_right(self, it: SpanItem, golds: dict[tuple[str, int, int], Gold]) -> bool:
        g = golds.get((it.layer, it.start, it.end))
        if g is None or g.label != it.label:
            return False
        if it.layer == "figures" and g.value is not None:
            v = it.attrs.get("value")
            if not isinstance(v, int | float) or abs(v - g.value) > 1e-9 * max(1.0, abs(g.value)):
                return False
            if (it.attrs.get("unit") or None) != (g.unit or None):
                return False
        return True

    def tasks(self, state: DocState) -> list[Task]:
        golds = {g.extent: g for g in self.gold.get(state.document.id, [])}
        live = [it for it in state.items if it.state not in ("rejected", "invalid")]
        done = {
            (it.layer, it.start, it.end)
            for it in live
            if it.state in DECIDED_STATES and self._is_right(it, golds)
        }
        # Spans on the right words: what is left to do on them is a label or a value;
        # a second span on the same words (another label) goes.
        claimed: set[tuple[str, int, int]] = set(done)
        tasks: list[Task] = []
        exact = [it for it in live if (it.layer, it.start, it.end) in golds]
        wrong_words = [it for it in live if (it.layer, it.start, it.end) not in golds]
        for it in sorted(exact, key=lambda it: it.state == "suggested"):
            extent = (it.layer, it.start, it.end)
            if it.state in DECIDED_STATES and self._is_right(it, golds):
                continue
            if extent in claimed:
                tasks.append(Task("fix" if it.is_suggestion else "delete", it.start, it, None))
                continue
            claimed.add(extent)
            if not self._is_right(it, golds):
                tasks.append(Task("fix", it.start, it, golds[extent]))
        # Spans on other words: the overlapping gold span their steps reach cheapest.
        for it in sorted(wrong_words, key=lambda it: (it.state == "suggested", it.start)):
            best: tuple[int, Gold, list[tuple]] | None = None
            for g in golds.values():
                if g.layer != it.layer or g.extent in claimed:
                    continue
                if not (g.start < it.end and it.start < g.end):
                    continue
                path = step_path(state, it.start, it.end, (g.start, g.end))
                if not path:
                    continue
                cost = len(path) * 2 + (g.label != it.label)
                if best is None or cost < best[0]:
                    best = (cost, g, path)
            if best is None:
                tasks.append(Task("fix" if it.is_suggestion else "delete", it.start, it, None))
            else:
                claimed.add(best[1].extent)
                tasks.append(Task("fix", it.start, it, best[1], best[2]))
        for g in golds.values():
            if g.extent not in claimed:
                tasks.append(Task("create", g.start, None, g))
        tasks.sort(key=lambda t: (t.pos, t.kind != "fix"))
        return tasks

    # -- one key -------------------------------------------------------------------------

    def next_key(self) -> Press | None:
        """The next key to press, or None when every document is done."""
        modal = QApplication.activeModalWidget()
        if modal is not None:
            return self._dialog_key(modal)
        if self.queue:
            return self.queue.popleft()
        state = self.session.state
        if state is None or self.finished():
            return None
        if self.window.article_pane.find_bar.isVisible():
            return press(K.Key_Escape, "recover")  # a find this curator did not plan
        tasks = self.tasks(state)
        sel = self.article.selected_span()
        if sel is not None:
            snapped = selection_span(state, *sel)
            create = next(
                (t for t in tasks if t.kind == "create" and t.gold is not None
                 and (t.gold.start, t.gold.end) == snapped),
                None,
            )  # fmt: skip
            if create is None or create.gold is None:
                return press(K.Key_Escape, "recover")
            self.queue.extend(self._label_new(create.gold))
            return self.queue.popleft()
        if not tasks:
            if state.status == "done":
                return None
            self.queue.append(press(K.Key_D, "done"))
            return self.queue.popleft()
        task = tasks[0]
        current = self.session.current_item()
        if task.kind == "fix" and current is not None and task.item is not None:
            # a span the model missed inside the current one: add it while the caret is
            # there (a curator splitting "Kazakh-South Korean" starts with "Kazakh")
            inside = [
                t for t in tasks
                if t.kind == "create" and t.gold is not None and t.gold.layer == current.layer
                and current.start <= t.gold.start and t.gold.end <= current.end
            ]  # fmt: skip
            if inside and task.item.id == current.id:
                task = inside[0]
        it = task.item
        self.note = (
            f"{task.kind} {task.gold.label if task.gold else '-'} "
            f"{state.text[task.gold.start : task.gold.end] if task.gold else ''!r} "
            f"from {it.label + ' ' + repr(it.text) if it else '-'} "
            f"caret={self.article.caret()} current={self.session.current}"
        )
        # the same task planned again on the same screen: the keys did not do what the
        # curator expected (a bug in the window or here): stop rather than loop
        seen = (task.kind, task.pos, task.gold, self.session.current, self.article.caret(),
                tuple(state.counts().values()))  # fmt: skip
        self.stuck[str(seen)] = self.stuck.get(str(seen), 0) + 1
        if self.stuck[str(seen)] > 3:
            raise RuntimeError(f"no progress on {task} in {state.document.source}")
        if task.kind == "create":
            self.queue.extend(self._create(state, task.gold))
        else:
            self.queue.extend(self._fix(state, task))
        return self.queue.popleft() if self.queue else None

    def _dialog_key(self, modal: QWidget) -> Press | None:
        name = type(modal).__name__
        if name == "DoneWithOpenBox":
            if modal is self.answered:
                return None  # answered; waiting for it to close
            self.answered = modal
            return press(K.Key_Return, "done", NO, "Enter (accept the rest)")
        if self.queue:
            return self.queue.popleft()
        return press(K.Key_Escape, "recover")

    # -- fixing a span -------------------------------------------------------------------

    def _fix(self, state: DocState, task: Task) -> list[Press]:
        it = task.item
        assert it is not None
        out = self._reach(state, it)
        if out:
            return out  # the navigation first; the fix once there
        g = task.gold
        if g is None:
            if it.is_suggestion:
                return [press(K.Key_X, "reject")]
            return [press(K.Key_Delete, "reject")]
        if (it.start, it.end) != (g.start, g.end):
            path = task.steps or step_path(state, it.start, it.end, (g.start, g.end))
            side_delta_unit = path[0]
            k, mods, name = STEPS[side_delta_unit]
            return [press(k, "boundary", mods, name)]
        if it.label != g.label:
            return self.label_press(it.layer, g.label, "relabel")
        if it.layer == "figures":
            return self._edit_figure(it, g)
        return [press(K.Key_A, "accept")]

    def _edit_figure(self, it: SpanItem, g: Gold) -> list[Press]:
        """E, then the fields that differ from the gold: the value (Tab from the amount
        field), the unit (two Tabs further), each selected with Ctrl+A and typed; Enter."""
        out = [press(K.Key_E, "figure"), press(K.Key_Tab, "figure")]  # amount -> value
        value = it.attrs.get("value")
        if g.value is not None and value != g.value:
            out.append(press(K.Key_A, "figure", CTRL, "Ctrl+A"))
            out += [press(ch, "figure") for ch in f"{g.value:.12g}"]
        out += [press(K.Key_Tab, "figure"), press(K.Key_Tab, "figure")]  # up to -> unit
        if (it.attrs.get("unit") or None) != (g.unit or None):
            out.append(press(K.Key_A, "figure", CTRL, "Ctrl+A"))
            out += [press(ch, "figure") for ch in (g.unit or "")]
            if not g.unit:
                out.append(press(K.Key_Delete, "figure"))
        out.append(press(K.Key_Return, "figure"))
        return out

    def _reach(self, state: DocState, target: SpanItem) -> list[Press]:
        """Keys that make `target` the current span: the cheaper of walking (A over
        right suggestions, J and K) and finding it; [] when it is current."""
        current = self.session.current
        if current == target.id:
            return []
        walk = self._walk(state, target)
        jumps = [
            j
            for j in (
                self._find_presses(state, target.start, to_span=target),
                self._again_presses(state, target.start, to_span=target),
            )
            if j is not None
        ]
        jump = min(jumps, key=len) if jumps else None
        if jump is not None and (walk is None or len(jump) < len(walk)):
            return jump
        if walk is None:
            raise RuntimeError(f"cannot reach {target}")
        return walk[:1]  # one step, then look again

    def _walk(self, state: DocState, target: SpanItem) -> list[Press] | None:
        items = state.items
        ids = [it.id for it in items]
        golds = {g.extent: g for g in self.gold.get(state.document.id, [])}
        if self.session.current not in ids or target.id not in ids:
            return None
        here, there = ids.index(self.session.current), ids.index(target.id)
        if there < here:
            return [press(K.Key_K, "navigate")] * (here - there)
        out: list[Press] = []
        pos = here
        accepted: set[int] = set()
        while pos != there and len(out) < 60:
            it = items[pos]
            if (
                it.state == "suggested"
                and self._is_right(it, golds)
                and target.state == "suggested"
            ):
                out.append(press(K.Key_A, "accept"))
                accepted.add(pos)
                nxt = [
                    j
                    for j in list(range(pos + 1, len(items)))
                    if items[j].state == "suggested" and j not in accepted
                ]
                if not nxt:
                    return None
                pos = nxt[0]
            else:
                out.append(press(K.Key_J, "navigate"))
                pos += 1
            if pos > there:
                return None
        return out

    # -- finding -------------------------------------------------------------------------

    def _find_presses(
        self, state: DocState, start: int, *, to_span: SpanItem | None
    ) -> list[Press] | None:
        """/ , the first letters of the word at `start`, ↓ until the match there is the
        one selected, Enter. With `to_span`, Enter must land on that span; without,
        Enter must leave the match selected (no span starts there). None when find
        cannot do it."""
        text = state.text
        word_end = start
        while word_end < len(text) and text[word_end].isalnum():
            word_end += 1
        word = text[start:word_end].lower()
        if not word or not word[0].isascii():
            return None  # "Ádám" is more than a key away on most keyboards: not typed
        starts_here = [
            it for it in state.items if it.start == start and it.drawable and it.state != "rejected"
        ]
        if starts_here:
            lands = min(starts_here, key=lambda it: (it.layer != "ents", it.end - it.start))
            if to_span is None or lands.id != to_span.id:
                return None
        elif to_span is not None:
            return None
        origin = self.article.caret()
        best: list[Press] | None = None
        word = word[: next((i for i, c in enumerate(word) if not c.isascii()), len(word))]
        for n in range(1, len(word) + 1):
            # the curator types until the match is the one, or until the count of
            # matches ("2 of 3") stops falling, then steps with ↓ or ↑
            matches = find_matches(text, word[:n])
            starts = [m[0] for m in matches]
            if start not in starts:
                return best
            first = match_from(matches, origin)
            downs = (starts.index(start) - first) % len(matches)
            ups = len(matches) - downs  # ↑ from the first match goes backwards
            if min(downs, ups) <= MAX_FIND_DOWNS:
                out = [press(K.Key_Slash, "find", NO, "/")]
                out += [press(ch, "find") for ch in word[:n]]
                if downs <= ups:
                    out += [press(K.Key_Down, "find")] * downs
                else:
                    out += [press(K.Key_Up, "find")] * ups
                out.append(press(K.Key_Return, "find"))
                if best is None or len(out) < len(best):
                    best = out
            if downs == 0:
                break
        return best

    def _again_presses(
        self, state: DocState, start: int, *, to_span: SpanItem | None
    ) -> list[Press] | None:
        """F3 or Shift+F3, repeating the last find, until it lands at `start` (on
        `to_span`, or selecting the words when no span starts there)."""
        query = self.window.article_pane.find_bar.query
        if not query.strip():
            return None
        matches = find_matches(state.text, query)
        starts = [m[0] for m in matches]
        if start not in starts:
            return None
        starts_here = [
            it for it in state.items if it.start == start and it.drawable and it.state != "rejected"
        ]
        lands = min(
            starts_here, key=lambda it: (it.layer != "ents", it.end - it.start), default=None
        )
        if (to_span is None) != (lands is None) or (to_span and lands and to_span.id != lands.id):
            return None
        sel = self.article.selected_span()
        origin = sel[0] if sel is not None else self.article.caret()
        ahead = (starts.index(start) - match_from(matches, origin)) % len(matches) + 1
        behind = (match_from(matches, origin, backward=True) - starts.index(start)) % len(
            matches
        ) + 1
        if min(ahead, behind) > 4:
            return None
        if ahead <= behind:
            return [press(K.Key_F3, "find", NO, "F3")] * ahead
        return [press(K.Key_F3, "find", SHIFT, "Shift+F3")] * behind

    # -- adding a missed span ------------------------------------------------------------

    def _label_new(self, g: Gold) -> list[Press]:
        if g.layer == "ents":
            try:
                return self.label_press("ents", g.label, "label new")
            except LookupError:
                pass
        return [press(K.Key_N, "label new"), *self.picker_presses(g.label, "label new")]

    def _create(self, state: DocState, g: Gold) -> list[Press]:
        plans = [p for p in (self._caret_plan(state, g), self._find_plan(state, g)) if p]
        if not plans:
            raise RuntimeError(f"cannot select {g} by keys")
        return min(plans, key=len)

    def _find_plan(self, state: DocState, g: Gold) -> list[Press] | None:
        plans = []
        found = self._find_presses(state, g.start, to_span=None)
        if found is not None:
            # after Enter the match is selected from the word's start to the letters typed
            typed = sum(1 for p in found if p.kind == "find" and isinstance(p.key, str))
            sel = self._extend(state, g, g.start, g.start + typed)
            if sel is not None:
                plans.append(found + sel)
        again = self._again_presses(state, g.start, to_span=None)
        if again is not None:
            query = self.window.article_pane.find_bar.query
            match = next(m for m in find_matches(state.text, query) if m[0] == g.start)
            sel = self._extend(state, g, match[0], match[1])
            if sel is not None:
                plans.append(again + sel)
        return min(plans, key=len) if plans else None

    def _cursor(self, u16: int, anchor: int | None = None) -> QTextCursor:
        c = QTextCursor(self.article.document())
        if anchor is not None:
            c.setPosition(anchor)
            c.setPosition(u16, QTextCursor.MoveMode.KeepAnchor)
        else:
            c.setPosition(u16)
        return c

    def _extend(self, state: DocState, g: Gold, anchor_cp: int, pos_cp: int) -> list[Press] | None:
        """Ctrl+Shift+→ (and Shift+→ for the last letters) from a selection until it snaps
        to `g`."""
        om = self.article.offsets
        anchor = om.to_utf16(anchor_cp)
        pos = om.to_utf16(pos_cp)
        out: list[Press] = []
        for _ in range(40):
            a, b = sorted((om.to_cp(anchor), om.to_cp(pos)))
            snapped = selection_span(state, a, b) if a != b else None
            if snapped == (g.start, g.end):
                return out
            if snapped is not None and snapped[1] > g.end:
                return None
            c = self._cursor(pos, anchor)
            c.movePosition(QTextCursor.MoveOperation.NextWord, QTextCursor.MoveMode.KeepAnchor)
            nxt_cp = om.to_cp(c.position())
            sn = (
                selection_span(state, *sorted((anchor_cp, nxt_cp))) if nxt_cp != anchor_cp else None
            )
            if sn is not None and sn[1] > g.end:
                c = self._cursor(pos, anchor)
                c.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor)
                out.append(press(K.Key_Right, "select", SHIFT, "Shift+→"))
            else:
                out.append(press(K.Key_Right, "select", CTRL | SHIFT, "Ctrl+Shift+→"))
            if c.position() == pos:
                return None
            pos = c.position()
        return None

    def _origins(self, state: DocState) -> list[tuple[int, list[Press]]]:
        """Where the caret can be before moving it: where it is, or at the start of a
        span a few J or K presses away (the caret follows them)."""
        out: list[tuple[int, list[Press]]] = [(self.article.caret(), [])]
        ids = [it.id for it in state.items]
        if self.session.current not in ids:
            return out
        here = ids.index(self.session.current)
        for step, key in ((-1, K.Key_K), (+1, K.Key_J)):
            for n in range(1, 9):
                i = here + step * n
                if not 0 <= i < len(ids):
                    break
                it = state.items[i]
                if it.drawable:
                    out.append((it.start, [press(key, "navigate")] * n))
        return out

    def _caret_plan(self, state: DocState, g: Gold) -> list[Press] | None:
        """From the caret (or a span a few J/K away), Ctrl+←/→ (or Ctrl+Home) to the
        start of `g`, then select it."""
        best: list[Press] | None = None
        for origin_cp, nav in self._origins(state):
            plan = self._caret_plan_from(state, g, origin_cp)
            if plan is not None and (best is None or len(nav) + len(plan) < len(best)):
                best = nav + plan
        return best

    def _caret_plan_from(self, state: DocState, g: Gold, origin_cp: int) -> list[Press] | None:
        om = self.article.offsets
        here = om.to_utf16(origin_cp)
        goal = om.to_utf16(g.start)
        best: list[Press] | None = None
        starts: list[tuple[int, list[Press]]] = [(here, [])]
        c = self._cursor(here)
        moves: list[Press] = []
        forward = goal >= here
        op = (
            QTextCursor.MoveOperation.NextWord
            if forward
            else QTextCursor.MoveOperation.PreviousWord
        )
        for _ in range(30):
            if (forward and c.position() >= goal) or (not forward and c.position() <= goal):
                break
            c.movePosition(op)
            moves = [*moves, press(K.Key_Right if forward else K.Key_Left, "caret", CTRL,
                                   "Ctrl+→" if forward else "Ctrl+←")]  # fmt: skip
            starts.append((c.position(), moves))
        starts.append((0, [press(K.Key_Home, "caret", CTRL, "Ctrl+Home")]))
        for pos, keys in starts:
            # the caret must sit at the start of g, or in the white space just before it
            gap = state.text[om.to_cp(min(pos, goal)) : g.start] if pos <= goal else "x"
            if pos != goal and (pos > goal or gap.strip()):
                continue
            ext = self._extend(state, g, om.to_cp(pos), om.to_cp(pos))
            if ext is None:
                continue
            plan = keys + ext
            if best is None or len(plan) < len(best):
                best = plan
        return best


def keys_for(plan: Sequence[Press]) -> str:
    return " ".join(p.name for p in plan)
