"""Agreement figures checked to 1e-9 against the reference implementations
(scikit-learn's cohen_kappa_score, statsmodels' fleiss_kappa, the krippendorff package at
level "nominal") on real multi-annotator data and on hand-made edge cases; span F1
against hand counts."""

from __future__ import annotations

import json
import math
import random
import string
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from _review_helpers import (
    flattened_ls_tasks,
    import_ls_raw,
    reference_labels,
    three_curators,
)
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from annotator.cli import main
from annotator.core import sqlints
from annotator.core.agreement import AgreementError, agreement
from annotator.core.agreement.tokens import tokenize
from annotator.core.offsets import token_bounds
from annotator.core.store import NewDocument, Store

TOL = 1e-9
# scikit-learn warns where a label is absent for a pair (kappa undefined or 0): expected
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def ref_kappa(a: list[str], b: list[str]) -> float:
    return float(cohen_kappa_score(a, b))


def ref_alpha(rows: list[list[str]]) -> float:
    domain = sorted({v for row in rows for v in row})
    data = np.array([[domain.index(v) for v in row] for row in rows], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def ref_fleiss(rows: list[list[str]]) -> float:
    table, _ = aggregate_raters(np.array(rows, dtype=object).T)
    return float(fleiss_kappa(table, method="fleiss"))


def close(x: float, y: float) -> bool:
    return (math.isnan(x) and math.isnan(y)) or abs(x - y) <= TOL


def check_against_references(store: Store, curators: list[str], units: str = "all") -> int:
    """Every pair's and the group's kappa and alpha, overall and per label, equal the
    references'. Returns how many figures were compared."""
    result = agreement(store, curators, units=units)
    compared = 0
    scopes = [*result.pairs, *([result.group] if result.group else [])]
    for scope in scopes:
        names = list(scope.raters)
        if scope.documents == 0:
            continue
        rows = reference_labels(store, names)
        if units == "labelled":
            keep = [i for i in range(len(rows[0])) if any(r[i] != "O" for r in rows)]
            rows = [[r[i] for i in keep] for r in rows]
        assert scope.overall.units == len(rows[0])
        figures = [(scope.overall, rows)]
        for f in scope.labels:
            binary = [["yes" if f.label in v.split("+") else "no" for v in r] for r in rows]
            figures.append((f, binary))
        for f, ref_rows in figures:
            values = {v for r in ref_rows for v in r}
            if len(names) == 2:
                assert close(f.kappa, ref_kappa(*ref_rows)), (names, f.label, f.kappa)
            else:
                assert close(f.kappa, ref_fleiss(ref_rows)), (names, f.label, f.kappa)
            if len(values) > 1:  # krippendorff refuses a single value; ours is NaN then
                assert close(f.alpha, ref_alpha(ref_rows)), (names, f.label, f.alpha)
            else:
                assert math.isnan(f.alpha)
            compared += 2
    return compared


# -- tokens -----------------------------------------------------------------------------


def test_numpy_tokens_are_the_regex_tokens(seeds_dir: Path) -> None:
    rng = random.Random(3)
    # the letters of the clitics ('s 'd 'm 'll 're 've n't) in both cases, and pieces
    # that meet the abbreviation and clitic rules in every order
    alphabet = [
        *"ab1_ 9.,:/'’\n\tZé²١😀-$%x",
        *"sdntlvremSDNTLVREMU",
        *["\u0301", "\u2028", "\ud800"],
        *["U.S.", "e.g.", "a.", "don't", "N'T", "Korea’s", "O'Brien's", "rock'n'roll"],
        *["1990's", "_don't", "'ll", "'re", "'ve", "'d", "'m", "n't"],
    ]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(6000)]
    texts += [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    texts += ["", " ", "rock'n'roll 1,000.50 _x1,2 don't US$5bn 3.5% ’tis a'"]
    texts += ["n't'n't'x'n't 'x'n't x's'n't", "the U.S.A.'s e.g. ab.c.d. 1e.g. 'e.g.", "I'm y'all"]
    # long letter runs between apostrophes: one word, or two
    texts += [f"x'{string.ascii_lowercase}n't", f"x'{string.ascii_lowercase} don't"]
    tokens = tokenize(texts)
    for i, text in enumerate(texts):
        assert tokens.of(i) == token_bounds(text), repr(text)


# -- real data --------------------------------------------------------------------------


def test_real_label_studio_data_equals_the_references(store: Store) -> None:
    curators = import_ls_raw(store)
    assert curators == ["ls-user-2", "ls-user-3", "ls-user-6"]
    result = agreement(store, ["ls-user-3", "ls-user-6"])
    (pair,) = result.pairs
    assert pair.documents == 3  # the three notes both annotated
    assert check_against_references(store, ["ls-user-3", "ls-user-6"]) == 10
    assert check_against_references(store, ["ls-user-3", "ls-user-6"], units="labelled") == 10
    # " suspeita de asma" and "asma" are not the same span, but white space at an edge
    # never makes a difference: DISEASE spans agree exactly on the other two notes
    disease = next(f for f in pair.labels if f.label == "DISEASE")
    assert disease.spans == (2, 3) and disease.exact_f1 == pytest.approx(2 * 2 / 5)


def test_real_data_through_annotator_import(tmp_path: Path) -> None:
    db = tmp_path / "ls.db"
    tasks = flattened_ls_tasks(tmp_path / "tasks.json")
    result = CliRunner().invoke(main, ["import", str(tasks), "--db", str(db)])
    # spans with white space at an edge are trimmed by the importer, with a notice, not
    # rejected: every note is marked done, so the three notes both annotated compare
    assert result.exit_code == 0, result.output
    assert "trimmed to" in result.stderr and "9 spans trimmed" in result.stdout
    with Store(db) as store:
        (pair,) = agreement(store, ["ls-user-3", "ls-user-6"]).pairs
        assert pair.documents == 3
        assert check_against_references(store, ["ls-user-3", "ls-user-6"]) == 10
        # the same figures as the raw spans give: agreement trims the same way
        disease = next(f for f in pair.labels if f.label == "DISEASE")
        assert disease.spans == (2, 3) and disease.exact_f1 == pytest.approx(2 * 2 / 5)


def test_three_curators_on_the_seeds_equal_the_references(seeded_store: Store) -> None:
    three_curators(seeded_store)
    result = agreement(seeded_store)
    assert result.raters == ("alice", "bob", "carol")
    assert result.group is not None and result.group.documents == 5
    assert all(s.documents == 5 for s in result.pairs)
    assert result.labels == ("GPE", "NORP", "ORG", "PERSON", "TITLE")
    # 3 pairs + the group, overall and per label, kappa and alpha each
    assert check_against_references(seeded_store, ["alice", "bob", "carol"]) == 4 * 6 * 2
    assert check_against_references(seeded_store, ["alice", "bob", "carol"], "labelled") == 48
    overall = result.group.overall
    assert 0.5 < overall.kappa < 1 and 0.5 < overall.alpha < 1
    assert overall.exact_f1 < overall.partial_f1 < 1


def test_spans_read_a_few_documents_at_a_time_give_the_same_figures(
    seeded_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_curators(seeded_store)
    seeded_store.add_annotation(1, "bob", "ents", 0, 4, "ORG", "manual", kb_id="kb:x")
    whole = agreement(seeded_store)
    monkeypatch.setattr(sqlints, "DOCS_PER_RANGE", 2)
    assert repr(agreement(seeded_store)) == repr(whole)  # NaN and arrays compare as text


# -- hand-made edge cases ----------------------------------------------------------------

TEXT = "Samsung and Hyundai met Kazakh officials in Astana on Monday, the ministry said."
#       0      7   11     19  23     30        40 43


@pytest.fixture
def pair_store(store: Store) -> Store:
    store.add_documents([NewDocument(TEXT, "t", None, "s", {})])
    store.add_documents([NewDocument("Seoul welcomed Samsung. " * 3, "u", None, "s", {})])
    return store


def _mark(store: Store, who: str, spans: list[tuple[int, int, str]], doc_id: int = 1) -> None:
    for start, end, label in spans:
        store.add_annotation(doc_id, who, "ents", start, end, label, "manual")
    store.set_status(doc_id, who, "done")


BASE = [(0, 7, "ORG"), (12, 19, "ORG"), (24, 30, "NORP"), (44, 50, "GPE")]


def test_identical(pair_store: Store) -> None:
    _mark(pair_store, "a", BASE)
    _mark(pair_store, "b", BASE)
    f = agreement(pair_store).pairs[0].overall
    assert (f.exact_f1, f.partial_f1, f.kappa, f.alpha) == (1.0, 1.0, 1.0, 1.0)
    assert check_against_references(pair_store, ["a", "b"]) == 8


def test_disjoint(pair_store: Store) -> None:
    _mark(pair_store, "a", BASE[:2])
    _mark(pair_store, "b", BASE[2:])
    f = agreement(pair_store).pairs[0].overall
    assert f.exact_f1 == 0 and f.partial_f1 == 0 and f.kappa < 0
    assert check_against_references(pair_store, ["a", "b"]) == 8


def test_one_curator_empty(pair_store: Store) -> None:
    _mark(pair_store, "a", BASE)
    _mark(pair_store, "b", [])
    f = agreement(pair_store).pairs[0].overall
    assert f.spans == (4, 0) and f.exact_f1 == 0 and f.kappa == 0
    check_against_references(pair_store, ["a", "b"])


def test_both_empty_is_undefined_not_zero(pair_store: Store) -> None:
    _mark(pair_store, "a", [])
    _mark(pair_store, "b", [])
    f = agreement(pair_store).pairs[0].overall
    assert all(math.isnan(x) for x in (f.exact_f1, f.partial_f1, f.kappa, f.alpha))
    out = CliRunner().invoke(main, ["agreement", "--db", str(pair_store.path), "--format", "json"])
    assert json.loads(out.stdout)["pairs"][0]["overall"]["kappa"] is None


def test_one_label_absent_for_one_curator(pair_store: Store) -> None:
    _mark(pair_store, "a", BASE)
    _mark(pair_store, "b", [s for s in BASE if s[2] != "NORP"])
    pair = agreement(pair_store).pairs[0]
    norp = next(f for f in pair.labels if f.label == "NORP")
    org = next(f for f in pair.labels if f.label == "ORG")
    assert norp.spans == (1, 0) and norp.exact_f1 == 0 and norp.kappa == 0
    assert org.exact_f1 == 1 and org.kappa == 1
    check_against_references(pair_store, ["a", "b"])


def test_a_single_document_of_one_token_each(pair_store: Store) -> None:
    _mark(pair_store, "a", [(0, 5, "GPE")], doc_id=2)
    _mark(pair_store, "b", [(0, 5, "GPE"), (15, 22, "ORG")], doc_id=2)
    pair = agreement(pair_store).pairs[0]
    assert pair.documents == 1
    assert pair.overall.exact_f1 == pytest.approx(2 / 3)
    check_against_references(pair_store, ["a", "b"])


def test_overlapping_spans_of_one_curator(pair_store: Store) -> None:
    # a marks "Samsung and Hyundai" as ORG and, inside it, both names again
    _mark(pair_store, "a", [(0, 19, "ORG"), (0, 7, "ORG"), (12, 19, "GPE"), (44, 50, "GPE")])
    _mark(pair_store, "b", [(0, 7, "ORG"), (12, 19, "ORG"), (44, 50, "GPE")])
    pair = agreement(pair_store).pairs[0]
    # exact: ORG 0-7 and GPE 44-50 match: 2·2 / (4 + 3)
    assert pair.overall.exact_f1 == pytest.approx(4 / 7)
    # partial ORG: a's 2 ORG spans overlap b's ORG, b's 2 overlap a's: F1 1
    org = next(f for f in pair.labels if f.label == "ORG")
    assert org.partial_f1 == 1.0
    assert "GPE+ORG" in pair.categories
    check_against_references(pair_store, ["a", "b"])
    check_against_references(pair_store, ["a", "b"], units="labelled")


def test_spans_differing_only_by_white_space_at_an_edge(pair_store: Store) -> None:
    _mark(pair_store, "a", [(0, 7, "ORG"), (43, 50, "GPE")])  # " Astana"
    _mark(pair_store, "b", [(0, 8, "ORG"), (44, 50, "GPE")])  # "Samsung "
    f = agreement(pair_store).pairs[0].overall
    assert (f.exact_f1, f.kappa, f.alpha) == (1.0, 1.0, 1.0)
    check_against_references(pair_store, ["a", "b"])


def test_partial_f1_does_not_depend_on_span_order(pair_store: Store) -> None:
    spans = [(0, 19, "ORG"), (24, 41, "NORP")]
    _mark(pair_store, "a", spans)
    _mark(pair_store, "b", [(12, 19, "ORG"), (0, 7, "ORG"), (24, 30, "NORP")])
    first = agreement(pair_store).pairs[0].overall
    _mark(pair_store, "c", list(reversed(spans)))
    again = agreement(pair_store, ["c", "b"]).pairs[0].overall
    assert first.partial_f1 == again.partial_f1 == 1.0
    assert first.exact_f1 == 0


def test_figures_agree_on_value_and_unit(store: Store) -> None:
    store.add_documents(
        [NewDocument("Trade rose 5% to $6.1 billion and 20 flights.", "", None, "", {})]
    )
    money = {"value": 6.1e9, "unit": "USD"}
    for who, attrs in (("a", money), ("b", {"value": 6.1e9, "unit": "EUR"})):
        store.add_annotation(
            1, who, "figures", 11, 13, "percent", "manual", attrs={"value": 5, "unit": "%"}
        )
        store.add_annotation(1, who, "figures", 17, 29, "money", "manual", attrs=attrs)
        store.set_status(1, who, "done")
    store.add_annotation(1, "a", "figures", 34, 44, "count", "manual", attrs={"value": 20})
    values = agreement(store, layer="figures").pairs[0].values
    assert values is not None
    assert (values.matched, values.value, values.unit, values.both) == (2, 1.0, 0.5, 0.5)


def test_knowledge_base_ids_take_part(pair_store: Store) -> None:
    for who, key in (("a", "kb:samsung"), ("b", "kb:samsung-heavy")):
        pair_store.add_annotation(1, who, "ents", 0, 7, "ORG", "manual", kb_id=key)
        pair_store.add_annotation(1, who, "ents", 44, 50, "GPE", "manual", kb_id="kb:astana")
        pair_store.set_status(1, who, "done")
    kb = agreement(pair_store).pairs[0].kb
    assert kb is not None and (kb.matched, kb.same) == (2, 0.5)


def test_too_few_curators_says_why(pair_store: Store) -> None:
    _mark(pair_store, "a", BASE)
    with pytest.raises(AgreementError, match="two curators"):
        agreement(pair_store)
    out = CliRunner().invoke(main, ["agreement", "--db", str(pair_store.path)])
    assert out.exit_code == 1 and out.stderr.count("\n") == 1


# -- the command ----------------------------------------------------------------------


def test_cli_table_json_csv(seeded_store: Store) -> None:
    three_curators(seeded_store)
    db = str(seeded_store.path)
    runner = CliRunner()
    table = runner.invoke(main, ["agreement", "--db", db])
    assert table.exit_code == 0, table.output
    assert "alice / bob / carol: 5 documents finished by all" in table.stdout
    data = json.loads(runner.invoke(main, ["agreement", "--db", db, "--format", "json"]).stdout)
    expected = agreement(seeded_store).group
    assert data["group"]["overall"]["alpha"] == expected.overall.alpha
    assert data["group"]["kappa"] == "fleiss" and data["group"]["documents"] == 5
    csv_out = runner.invoke(
        main,
        [
            "agreement",
            "--db",
            db,
            "--format",
            "csv",
            "--labels",
            "GPE,ORG",
            "--annotators",
            "alice,bob",
        ],
    ).stdout
    lines = csv_out.strip().split("\n")
    assert lines[0].startswith("scope,curators,documents,label") and len(lines) == 1 + 3
    help_text = " ".join(runner.invoke(main, ["agreement", "--help"]).stdout.split())
    for words in (
        "exact F1",
        "partial F1",
        "Cohen's kappa",
        "Fleiss' kappa",
        "nominal",
        "unitized alpha",
        '"O"',
    ):
        assert words in help_text


# -- the report -------------------------------------------------------------------------


def _marked_up(store: Store) -> None:
    store.add_documents([NewDocument(TEXT, "t", None, "s", {})])
    evil = "<img src=/local/x.png>"
    for who in ("<b>ann</b>", "bob"):
        store.add_annotation(1, who, "ents", 0, 7, f"ORG{evil}", "manual")
        store.add_annotation(1, who, "ents", 44, 50, "GPE" if who == "bob" else "LOC", "manual")
        store.set_status(1, who, "done")


def test_html_report_embeds_charts_and_escapes_names(store: Store, tmp_path: Path) -> None:
    _marked_up(store)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["agreement", "--db", str(store.path), "--report", str(out), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.count("src='data:image/png;base64,") == 2  # per label chart, confusion
    assert "<img src=/local" not in page and "<b>ann</b>" not in page
    assert "&lt;img src=/local/x.png&gt;" in page and "&lt;b&gt;ann&lt;/b&gt;" in page
    again = CliRunner().invoke(main, ["agreement", "--db", str(store.path), "--report", str(out)])
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_png_report(store: Store, tmp_path: Path) -> None:
    _marked_up(store)
    out = tmp_path / "report.png"
    result = CliRunner().invoke(
        main,
        ["agreement", "--db", str(store.path), "--report", str(out), "--pair", "bob,<b>ann</b>"],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = CliRunner().invoke(
        main, ["agreement", "--db", str(store.path), "--report", str(tmp_path / "r.pdf")]
    )
    assert bad.exit_code == 1 and ".html or .png" in bad.stderr


def test_report_without_matplotlib_says_what_to_install(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _marked_up(store)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if missing
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["agreement", "--db", str(store.path), "--report", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the agreement report needs matplotlib: pip install 'annotator[report]'"
    )
    assert not out.exists()


def test_reference_libraries_are_never_imported_at_run_time() -> None:
    root = Path(__file__).resolve().parent.parent / "annotator"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("krippendorff", "sklearn", "statsmodels"):
            assert f"import {name}" not in text and f"from {name}" not in text, path


def test_counts_a_stretch_at_a_time_equal_counts_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.core.agreement import metrics

    rng = np.random.default_rng(5)
    codes = rng.integers(0, 7, size=(1000, 3)).astype(np.uint8)
    whole = metrics.confusion(codes[:, 0], codes[:, 1], 7)
    counts, weights = metrics.unit_counts(codes, 7)
    monkeypatch.setattr(metrics, "_STRETCH", 64)
    assert (metrics.confusion(codes[:, 0], codes[:, 1], 7) == whole).all()
    assert whole.sum() == 1000
    assert whole[2, 3] == int(((codes[:, 0] == 2) & (codes[:, 1] == 3)).sum())
    stretched = metrics.unit_counts(codes, 7)
    assert (stretched[0] == counts).all() and (stretched[1] == weights).all()
    assert weights.sum() == 1000
