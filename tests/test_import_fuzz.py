"""Fuzzing every importer with real records: one record of a real sample from
../shared/formats is mutated (its JSON values replaced by arbitrary ones, its text cut,
stuffed with control characters, quotes, lone-surrogate escapes...), and the import must
neither raise nor lose any of the other records: every good record's text and spans
land, whatever happened to the bad one."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.interchange import import_annotated, read_annotated
from annotator.core.store import Store
from annotator.formats.spans import AnnotatedText

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "formats"

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=4),
    max_leaves=8,
)  # fmt: skip
nasty_text = st.lists(
    st.sampled_from(
        ['"', "\\", "{", "}", "[", "]", ",", ":", "\t", "\n", "\r", "\x00", "\x1b", " ",
         "\\ud800", "\\u", "é", "🎉", "\u2028", "-DOCSTART-", "B-", "I-X", "T1", "0", "9"]
    ),
    max_size=6,
).map("".join)  # fmt: skip


def _sample(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is not there (CI lays ../shared beside the clone)")
    return path


def _record_number(item: AnnotatedText) -> int:
    return int(item.source.rpartition(":")[2])


def _expected(items: list[Any], bad: int, number: Callable[[AnnotatedText], int]) -> set[Any]:
    """(curator, text, span) of every span of every record but the bad one."""
    want = set()
    for item in items:
        if isinstance(item, AnnotatedText) and number(item) != bad:
            want.add((item.curator or "fz", item.text, None))
            if item.answer == "accept":
                for s in item.spans:
                    want.add((item.curator or "fz", item.text, (s.layer, s.start, s.end, s.label)))
    return want


def _landed(store: Store) -> set[Any]:
    got = set()
    texts = {d.id: d.text for d in store.documents()}
    for row in store.conn.execute(
        'SELECT doc_id, annotator, layer, start, "end", label FROM annotations'
    ):
        got.add((row[1], texts[row[0]], tuple(row[2:])))
    return got, set(texts.values())  # type: ignore[return-value]


def _check(path: Path, fmt: str, clean: list[Any], bad: int, number: Any = _record_number) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "f.db") as store:
        report = import_annotated(store, read_annotated(path, fmt), annotator=None, fallback="fz")
        assert report is not None
        spans, texts = _landed(store)
        for curator, text, span in _expected(clean, bad, number):
            assert text in texts, (bad, text[:40])
            if span is not None:
                assert (curator, text, span) in spans, (bad, span)


def _mutate(obj: Any, data: st.DataObject) -> Any:
    """Replace one value somewhere in a JSON object by an arbitrary one."""
    if isinstance(obj, dict) and obj and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(obj)))
        return {**obj, key: _mutate(obj[key], data)}
    if isinstance(obj, list) and obj and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(obj) - 1))
        return [*obj[:i], _mutate(obj[i], data), *obj[i + 1 :]]
    return data.draw(json_values)


def _mutate_line(line: str, data: st.DataObject) -> str:
    how = data.draw(st.sampled_from(["json", "cut", "insert"]))
    if how == "json":
        try:
            return json.dumps(_mutate(json.loads(line), data))
        except json.JSONDecodeError:
            how = "insert"
    at = data.draw(st.integers(0, len(line)))
    if how == "cut":
        return line[:at]
    return line[:at] + data.draw(nasty_text) + line[at:]


JSONL = [
    ("explosion_drugs_eval.jsonl", "prodigy"),
    ("doccano_official_export_sequence_labeling_example.jsonl", "doccano"),
    ("doccano_official_relation_extraction_example.jsonl", "doccano"),
]


@pytest.mark.parametrize(("name", "fmt"), JSONL, ids=[n for n, _ in JSONL])
@FUZZ
@given(data=st.data())
def test_jsonl_importers_survive_one_mutated_record(name: str, fmt: str, data: Any) -> None:
    lines = _sample(name).read_text("utf-8").splitlines()
    if len(lines) == 1:  # one record: fuzz a copy of it, the original must land
        lines = lines * 2
    lines = lines[:40]
    bad = data.draw(st.integers(2, len(lines)))  # the first record says what the file is
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / f"clean{Path(name).suffix}"
        clean.write_text("\n".join(lines) + "\n", "utf-8")
        mutated = Path(tmp) / Path(name).name
        lines[bad - 1] = _mutate_line(lines[bad - 1], data)
        mutated.write_text("\n".join(lines) + "\n", "utf-8", errors="surrogatepass")
        _check(mutated, fmt, list(read_annotated(clean, fmt)), bad)


@FUZZ
@given(data=st.data())
def test_labelstudio_importer_survives_one_mutated_task(data: Any) -> None:
    bundle = json.loads(_sample("labelstudio_multi_annotator_export.json").read_text("utf-8"))
    tasks = [t for p in bundle["projects"] for t in p["tasks"]]
    bad = data.draw(st.integers(1, len(tasks)))
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean.json"
        clean.write_text(json.dumps(tasks), "utf-8")
        tasks[bad - 1] = _mutate(tasks[bad - 1], data)
        mutated = Path(tmp) / "export.json"
        mutated.write_text(json.dumps(tasks), "utf-8")
        _check(mutated, "labelstudio", list(read_annotated(clean, "labelstudio")), bad)


@FUZZ
@given(data=st.data())
def test_brat_importer_survives_one_mutated_line(data: Any) -> None:
    folder = _sample("brat_news_tutorial")
    names = sorted(p.stem for p in folder.glob("*.ann"))
    bad = data.draw(st.integers(0, len(names) - 1))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "brat"
        shutil.copytree(folder, work)
        clean = [i for n in names for i in read_annotated(work / f"{n}.ann", "brat")]
        ann = work / f"{names[bad]}.ann"
        lines = ann.read_text("utf-8").split("\n")
        k = data.draw(st.integers(0, len(lines) - 1))
        lines[k] = _mutate_line(lines[k], data)
        ann.write_text("\n".join(lines), "utf-8", errors="surrogatepass")
        with Store(Path(tmp) / "f.db") as store:
            for n in names:
                import_annotated(store, read_annotated(work / f"{n}.ann", "brat"),
                                 annotator=None, fallback="fz")  # fmt: skip
            spans, texts = _landed(store)
        for item in clean:
            if item.source != f"{names[bad]}.txt":
                assert item.text in texts
                for s in item.spans:
                    assert ("fz", item.text, (s.layer, s.start, s.end, s.label)) in spans


@FUZZ
@given(data=st.data())
def test_conll_importer_survives_one_mutated_line(data: Any) -> None:
    body = _sample("spacy_ner-token-per-line-conll2003.iob").read_text("utf-8")
    docs = body.split("-DOCSTART- -X- O O\n")[1:]
    assert docs
    # three documents: the sample with a word of its own in front of each
    docs = [f"Doc{i} -X- _ O\n{docs[0].lstrip()}" for i in range(3)]
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean.iob"
        clean.write_text("".join(f"-DOCSTART- -X- O O\n\n{d}\n\n" for d in docs), "utf-8")
        bad = data.draw(st.integers(0, 2))
        lines = docs[bad].split("\n")
        k = data.draw(st.integers(1, len(lines) - 1))
        lines[k] = _mutate_line(lines[k], data)
        docs[bad] = "\n".join(lines)
        mutated = Path(tmp) / "x.iob"
        # each document ends in a line break: a mutation stays inside its document
        mutated.write_text(
            "".join(f"-DOCSTART- -X- O O\n\n{d}\n\n" for d in docs),
            "utf-8",
            errors="surrogatepass",
        )

        def doc_number(item: AnnotatedText) -> int:
            return int(item.text.split()[0].removeprefix("Doc"))

        _check(mutated, "conll", list(read_annotated(clean, "conll")), bad, doc_number)


@FUZZ
@given(data=st.data())
def test_spacy_reader_survives_damaged_bytes(data: Any) -> None:
    raw = bytearray(_sample("explosion_ner_tweets_demo.spacy").read_bytes())
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at : at + 4] = data.draw(st.binary(min_size=0, max_size=4))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.spacy"
        path.write_bytes(bytes(raw))
        with Store(Path(tmp) / "f.db") as store:
            import_annotated(store, read_annotated(path, "spacy"), annotator=None, fallback="fz")
