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
    menu: str  # "Span", "Document", "Edit", "View", "Model", "Help"


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
        "Accept every open suggestion in this document (rejected ones stay rejected)",
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
    ActionSpec("undo", "Undo", ("Ctrl+Z",), "Undo the last action (in any document)", "Edit"),
    ActionSpec("redo", "Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the last undone action", "Edit"),
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
    ActionSpec("bigger", "Larger text", ("Ctrl+=", "Ctrl++"), "Larger article text", "View"),
    ActionSpec("smaller", "Smaller text", ("Ctrl+-",), "Smaller article text", "View"),
    ActionSpec("reset_font", "Default text size", ("Ctrl+0",), "Default article text size", "View"),
    # -- help -------------------------------------------------------------------------
    ActionSpec("show_shortcuts", "Keyboard shortcuts", ("F1", "?"), "List every shortcut", "Help"),
    # -- model: the model in use, switching, training (modelui) ------------------------
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
    ),
    ActionSpec(
        "train_model",
        "Train a model…",
        ("Ctrl+T",),
        "Fine-tune a model on finished documents in the background, a line per evaluation "
        "in the status bar; the window stays usable",
        "Model",
    ),
    ActionSpec(
        "stop_training",
        "Stop training",
        ("Ctrl+Shift+T",),
        "Stop the training run at the next step; the best model so far is kept and recorded",
        "Model",
    ),
)

MENUS = ("Document", "Edit", "Span", "View", "Model", "Help")


def spec(name: str) -> ActionSpec:
    for a in ACTIONS:
        if a.name == name:
            return a
    raise KeyError(name)
