"""The project schema, as an ordered list of migrations.

Migration N takes a project from schema version N-1 to N. Each runs in one transaction
together with the `PRAGMA user_version` bump, so a project is never left between two
versions. Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

# Written into every project file so that other SQLite files are recognised as such.
APPLICATION_ID = 0x414E4E54  # "ANNT"

_NOW = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"

V1 = f"""
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    date TEXT,
    source TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{{}}',
    hash TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL DEFAULT {_NOW}
);

CREATE TABLE suggestions (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    layer TEXT NOT NULL CHECK (layer IN ('ents', 'figures')),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    model TEXT NOT NULL,
    model_version TEXT NOT NULL DEFAULT '',
    attrs TEXT NOT NULL DEFAULT '{{}}',
    created TEXT NOT NULL DEFAULT {_NOW},
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX suggestions_doc ON suggestions (doc_id, start);
CREATE INDEX suggestions_model ON suggestions (model, doc_id);

CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    layer TEXT NOT NULL CHECK (layer IN ('ents', 'figures')),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    kb_id TEXT,
    attrs TEXT NOT NULL DEFAULT '{{}}',
    origin TEXT NOT NULL
        CHECK (origin IN ('accepted', 'corrected', 'manual', 'imported', 'adjudicated')),
    source_key TEXT,
    created TEXT NOT NULL DEFAULT {_NOW},
    updated TEXT NOT NULL DEFAULT {_NOW},
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX annotations_doc ON annotations (doc_id, annotator, start);
CREATE INDEX annotations_annotator ON annotations (annotator, doc_id);

CREATE TABLE rejections (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    key TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT {_NOW},
    PRIMARY KEY (doc_id, annotator, key)
);

CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    external_ids TEXT NOT NULL DEFAULT '{{}}',
    created TEXT NOT NULL DEFAULT {_NOW}
);
CREATE TABLE aliases (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE INDEX aliases_alias ON aliases (alias COLLATE NOCASE);

CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('metric', 'period', 'subject')),
    target_annotation_id INTEGER REFERENCES annotations(id) ON DELETE CASCADE,
    entity_id INTEGER REFERENCES entities(id) ON DELETE CASCADE,
    value TEXT
);
CREATE INDEX links_annotation ON links (annotation_id);

CREATE TABLE status (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'skipped')),
    updated TEXT NOT NULL DEFAULT {_NOW},
    PRIMARY KEY (doc_id, annotator)
);
CREATE INDEX status_annotator ON status (annotator, status);

-- The audit log: append-only. doc_id is not a foreign key on purpose, so the
-- history of a deleted document stays.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL DEFAULT {_NOW},
    annotator TEXT NOT NULL,
    doc_id INTEGER,
    action TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{{}}'
);
CREATE INDEX events_doc ON events (doc_id, annotator);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the events log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the events log is append-only'); END;
"""

# v2: full-text search over titles and texts (FTS5, external content: the text is
# not stored twice). New documents are indexed by Store.add_documents in one statement
# per batch, which is twice as fast as a per-row insert trigger; deletes and updates
# keep the index in step through triggers.
V2 = """
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='id', tokenize='unicode61'
);
INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
"""

# v3: which model has run over which document, also where it found nothing, so an
# interrupted `suggest` resumes with --only-new.
V3 = f"""
CREATE TABLE suggest_runs (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    model_version TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL DEFAULT {_NOW},
    PRIMARY KEY (doc_id, model)
);
"""

# v4: every knowledge-base entity gets a stable key, the string curators' annotations
# carry in `annotations.kb_id` and every export writes (spaCy's `Span.kb_id_`, brat's `N`
# lines). Row ids are local to one project file; keys survive export, re-import and the
# merge of several curators' projects. Entities from before v4 get a random local key.
# "NIL" in `annotations.kb_id` means the curator decided no entity exists for the span.
V4 = """
ALTER TABLE entities ADD COLUMN key TEXT;
UPDATE entities SET key = 'local:' || lower(hex(randomblob(8)));
CREATE UNIQUE INDEX entities_key ON entities (key);
"""

# v5: the knowledge base as the candidate ranking and the gazetteer read it. An alias has a
# kind ('' a name, 'demonym' an adjective of a place: "Kazakh" of Kazakhstan), so a
# demonym mention is suggested as NORP. `kb_generation` counts every change to entities
# and aliases (triggers, so writers other than annotator.core.kb count too): the in-memory
# indexes built from the KB are rebuilt when it moves. Indexes find entities by name (an
# import's rows without key), the annotations linked to an entity (priors) and the figure
# links naming one.
_KB_BUMP = "BEGIN UPDATE kb_generation SET n = n + 1 WHERE id = 1; END;"
V5 = f"""
ALTER TABLE aliases ADD COLUMN kind TEXT NOT NULL DEFAULT '';
CREATE TABLE kb_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT INTO kb_generation (id, n) VALUES (1, 0);
CREATE TRIGGER kb_entities_insert AFTER INSERT ON entities {_KB_BUMP}
CREATE TRIGGER kb_entities_update AFTER UPDATE ON entities {_KB_BUMP}
CREATE TRIGGER kb_entities_delete AFTER DELETE ON entities {_KB_BUMP}
CREATE TRIGGER kb_aliases_insert AFTER INSERT ON aliases {_KB_BUMP}
CREATE TRIGGER kb_aliases_update AFTER UPDATE ON aliases {_KB_BUMP}
CREATE TRIGGER kb_aliases_delete AFTER DELETE ON aliases {_KB_BUMP}
CREATE INDEX entities_name ON entities (name);
CREATE INDEX annotations_kb_id ON annotations (kb_id) WHERE kb_id IS NOT NULL;
CREATE INDEX links_entity ON links (entity_id) WHERE entity_id IS NOT NULL;
"""

# v6: the project's trained pipelines (`annotator train`): the name their suggestions
# carry, where the pipeline folder is (relative to the project's folder when inside it),
# what it was trained from and on (document ids as JSON lists), and its dev scores.
V6 = f"""
CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    base TEXT NOT NULL,
    curator TEXT NOT NULL,
    train_docs TEXT NOT NULL DEFAULT '[]',
    dev_docs TEXT NOT NULL DEFAULT '[]',
    scores TEXT NOT NULL DEFAULT '{{}}',
    info TEXT NOT NULL DEFAULT '{{}}',
    created TEXT NOT NULL DEFAULT {_NOW}
);
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6)
SCHEMA_VERSION = len(MIGRATIONS)
