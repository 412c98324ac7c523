"""Reading and writing the knowledge base: entities (canonical name, type, description,
external ids, stable key) and their aliases.

An entity's name is one of its aliases. Demonyms ("Kazakh" of Kazakhstan) are aliases
of kind 'demonym'. Every write runs in the store's transaction and is logged in the
events table, like every other write to a project.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from annotator.core.kb import KBError
from annotator.core.model import Entity, label_problem, new_entity_key

if TYPE_CHECKING:
    from annotator.core.store import Store

DEMONYM = "demonym"
# An external id is SCHEME:ID; the scheme is a short lower-case name.
_SCHEME = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Which external id gives an entity without a key of its own its key (see entity_key).
KEY_SCHEMES = ("wikidata", "iso3166")

_COLUMNS = "id, name, type, description, external_ids, key"
_CHUNK = 500


def external_id_problem(scheme: str, value: str) -> str | None:
    """Why SCHEME:VALUE cannot be an external id, or None."""
    if not _SCHEME.match(scheme):
        return (
            f"external id scheme {scheme!r} is not a short lower-case name "
            "(letters, digits, '_', '.', '-')"
        )
    if not value or value != value.strip() or any(c.isspace() for c in value):
        return f"external id {scheme}:{value!r} is empty or holds white space"
    if _CONTROL.search(value):
        return f"external id {scheme}:{value!r} holds a control character"
    if scheme == "wikidata" and not _WIKIDATA.match(value):
        return f"wikidata id {value!r} is not a QID like Q42"
    return None


def parse_external_id(text: str) -> tuple[str, str]:
    """'wikidata:Q42' -> ('wikidata', 'Q42'); KBError when it is not SCHEME:ID."""
    scheme, sep, value = text.partition(":")
    if not sep:
        raise KBError(f"external id {text!r} is not SCHEME:ID (e.g. wikidata:Q42)")
    problem = external_id_problem(scheme, value)
    if problem:
        raise KBError(problem)
    return scheme, value


def entity_key(external_ids: dict[str, str]) -> str | None:
    """The key an entity gets from its external ids when it has no key of its own, so
    that two projects importing the same entity agree: 'wikidata:Q42', 'iso3166:KZ', else
    the first id given. None when it has none."""
    for scheme in KEY_SCHEMES:
        if scheme in external_ids:
            return f"{scheme}:{external_ids[scheme]}"
    for scheme, value in external_ids.items():
        return f"{scheme}:{value}"
    return None


def type_problem(type_: str) -> str | None:
    """Why `type_` cannot be an entity type ('' is allowed: untyped)."""
    if type_ == "":
        return None
    problem = label_problem(type_)
    return problem.replace("label", "type", 1) if problem else None


def _clean_aliases(name: str, aliases: Iterable[str]) -> list[str]:
    return sorted({name, *(a for a in aliases if a.strip())})


def add_entity(
    store: Store,
    name: str,
    type: str = "",
    *,
    description: str = "",
    external_ids: dict[str, str] | None = None,
    aliases: Iterable[str] = (),
    demonyms: Iterable[str] = (),
    annotator: str = "",
    key: str | None = None,
    entity_id: int | None = None,
) -> Entity:
    """Add a canonical entity with its aliases (the name is an alias too). `key` is its
    stable id (default: a new random local key; `kb add` and `kb import` pass the key
    `entity_key` makes from external ids); `entity_id`
    restores a deleted entity under its old row id (undo). A key already in the project
    raises sqlite3.IntegrityError; callers that take keys from users check first."""
    if not name.strip():
        raise ValueError("an entity needs a name")
    problem = type_problem(type)
    if problem:
        raise ValueError(problem)
    ids = dict(external_ids or {})
    key = key or new_entity_key()
    names = _clean_aliases(name, aliases)
    adjectives = sorted({d for d in demonyms if d.strip()} - set(names))
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO entities (id, name, type, description, external_ids, key) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (entity_id, name, type, description, _json(ids), key),
        )
        new_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT OR IGNORE INTO aliases (entity_id, alias, kind) VALUES (?, ?, ?)",
            [(new_id, a, "") for a in names] + [(new_id, d, DEMONYM) for d in adjectives],
        )
        store.log(annotator, None, "add_entity", id=new_id, key=key, name=name, type=type)
    return entity(store, new_id)


def delete_entity(store: Store, entity_id: int, *, annotator: str = "") -> Entity:
    """Remove an entity and its aliases (figure links naming it go too). Annotations that
    carry its key keep it: the key is theirs, and undo brings the entity back."""
    old = entity(store, entity_id)
    with store.transaction() as conn:
        conn.execute("DELETE FROM entities WHERE id = ?", (entity_id,))
        store.log(annotator, None, "delete_entity", id=entity_id, key=old.key, name=old.name)
    return old


def add_alias(
    store: Store, entity_id: int, alias: str, *, kind: str = "", annotator: str = ""
) -> bool:
    """Give an entity one more alias; False when it already has it."""
    if not alias.strip():
        raise ValueError("an alias cannot be empty")
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT OR IGNORE INTO aliases (entity_id, alias, kind) VALUES (?, ?, ?)",
            (entity_id, alias, kind),
        )
        if cur.rowcount:
            store.log(annotator, None, "add_alias", id=entity_id, alias=alias, kind=kind)
        return bool(cur.rowcount)


def remove_alias(store: Store, entity_id: int, alias: str, *, annotator: str = "") -> bool:
    with store.transaction() as conn:
        cur = conn.execute(
            "DELETE FROM aliases WHERE entity_id = ? AND alias = ?", (entity_id, alias)
        )
        if cur.rowcount:
            store.log(annotator, None, "remove_alias", id=entity_id, alias=alias)
        return bool(cur.rowcount)


def entity(store: Store, entity_id: int) -> Entity:
    row = store.conn.execute(
        f"SELECT {_COLUMNS} FROM entities WHERE id = ?", (entity_id,)
    ).fetchone()
    if row is None:
        raise KeyError(f"no entity {entity_id}")
    return _entity(row, _aliases(store, [entity_id]).get(entity_id, ([], [])))


def entity_by_key(store: Store, key: str) -> Entity | None:
    """The entity an annotation's kb_id names, or None when none has that key."""
    found = entities_by_keys(store, [key])
    return found.get(key)


def entities_by_keys(store: Store, keys: Iterable[str]) -> dict[str, Entity]:
    """key -> entity for the keys the KB has (others are left out)."""
    wanted = sorted(set(keys))
    found: dict[str, Entity] = {}
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        rows = store.conn.execute(
            f"SELECT {_COLUMNS} FROM entities WHERE key IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        aliases = _aliases(store, [r[0] for r in rows])
        for r in rows:
            found[r[5]] = _entity(r, aliases.get(r[0], ([], [])))
    return found


def entities_by_ids(store: Store, ids: Sequence[int], *, aliases: bool = True) -> dict[int, Entity]:
    """id -> entity for the ids the KB has; `aliases=False` leaves their aliases out
    (faster, for lists that show names only)."""
    found: dict[int, Entity] = {}
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        rows = store.conn.execute(
            f"SELECT {_COLUMNS} FROM entities WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall()
        names = _aliases(store, chunk) if aliases else {}
        for r in rows:
            found[r[0]] = _entity(r, names.get(r[0], ([], [])))
    return found


def entities(store: Store, *, type: str | None = None) -> Iterator[Entity]:
    """Every entity (of `type`), by id, with its aliases; read in chunks, so a KB of a
    million entities is never held in memory."""
    last = 0
    where = "" if type is None else "AND type = ?"
    while True:
        params: list[Any] = [last] if type is None else [last, type]
        rows = store.conn.execute(
            f"SELECT {_COLUMNS} FROM entities WHERE id > ? {where} ORDER BY id LIMIT {_CHUNK}",
            params,
        ).fetchall()
        if not rows:
            return
        aliases = _aliases(store, [r[0] for r in rows])
        for r in rows:
            yield _entity(r, aliases.get(r[0], ([], [])))
        last = rows[-1][0]


def entity_by_external_id(store: Store, scheme: str, value: str) -> Entity | None:
    row = store.conn.execute(
        "SELECT e.id FROM entities e, json_each(e.external_ids) j "
        "WHERE j.key = ? AND j.value = ? LIMIT 1",
        (scheme, value),
    ).fetchone()
    return None if row is None else entity(store, int(row[0]))


def count_entities(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM entities").fetchone()[0])


def generation(store: Store) -> int:
    """A number that changes whenever an entity or alias is added, changed or removed."""
    return int(store.conn.execute("SELECT n FROM kb_generation WHERE id = 1").fetchone()[0])


def _aliases(store: Store, ids: Sequence[int]) -> dict[int, tuple[list[str], list[str]]]:
    """entity id -> (aliases, demonyms), each sorted."""
    found: dict[int, tuple[list[str], list[str]]] = {}
    if not ids:
        return found
    rows = store.conn.execute(
        f"SELECT entity_id, alias, kind FROM aliases WHERE entity_id IN "
        f"({','.join('?' * len(ids))}) ORDER BY entity_id, alias",
        list(ids),
    )
    for entity_id, alias, kind in rows:
        names, adjectives = found.setdefault(entity_id, ([], []))
        (adjectives if kind == DEMONYM else names).append(alias)
    return found


def _entity(row: Sequence[Any], aliases: tuple[list[str], list[str]]) -> Entity:
    return Entity(
        id=row[0],
        name=row[1],
        type=row[2],
        description=row[3],
        external_ids=json.loads(row[4] or "{}"),
        aliases=tuple(aliases[0]),
        key=row[5] or "",
        demonyms=tuple(aliases[1]),
    )


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
