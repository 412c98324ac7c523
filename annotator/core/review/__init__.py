"""Adjudication: curators' versions of a document turned into the gold.

`review_queue` lists the documents to review, worst disagreement first; `load_review`
gives one document's curators' versions grouped into disputes; the functions of
`actions` settle them, each returning a `curation.Change` for undo. The window's review
mode drives these; nothing here imports Qt.
"""

from annotator.core.review.actions import (
    accept_option,
    add_gold,
    auto_accept,
    delete_gold,
    edit_gold_figure,
    link_gold,
    mark_done,
    reject_all,
    reject_option,
    relabel_gold,
    reopen,
    resize_gold,
    settle,
    take_document,
    take_version,
)
from annotator.core.review.disputes import (
    Dispute,
    DocReview,
    GoldSpan,
    Option,
    Sig,
    load_review,
    reload_gold,
)
from annotator.core.review.queue import QueueEntry, review_queue

__all__ = [
    "Dispute",
    "DocReview",
    "GoldSpan",
    "Option",
    "QueueEntry",
    "Sig",
    "accept_option",
    "add_gold",
    "auto_accept",
    "delete_gold",
    "edit_gold_figure",
    "link_gold",
    "load_review",
    "mark_done",
    "reject_all",
    "reject_option",
    "relabel_gold",
    "reload_gold",
    "reopen",
    "resize_gold",
    "review_queue",
    "settle",
    "take_document",
    "take_version",
]
