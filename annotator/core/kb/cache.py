"""Per-project caches of structures built from the knowledge base (the candidate index,
the gazetteer): kept per open Store and rebuilt when `entities.generation` moves."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from annotator.core.kb.entities import generation

if TYPE_CHECKING:
    from annotator.core.store import Store


class Built(Protocol):
    generation: int


T = TypeVar("T", bound=Built)


class KBCache(Generic[T]):
    def __init__(self, build: Callable[[Store], T]) -> None:
        self.build = build
        self._cache: weakref.WeakKeyDictionary[Store, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, store: Store) -> T:
        """The project's structure, rebuilt when the KB has changed since it was built."""
        with self._lock:
            cached = self._cache.get(store)
            if cached is not None and cached.generation == generation(store):
                return cached
            built = self.build(store)
            self._cache[store] = built
            return built

    def ready(self, store: Store) -> bool:
        """Whether `get` would answer at once (no rebuild: the KB has not moved)."""
        with self._lock:
            cached = self._cache.get(store)
            return cached is not None and cached.generation == generation(store)

    def adopt(self, store: Store, built: T) -> bool:
        """Use for `store` a structure built on another connection to the same project
        (a worker thread's), when the KB has not moved since it was built. True when
        `store` now has a fresh one."""
        with self._lock:
            now = generation(store)
            cached = self._cache.get(store)
            if cached is not None and cached.generation == now:
                return True
            if built.generation != now:
                return False
            self._cache[store] = built
            return True
