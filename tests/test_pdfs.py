"""PDFs: text per page, chunks with pages and offsets, links to records, and broken files."""
from __future__ import annotations

from pdf_factory import encrypted_pdf, image_only_pdf, text_pdf, truncated_pdf
from test_scopus_csv import scopus_row, write_csv

BODY = ("Bibliometric methods measure the diffusion of scientific knowledge. " * 12 + "\n") * 4


def records_csv(tmp_path):
    rows = [scopus_row(1, Title="Mapping the diffusion of scientific knowledge across disciplines",
                       DOI="10.1007/s11192-021-04069-9"),
            scopus_row(2, Title="Gender differences in research funding success rates",
                       DOI="10.1038/s41598-024-72364-5"),
            scopus_row(3, Title="A longitudinal analysis of preprint adoption in physics", DOI="")]
    return write_csv(tmp_path / "records.csv", rows)


def by_name(report):
    return {d.file.rsplit("/", 1)[-1]: d for d in report.documents}


def test_pdfs_link_by_filename_metadata_text_and_title(tmp_path, ingest, corpus):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    text_pdf(folder / "paper_10.1007_s11192-021-04069-9.pdf", ["Some paper\n" + BODY, BODY])
    text_pdf(folder / "download.pdf", ["Untitled\n" + BODY],
             metadata={"subject": "Sci Rep, https://doi.org/10.1038/s41598-024-72364-5"})
    text_pdf(folder / "scan_0007.pdf",
             ["A Longitudinal Analysis of Preprint Adoption in Physics\nJ. Smith\n" + BODY])
    text_pdf(folder / "unrelated.pdf", ["Minutes of the faculty meeting\n" + BODY])
    report = ingest(records_csv(tmp_path), folder)
    docs = by_name(report)
    titles = corpus.records().set_index("record_id").title
    assert docs["paper_10.1007_s11192-021-04069-9.pdf"].link_method == "filename_doi"
    assert titles[docs["paper_10.1007_s11192-021-04069-9.pdf"].record_id].startswith("Mapping")
    assert docs["download.pdf"].link_method == "metadata_doi"
    assert titles[docs["download.pdf"].record_id].startswith("Gender")
    assert docs["scan_0007.pdf"].link_method == "title"
    assert titles[docs["scan_0007.pdf"].record_id].startswith("A longitudinal")
    assert docs["unrelated.pdf"].record_id is None
    assert [d["path"].rsplit("/", 1)[-1] for d in corpus.stats()["unlinked_documents"]] == ["unrelated.pdf"]


def test_doi_in_page_text_links(tmp_path, ingest):
    pdf = text_pdf(tmp_path / "x.pdf", ["Journal header\nhttps://doi.org/10.1007/s11192-021-04069-9\n" + BODY])
    docs = by_name(ingest(records_csv(tmp_path), pdf))
    assert docs["x.pdf"].link_method == "text_doi"


def test_pdfs_before_their_records_are_linked_when_records_arrive(tmp_path, ingest):
    pdf = text_pdf(tmp_path / "paper_10.1007_s11192-021-04069-9.pdf", [BODY])
    first = ingest(pdf)
    assert first.documents[0].record_id is None
    later = ingest(records_csv(tmp_path))
    assert later.relinked == 1


def test_chunks_keep_pages_and_offsets(tmp_path, ingest, corpus):
    pages = [f"Page {n} starts here.\n" + BODY for n in range(1, 4)]
    ingest(text_pdf(tmp_path / "p.pdf", pages))
    stored_pages = [t for (t,) in corpus.con.execute(
        "SELECT text FROM pages ORDER BY page").fetchall()]
    assert len(stored_pages) == 3 and "Page 2 starts here." in stored_pages[1]
    full = "\n\n".join(stored_pages)
    chunks = corpus.con.execute(
        "SELECT text, page_start, page_end, char_start, char_end FROM chunks ORDER BY chunk_index"
    ).fetchall()
    assert len(chunks) > 3
    for text, p0, p1, c0, c1 in chunks:
        assert full[c0:c1] == text
        assert 1 <= p0 <= p1 <= 3
    assert chunks[-1][2] == 3


def test_broken_pdfs_get_a_status_and_the_batch_goes_on(tmp_path, ingest, corpus):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    good = text_pdf(folder / "good.pdf", ["Fine paper\n" + BODY])
    (folder / "zero.pdf").write_bytes(b"")
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    truncated_pdf(folder / "truncated.pdf", text_pdf(tmp_path / "src.pdf", [BODY, BODY, BODY]))
    encrypted_pdf(folder / "locked.pdf")
    image_only_pdf(folder / "scan.pdf")
    (folder / "notes.txt").write_text("reading notes")
    (folder / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    report = ingest(folder)
    docs = by_name(report)
    assert docs["good.pdf"].status == "ok" and docs["good.pdf"].chunks > 0
    assert docs["zero.pdf"].status == "empty"
    assert docs["garbage.pdf"].status == "corrupt" and "cannot be opened" in docs["garbage.pdf"].error
    # MuPDF repairs what it can of a cut-off file: the user learns that pages may be missing.
    assert docs["truncated.pdf"].status == "repaired" and "missing" in docs["truncated.pdf"].error
    assert docs["locked.pdf"].status == "encrypted" and "password" in docs["locked.pdf"].error
    assert docs["scan.pdf"].status == "no_text" and "OCR" in docs["scan.pdf"].error
    assert sorted(p.rsplit("/", 1)[-1] for p, _ in report.skipped) == ["figure.png", "notes.txt"]
    stored = dict(corpus.con.execute("SELECT status, count(*) FROM documents GROUP BY 1").fetchall())
    assert stored == {"ok": 1, "repaired": 1, "empty": 1, "encrypted": 1, "no_text": 1, "corrupt": 1}
    assert good.exists()


def test_same_pdf_twice_is_stored_once(tmp_path, ingest, corpus):
    pdf = text_pdf(tmp_path / "a.pdf", [BODY])
    copy = tmp_path / "copy_of_a.pdf"
    copy.write_bytes(pdf.read_bytes())
    ingest(pdf, copy)
    assert corpus.con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert not ingest(pdf).changed
