"""Inter-annotator agreement: how far curators' finished work on the same documents
agrees, as span F1, token-level kappa and Krippendorff's alpha (see `compare` for what
each figure counts), computed with numpy."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.agreement.compare import UNITS, Agreement, Figures, Scope, compute
from annotator.core.agreement.corpus import AgreementError, Corpus, load_corpus
from annotator.core.store import Store


def agreement(
    store: Store,
    curators: Sequence[str] | None = None,
    *,
    layer: str = "ents",
    labels: Sequence[str] | None = None,
    units: str = "all",
) -> Agreement:
    """The agreement of the curators (default: all with finished documents, the gold
    aside) on one layer, optionally on some labels only."""
    return compute(load_corpus(store, curators, layer=layer, labels=labels), units=units)


__all__ = [
    "UNITS",
    "Agreement",
    "AgreementError",
    "Corpus",
    "Figures",
    "Scope",
    "agreement",
    "compute",
    "load_corpus",
]
