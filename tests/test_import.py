from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.importer import import_paths
from annotator.core.store import Store


def _snapshot(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute(
        "SELECT id, text, title, date, source, meta FROM documents"
    ).fetchall()


def test_seeds_import_with_date_header_in_metadata(store: Store, seeds_dir: Path) -> None:
    report = import_paths(store, [seeds_dir])
    assert (report.imported, report.duplicates, report.rejected) == (5, 0, [])
    doc = store.document(1)
    raw = (seeds_dir / "000_71e2dbcf1fe46cab.txt").read_text("utf-8")
    assert doc.date == "2023-06-01"
    assert doc.meta["header"] == " date 2023-06-01 "
    # the text is the file less the header, byte for byte, so offsets stay valid
    assert raw == doc.meta["header"] + doc.text
    assert doc.title.startswith("ASTANA – Kazakh President")
    no_header = store.document(4)
    assert no_header.date is None
    assert no_header.text == (seeds_dir / "003_ae66230cc2f50f2e.txt").read_text("utf-8")
    assert no_header.title == "Consulate General of Kazakhstan opens in South Korean city of Busan"


def test_reimport_changes_nothing(store: Store, seeds_dir: Path) -> None:
    import_paths(store, [seeds_dir])
    before = _snapshot(store)
    report = import_paths(store, [seeds_dir, seeds_dir / "000_71e2dbcf1fe46cab.txt"])
    assert (report.imported, report.duplicates) == (0, 6)
    assert _snapshot(store) == before


def test_jsonl_splits_on_newline_only(store: Store, tmp_path: Path) -> None:
    texts = ["Line one\u2028still one\u0085and still.", "Second\r\nwith CRLF 🇰🇿 $5bn"]
    path = tmp_path / "a.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"text": t, "meta": {"date": "2024-01-02", "k": 1}}, ensure_ascii=False)
            for t in texts
        )
        + "\n",
        "utf-8",
    )
    report = import_paths(store, [path])
    assert report.imported == 2 and not report.rejected
    docs = list(store.documents())
    assert [d.text for d in docs] == texts
    assert docs[0].source == "a.jsonl:1" and docs[1].source == "a.jsonl:2"
    assert docs[0].date == "2024-01-02" and docs[0].meta["k"] == 1


def test_real_doccano_and_prodigy_files_import(store: Store, data_dir: Path) -> None:
    report = import_paths(
        store,
        [
            data_dir / "doccano_official_export_sequence_labeling_example.jsonl",
            data_dir / "explosion_drugs_eval.jsonl",
        ],
    )
    assert not report.rejected
    n_prodigy = sum(1 for line in (data_dir / "explosion_drugs_eval.jsonl").open() if line.strip())
    assert report.imported + report.duplicates == 3 + n_prodigy
    doc = store.document(1)
    assert doc.text == "EU rejects German call to boycott British lamb."
    # annotations and Prodigy's hashes are not metadata
    assert "label" not in doc.meta
    prodigy = store.document(4)
    assert prodigy.meta == {"section": "opiates"}


def test_doccano_data_field(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"data": "Astana is the capital.", "label": []}\n', "utf-8")
    assert import_paths(store, [path]).imported == 1
    assert store.document(1).text == "Astana is the capital."


def test_csv_with_text_column_and_metadata(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        'id,body,date,title\n1,"Trade rose 19.5%,\nsaid the ministry.",2023-01-01,Trade\n'
        "2,Second article,,\n",
        "utf-8",
    )
    report = import_paths(store, [path], text_column="body")
    assert report.imported == 2 and not report.rejected
    first, second = store.documents()
    assert first.text == "Trade rose 19.5%,\nsaid the ministry."
    assert (first.title, first.date, first.meta["id"]) == ("Trade", "2023-01-01", "1")
    assert first.source == "news.csv:2" and second.source == "news.csv:4"
    assert second.title == "Second article" and second.date is None


def test_csv_without_the_column_names_the_columns(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text("id,body\n1,x\n", "utf-8")
    report = import_paths(store, [path])
    assert [str(r) for r in report.rejected] == [
        "news.csv:1: no column 'text' (columns: id, body); choose one with --text-column"
    ]


BAD_JSONL = (
    b'{"text": "Good one."}\n'
    b'{"text": "broken\n'
    b"[1, 2]\n"
    b'{"meta": {}}\n'
    b'{"text": 5}\n'
    b'{"text": "   "}\n'
    b'{"text": "caf\xe9 in latin-1"}\n'
    b'{"text": "Good two \xf0\x9f\x98\x80."}\n'
)


def test_bad_jsonl_records_are_reported_and_good_ones_kept(
    seeded_store: Store, tmp_path: Path
) -> None:
    before = _snapshot(seeded_store)
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(BAD_JSONL)
    report = import_paths(seeded_store, [path])
    assert report.imported == 2
    assert [str(r) for r in report.rejected] == [
        "mixed.jsonl:2: malformed JSON: Invalid control character (column 17)",
        "mixed.jsonl:3: expected a JSON object, found list",
        "mixed.jsonl:4: missing field 'text' (or doccano's 'data')",
        "mixed.jsonl:5: field 'text' is int, not a string",
        "mixed.jsonl:6: empty text",
        "mixed.jsonl:7: not valid UTF-8 (byte 0xe9 at column 14); save the file as UTF-8",
    ]
    after = _snapshot(seeded_store)
    assert after[: len(before)] == before
    assert [row[1] for row in after[len(before) :]] == ["Good one.", "Good two 😀."]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty.txt:1: empty file"),
        ("empty.jsonl", b"", "empty.jsonl:1: empty file"),
        (
            "only-header.txt",
            b" date 2023-01-01 \n\n",
            "only-header.txt:1: empty text (nothing after the date header)",
        ),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt:1: binary file, not text"),
        ("blob.jsonl", b"\x00\x01\x02", "blob.jsonl:1: binary file, not JSON Lines"),
        (
            "latin.txt",
            b"Line one\nLine two caf\xe9\n",
            "latin.txt:2: not valid UTF-8 (byte 0xe9 at column 13); save the file as UTF-8",
        ),
        (
            "notes.docx",
            b"PK\x03\x04",
            "notes.docx:0: unsupported file type '.docx'; expected .txt, .jsonl, .csv",
        ),
        ("bad.csv", b'text,a\n"x",1\n"unclosed,2\n', "bad.csv:3: 1 fields where the header has 2"),
    ],
)
def test_bad_files_are_reported_by_file_and_line(
    seeded_store: Store, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    before = _snapshot(seeded_store)
    path = tmp_path / name
    path.write_bytes(content)
    report = import_paths(seeded_store, [path])
    assert message in [str(r) for r in report.rejected]
    assert _snapshot(seeded_store)[: len(before)] == before


def test_utf16_with_bom_and_utf8_bom_are_read(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("Astana, $5 billion 🇰🇿".encode("utf-16"))
    (tmp_path / "b.txt").write_bytes("\ufeffSeoul talks".encode())
    report = import_paths(store, [tmp_path])
    assert report.imported == 2
    assert [d.text for d in store.documents()] == ["Astana, $5 billion 🇰🇿", "Seoul talks"]


def test_missing_path_is_reported(store: Store, tmp_path: Path) -> None:
    report = import_paths(store, [tmp_path / "nope.txt"])
    assert [r.reason for r in report.rejected] == ["no such file or folder"]


def test_large_jsonl_is_streamed_not_loaded(store: Store, tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "big.jsonl"
    body = "Trade reached $6.1 billion. " * 110  # ~3 KB a record
    with path.open("w", encoding="utf-8") as f:
        for i in range(8_000):
            f.write(json.dumps({"text": f"{i} {body}", "meta": {"n": i}}) + "\n")
    size = path.stat().st_size
    tracemalloc.start()
    report = import_paths(store, [path], batch_size=500)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.imported == 8_000
    assert size > 22_000_000
    assert peak < size / 3, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"
