"""The real scisci corpus: 1,124 Scopus-derived records and 27 real PDFs, read in place."""
from __future__ import annotations

import pytest

import litlab
from conftest import assert_accounted


@pytest.fixture(scope="module")
def scisci_corpus(tmp_path_factory, scisci):
    path = tmp_path_factory.mktemp("scisci") / "scisci.duckdb"
    corpus = litlab.open(path)
    report = corpus.ingest([scisci / "science_of_science.csv", scisci / "pdfs"])
    yield corpus, report
    corpus.close()


def test_every_row_is_accounted_for(scisci_corpus):
    corpus, report = scisci_corpus
    assert_accounted(report)
    imp = report.imports[0]
    assert imp.format == "csv" and imp.rows_read == 1124
    assert imp.stored + imp.duplicates + imp.rejected == 1124
    assert corpus.stats()["records"] == imp.stored


def test_every_pdf_is_linked_to_its_record_by_doi(scisci_corpus, scisci):
    corpus, report = scisci_corpus
    assert len(report.documents) == 27
    docs = corpus.documents()
    assert docs.link_method.eq("filename_doi").all()
    for _, doc in docs.iterrows():
        expected = doc.path.rsplit("/", 1)[-1].removeprefix("paper_").removesuffix(".pdf")
        assert doc.doi.replace("/", "_") == expected.lower()
    assert corpus.stats()["documents"] == {"total": 27, "linked": 27, "failed": 0,
                                           "pages": 565, "chunks": int(docs.n_chunks.sum())}


def test_renamed_lowercase_columns_are_mapped(scisci_corpus):
    corpus, _ = scisci_corpus
    rec = corpus.con.execute(
        "SELECT title, source_title, document_type, cited_by, author_ids, author_keywords, "
        "open_access, copyright FROM records WHERE doi = '10.1038/s41598-024-72364-5'"
    ).fetchone()
    assert rec[0].startswith("Machine learning misclassification networks")
    assert rec[1:4] == ("Scientific Reports", "Article", 3)
    assert rec[4] == ["56458682200", "26638544600", "7004777863"]
    assert rec[5] == ["Interdisciplinary research", "Machine learning", "Maps of science"]
    assert rec[7] == "© The Author(s) 2024."


def test_placeholder_abstracts_and_copyright_tails(scisci_corpus):
    corpus, _ = scisci_corpus
    placeholders, tails_left = corpus.con.execute(
        "SELECT count(*) FILTER (WHERE abstract ILIKE '%no abstract available%'), "
        "count(*) FILTER (WHERE abstract LIKE '%© 20__ Elsevier%') FROM records").fetchone()
    assert placeholders == 0 and tails_left == 0
    null_abstracts = corpus.con.execute("SELECT count(*) FROM records WHERE abstract IS NULL").fetchone()[0]
    assert null_abstracts >= 49


def test_running_again_changes_nothing(scisci_corpus, scisci):
    corpus, _ = scisci_corpus
    again = corpus.ingest([scisci / "science_of_science.csv", scisci / "pdfs"])
    assert not again.changed
    assert corpus.stats()["records"] == scisci_corpus[1].imports[0].stored


@pytest.mark.slow
def test_every_stored_evidence_sentence_is_verbatim_in_its_source(scisci_corpus):
    """A real run (auto scope: PDF passages where linked, else abstracts) on real records."""
    from test_labeling import assert_evidence_verbatim

    corpus, _ = scisci_corpus
    with_pdf = corpus.documents().record_id.astype(int).tolist()[:5]
    without = corpus.con.execute("SELECT record_id FROM records WHERE abstract IS NOT NULL "
                                 "ORDER BY record_id LIMIT 7").fetchall()
    ids = with_pdf + [r for (r,) in without]
    result = corpus.label("Does the article use bibliometric analysis?", scope="auto",
                          filters={"record_ids": ids})
    labels = corpus.labels(result.run_ids[0])
    assert len(labels) == len(ids) and labels.evidence.notna().all()
    assert (labels.evidence_source == "fulltext").sum() == 5 and labels.page.notna().sum() >= 5
    assert_evidence_verbatim(corpus, result.run_ids[0])
