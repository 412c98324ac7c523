"""The starter knowledge base shipped in resources/kb, loaded into every new project
(`annotator import --empty-kb` starts one without it; `annotator kb starter` loads it
into an existing project).

- countries.jsonl: every ISO 3166-1 country, built by scripts/build_starter_kb.py from
  pycountry; key iso3166:<alpha-2>, the codes as external ids, news names and demonyms.
- entities.jsonl: the people, organisations and places of the bundled seed articles;
  keys starter:<slug>, fixed once written (a corrected name keeps its key).
- metrics.jsonl: what figures measure (type METRIC), keys metric:<slug>, with the
  phrases articles use for them ("trade turnover", "mutual trade" = bilateral trade).

Keys are the same in every project, so projects merged later agree on them. No external
id is written by hand: the countries' come from pycountry; the others have none.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING

from annotator.core.kb import KBError
from annotator.core.kb.readers import EntityRecord, read_jsonl
from annotator.formats.records import Rejection

if TYPE_CHECKING:
    from annotator.core.kb.importing import KBImportReport
    from annotator.core.store import Store

FILES = ("countries.jsonl", "entities.jsonl", "metrics.jsonl")


def starter_records() -> Iterator[EntityRecord]:
    folder = resources.files("annotator.resources") / "kb"
    for name in FILES:
        with resources.as_file(folder / name) as path:
            for item in read_jsonl(path):
                if isinstance(item, Rejection):  # a broken install, not user input
                    raise KBError(f"starter knowledge base: {item}")
                yield item


def load_starter(store: Store, *, annotator: str = "") -> KBImportReport:
    """Merge the starter KB into the project (entities already there are kept)."""
    from annotator.core.kb.importing import import_records

    return import_records(store, "starter knowledge base", starter_records(), annotator=annotator)


def prepare_new_project(store: Store, *, empty_kb: bool = False) -> None:
    """What a project made just now gets: the starter KB, unless `empty_kb`."""
    if getattr(store, "created", False) and not empty_kb:
        load_starter(store)
