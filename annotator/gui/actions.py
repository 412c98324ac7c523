"""Every curator action of the window in one table: the menus, the shortcuts and
Help -> Keyboard shortcuts are all made from it, so they cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    name: str  # the MainWindow method it calls: do_<name>
    text: str  # menu text
    keys: tuple[str, ...]  # QKeySequence strings, the first one shown in menus
    tip: str  # tooltip and the line in the shortcuts dialog
    menu: str  # "Span", "Document", "Edit", "Link", "View", "Model", "Review", "Help"
    # The window mode it works in ("curate", "review"), or "any": the window enables an
    # action only in its mode, so two modes may give one key to different actions.
    mode: str = "curate"


ACTIONS: tuple[ActionSpec, ...] = (
    # -- span ---------------------------------------------------------------------
    ActionSpec(
        "next_span",
        "Next span",
        ("J",),
        "Make the next span current; the caret goes to it",
        "Span",
    ),
    ActionSpec(
        "prev_span",
        "Previous span",
        ("K",),
        "Make the previous span current; the caret goes to it",
        "Span",
    ),
    ActionSpec(
        "accept",
        "Accept",
        ("A", "Return"),
        "Accept the current suggestion and go to the next open one. With text selected, "
        "Enter adds a span instead",
        "Span",
    ),
    ActionSpec(
        "reject",
        "Reject",
        ("X", "Backspace"),
        "Reject the current suggestion and go on (on a rejected one: restore it)",
        "Span",
    ),
    ActionSpec(
        "accept_all",
        "Accept all remaining",
        ("Shift+A",),
        "Accept every open suggestion in this document (rejected ones stay rejected; "
        "where suggestions overlap, the knowledge base's pre-link wins and the other stays "
        "open)",
        "Span",
    ),
    ActionSpec(
        "pick_label_action",
        "Change label…",
        ("L",),
        "Choose a label from a list: type its first letters (or press its key), Enter",
        "Span",
    ),
    ActionSpec(
        "widen_left",
        "Widen left",
        ("[",),
        "Move the start one word to the left (over a hyphen: to the word before it)",
        "Span",
    ),
    ActionSpec(
        "widen_right",
        "Widen right",
        ("]",),
        "Move the end one word to the right (over a hyphen: to the word after it)",
        "Span",
    ),
    ActionSpec(
        "narrow_left",
        "Narrow left",
        ("Shift+[", "{", "Shift+{"),
        "Move the start one word to the right; possessive ’s, hyphens and punctuation are "
        "words of their own, and the start passes over a hyphen, quote or comma",
        "Span",
    ),
    ActionSpec(
        "narrow_right",
        "Narrow right",
        ("Shift+]", "}", "Shift+}"),
        "Move the end one word to the left (“South Korea’s” → “South Korea”, "
        "“Kazakh-South” → “Kazakh”)",
        "Span",
    ),
    ActionSpec(
        "widen_left_char",
        "Widen left by a character",
        ("Ctrl+[",),
        "Move the start one character to the left",
        "Span",
    ),
    ActionSpec(
        "widen_right_char",
        "Widen right by a character",
        ("Ctrl+]",),
        "Move the end one character to the right (“U.S” → “U.S.”)",
        "Span",
    ),
    ActionSpec(
        "narrow_left_char",
        "Narrow left by a character",
        ("Ctrl+Shift+[", "Ctrl+{", "Ctrl+Shift+{"),
        "Move the start one character to the right",
        "Span",
    ),
    ActionSpec(
        "narrow_right_char",
        "Narrow right by a character",
        ("Ctrl+Shift+]", "Ctrl+}", "Ctrl+Shift+}"),
        "Move the end one character to the left (“Koreans’” → “Koreans”)",
        "Span",
    ),
    ActionSpec(
        "create",
        "Add span from selection…",
        ("N",),
        "Add a span over the selected text, widened to whole words; choose its label "
        "(or press the label's key instead)",
        "Span",
    ),
    ActionSpec(
        "create_exact",
        "Add span, exact characters…",
        ("Shift+N",),
        "Add a span over exactly the selected characters (no token snapping)",
        "Span",
    ),
    ActionSpec("delete", "Delete", ("Delete",), "Remove the current span", "Span"),
    ActionSpec(
        "edit_figure",
        "Edit figure…",
        ("E",),
        "Edit the current figure's value, unit and kind",
        "Span",
    ),
    # -- document -------------------------------------------------------------------
    ActionSpec(
        "mark_done",
        "Mark done, next open",
        ("Ctrl+Return", "D"),
        "Mark this document done and open the next open one. With suggestions still open, "
        "asks once: accept them (Enter), leave them open (L) or go back (Esc)",
        "Document",
    ),
    ActionSpec(
        "skip",
        "Skip",
        ("S",),
        "Mark this document skipped and open the next open one",
        "Document",
    ),
    ActionSpec(
        "next_doc",
        "Next document",
        ("Ctrl+PgDown",),
        "Open the next document in the list",
        "Document",
    ),
    ActionSpec(
        "prev_doc",
        "Previous document",
        ("Ctrl+PgUp",),
        "Open the previous document in the list",
        "Document",
    ),
    ActionSpec(
        "import_files",
        "Import files…",
        ("Ctrl+O",),
        "Import .txt, .jsonl or .csv articles; new ones are then suggested in the background",
        "Document",
    ),
    ActionSpec(
        "suggest_new",
        "Suggest new documents",
        ("Ctrl+Shift+S",),
        "Run the model over documents it has not seen, in the background",
        "Document",
    ),
    # -- edit -------------------------------------------------------------------------
    ActionSpec(
        "undo",
        "Undo",
        ("Ctrl+Z",),
        "Undo the last action (in any document)",
        "Edit",
        mode="any",
    ),
    ActionSpec(
        "redo",
        "Redo",
        ("Ctrl+Shift+Z", "Ctrl+Y"),
        "Redo the last undone action",
        "Edit",
        mode="any",
    ),
    ActionSpec(
        "find_in_text",
        "Find in text…",
        ("/",),
        "Type the start of a word: the first match after the caret is selected. Enter on "
        "a match where a span starts makes that span current; elsewhere it keeps the "
        "match selected, so a label key or N adds it. ↓ ↑ next, previous; Esc back",
        "Edit",
    ),
    ActionSpec("find_next", "Find next", ("F3",), "Select the next match in the text", "Edit"),
    ActionSpec("find_prev", "Find previous", ("Shift+F3",), "Select the previous match", "Edit"),
    ActionSpec(
        "escape",
        "Clear selection, back to text",
        ("Esc",),
        "Clear the text selection; close Find; from the document list or search, back",
        "Edit",
    ),
    ActionSpec(
        "find",
        "Search documents",
        ("Ctrl+F",),
        "Full-text search over titles and texts (Esc goes back to the text)",
        "Edit",
    ),
    # -- view -------------------------------------------------------------------------
    ActionSpec(
        "focus_next_pane",
        "Next pane",
        ("F6",),
        "Move the keyboard focus to the next pane: text, spans, documents",
        "View",
    ),
    ActionSpec(
        "focus_prev_pane",
        "Previous pane",
        ("Shift+F6",),
        "Move the keyboard focus to the previous pane",
        "View",
    ),
    ActionSpec(
        "toggle_rejected",
        "Show rejected in text",
        ("Ctrl+H",),
        "Show rejected suggestions in the text, struck through",
        "View",
    ),
    ActionSpec(
        "bigger", "Larger text", ("Ctrl+=", "Ctrl++"), "Larger article text", "View", mode="any"
    ),
    ActionSpec("smaller", "Smaller text", ("Ctrl+-",), "Smaller article text", "View", mode="any"),
    ActionSpec(
        "reset_font",
        "Default text size",
        ("Ctrl+0",),
        "Default article text size",
        "View",
        mode="any",
    ),
    # -- help -------------------------------------------------------------------------
    ActionSpec(
        "show_shortcuts",
        "Keyboard shortcuts",
        ("F1", "?"),
        "List every shortcut",
        "Help",
        mode="any",
    ),
    # -- link (entity linking, figure links, facts) ------------------------------------
    ActionSpec(
        "link",
        "Link…",
        ("Ctrl+L",),
        "On an entity: the knowledge base's candidates with why each ranks there; type to "
        "search, ↑ ↓ and Enter link, then offers the article's other mentions. On a "
        "figure: its metric, period and subjects",
        "Link",
    ),
    ActionSpec(
        "new_entity",
        "New entity from span…",
        ("Ctrl+N",),
        "Make a knowledge-base entity of the current span (name and type pre-filled) and "
        "link the span to it",
        "Link",
    ),
    ActionSpec(
        "mark_nil",
        "No entity (NIL)",
        ("Ctrl+Shift+N",),
        "Mark the current span as naming no entity of the knowledge base",
        "Link",
    ),
    ActionSpec(
        "unlink",
        "Unlink",
        ("Ctrl+U",),
        "Take the current span's link (or NIL) back; the span stays",
        "Link",
    ),
    ActionSpec(
        "accept_links",
        "Accept suggested links",
        ("Ctrl+Shift+L",),
        "Take the suggested metric, period and subjects of the current figure as they are "
        "(on an entity: its pre-link)",
        "Link",
    ),
    ActionSpec(
        "next_to_link",
        "Next span to link",
        ("Ctrl+J",),
        "Go to the next entity without a link of yours, or figure without its links",
        "Link",
    ),
    ActionSpec(
        "prev_to_link",
        "Previous span to link",
        ("Ctrl+K",),
        "Go to the previous span still to link",
        "Link",
    ),
    ActionSpec(
        "toggle_facts",
        "Facts",
        ("F9",),
        "Show the facts view (figures grouped by metric, subjects and period; conflicts "
        "marked) and go to it; again: back to the text, and F9 once more hides it",
        "View",
    ),
    # -- model: the model in use, switching, training------------------------
    ActionSpec(
        "switch_model",
        "Switch model…",
        ("Ctrl+M",),
        "Choose the model whose suggestions show; it suggests the documents you have not "
        "finished in the background (statuses stay as they are)",
        "Model",
    ),
    ActionSpec(
        "compare_models",
        "Compare models…",
        ("Ctrl+Shift+M",),
        "Per-label precision, recall and F1 of two models on the documents marked done, "
        "side by side (annotator evaluate, in the background)",
        "Model",
        mode="any",
    ),
    ActionSpec(
        "train_model",
        "Train a model…",
        ("Ctrl+T",),
        "Fine-tune a model on finished documents in the background, a line per evaluation "
        "in the status bar; the window stays usable",
        "Model",
        mode="any",
    ),
    ActionSpec(
        "stop_training",
        "Stop training",
        ("Ctrl+Shift+T",),
        "Stop the training run at the next step; the best model so far is kept and recorded",
        "Model",
        mode="any",
    ),
    # -- review mode (adjudication) and the agreement report ----------------------------
    ActionSpec(
        "toggle_review_mode",
        "Review mode",
        ("Ctrl+R",),
        "Switch between curating and reviewing: the queue of documents curators disagree "
        "on, every curator's version over the text, adjudication into the gold",
        "View",
        mode="any",
    ),
    ActionSpec(
        "agreement_report",
        "Agreement report…",
        ("Ctrl+Shift+R",),
        "Agreement per label as a chart and the label confusion matrix of a pair of "
        "curators, computed in the background",
        "View",
        mode="any",
    ),
    ActionSpec(
        "review_next",
        "Next disagreement",
        ("J",),
        "Go to the next span group the curators disagree on (settled ones included)",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_prev",
        "Previous disagreement",
        ("K",),
        "Go to the previous span group the curators disagree on",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_next_stop",
        "Next span",
        ("Shift+J",),
        "Go to the next span group of any kind: agreed ones and your own spans too",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_prev_stop",
        "Previous span",
        ("Shift+K",),
        "Go to the previous span group of any kind",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_keep",
        "Settle as the gold stands",
        ("A", "Return"),
        "Settle this disagreement with the gold as it is now (what auto-accept or you put "
        "there); the versions not in it are rejected. Then the next open one",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_reject_all",
        "Reject every version",
        ("X", "Backspace"),
        "Settle this disagreement with no span: every curator's version rejected",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_next_option",
        "Next version",
        ("O",),
        "Make the next version of this span group current (in the panel)",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_prev_option",
        "Previous version",
        ("Shift+O",),
        "Make the previous version of this span group current",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_toggle_option",
        "Accept or reject this version",
        ("Space",),
        "Put the current version into the gold, or take it out (it is then rejected); the "
        "span group's other versions stay as they are",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_relabel",
        "Relabel gold span…",
        ("L",),
        "Give the current gold span another label (type its first letters, or its key)",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_widen_left",
        "Widen gold left",
        ("[",),
        "Move the gold span's start one word to the left",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_widen_right",
        "Widen gold right",
        ("]",),
        "Move the gold span's end one word to the right",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_narrow_left",
        "Narrow gold left",
        ("Shift+[", "{", "Shift+{"),
        "Move the gold span's start one word to the right",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_narrow_right",
        "Narrow gold right",
        ("Shift+]", "}", "Shift+}"),
        "Move the gold span's end one word to the left",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_widen_left_char",
        "Widen gold left by a character",
        ("Ctrl+[",),
        "Move the gold span's start one character to the left",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_widen_right_char",
        "Widen gold right by a character",
        ("Ctrl+]",),
        "Move the gold span's end one character to the right",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_narrow_left_char",
        "Narrow gold left by a character",
        ("Ctrl+Shift+[", "Ctrl+{", "Ctrl+Shift+{"),
        "Move the gold span's start one character to the right",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_narrow_right_char",
        "Narrow gold right by a character",
        ("Ctrl+Shift+]", "Ctrl+}", "Ctrl+Shift+}"),
        "Move the gold span's end one character to the left",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_add",
        "Add gold span from selection…",
        ("N",),
        "Add a gold span over the selected text, widened to whole words; choose its label",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_add_exact",
        "Add gold span, exact characters…",
        ("Shift+N",),
        "Add a gold span over exactly the selected characters",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_delete",
        "Delete gold span",
        ("Delete",),
        "Take the current gold span out of the gold (the version it was stays rejected)",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_edit_figure",
        "Edit gold figure…",
        ("E",),
        "Edit the current gold figure's value, unit and kind",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_done",
        "Mark the gold done, next document",
        ("Ctrl+Return", "D"),
        "Mark this document's gold done (what export --gold exports) and open the next "
        "document with open disagreements. Asks first when some are still open",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_next_doc",
        "Next document in the queue",
        ("Ctrl+PgDown",),
        "Open the next document of the review queue",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_prev_doc",
        "Previous document in the queue",
        ("Ctrl+PgUp",),
        "Open the previous document of the review queue",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_filter",
        "Filter the queue",
        ("Ctrl+F",),
        "Go to the queue's filters: a label, a pair of curators (Esc goes back)",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_next_pane",
        "Next review pane",
        ("F6",),
        "Move the keyboard focus to the next pane: text, versions, queue",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_prev_pane",
        "Previous review pane",
        ("Shift+F6",),
        "Move the keyboard focus to the previous pane",
        "Review",
        mode="review",
    ),
    ActionSpec(
        "review_escape",
        "Clear selection, back to text",
        ("Esc",),
        "Clear the text selection; from the queue or the versions, back to the text",
        "Review",
        mode="review",
    ),
)

MENUS = ("Document", "Edit", "Span", "Link", "View", "Model", "Review", "Help")
# Review mode: take curator N's version of the span group (settles it), or of the whole
# document; N is the curator's number on screen (the panel's legend).
CURATOR_KEYS = tuple("123456789")
WHOLE_DOCUMENT_KEYS = tuple(f"Ctrl+{n}" for n in CURATOR_KEYS)


def spec(name: str) -> ActionSpec:
    for a in ACTIONS:
        if a.name == name:
            return a
    raise KeyError(name)
