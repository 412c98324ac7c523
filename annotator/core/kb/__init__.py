"""The project's knowledge base: canonical entities with aliases and external ids, and
what is built on it.

- `entities`    reading and writing entities and aliases (the store API)
- `normal`      the normal forms aliases and mentions are compared in
- `readers`     KB files (JSON Lines, CSV, Wikidata dump lines), streamed, bad rows reported
- `importing`   `kb import`: merge a KB file into the project; `exporting`: `kb export`
- `starter`     the starter KB shipped in resources/kb, loaded into new projects
- `index`       the in-memory candidate index (exact, trigram, initials), rebuilt when the KB moves
- `candidates`  ranked candidates for a mention, with the reasons for each rank
- `gazetteer`   known aliases found in a text (Aho-Corasick, whole tokens)
- `prelink`     the suggestion source `kb`: mentions of known aliases suggested pre-linked
- `linking`     the window's linking actions, undoable (curation.Change)
- `figure_links` a figure's metric, period and subjects: resolved, stored as links rows
- `facts`       figures grouped by metric, subjects and period; conflicts and series

Nothing here imports Qt; spaCy, rapidfuzz, numpy and pyahocorasick are imported inside
the functions that need them.
"""

from annotator.core.errors import AnnotatorError


class KBError(AnnotatorError):
    """A knowledge-base operation that cannot be done; the message says why."""


__all__ = ["KBError"]
