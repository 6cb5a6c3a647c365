"""Deduplication across files and formats, with enrichment and a reason for every merge."""
from __future__ import annotations

import pandas as pd

from test_scopus_csv import scopus_row, write_csv

RIS = """TY  - JOUR\r
AU  - Smith, J.\r
TI  - Citation dynamics of open access articles in field number 1\r
T2  - Scientometrics\r
PY  - 2016\r
DO  - https://doi.org/10.1007/S11192-020-00001-X\r
AB  - A different abstract from the RIS export.\r
ER  - \r
\r
TY  - JOUR\r
AU  - Smith, J.\r
TI  - Citation Dynamic of Open-Access Articles in Field Number 2.\r
T2  - Scientometrics\r
PY  - 2017\r
AB  - The RIS copy has the abstract the CSV lacked.\r
ER  - \r
\r
TY  - JOUR\r
AU  - Novak, P.\r
TI  - A brand new record only in the RIS file\r
PY  - 2020\r
DO  - 10.1000/new.1\r
ER  - \r
"""

BIB = """@article{smith2018,
  author = {Smith, J. and Braun, R.},
  title = {Citation dynamics of open access articles in field number 3},
  journal = {Scientometrics},
  year = {2018},
  note = {EID: 2-s2.0-85000000003},
  url = {https://www.scopus.com/inward/record.uri?eid=2-s2.0-85000000003},
  source = {Scopus}
}
"""


def test_duplicates_across_csv_ris_and_bibtex(tmp_path, ingest, corpus):
    rows = [scopus_row(1), scopus_row(2, DOI="", Abstract="[No abstract available]"),
            scopus_row(3, DOI="")]
    csv_path = write_csv(tmp_path / "scopus.csv", rows)
    ris = tmp_path / "more.ris"
    ris.write_bytes(RIS.encode())
    bib = tmp_path / "more.bib"
    bib.write_text(BIB)
    report = ingest(csv_path, ris, bib)
    imports = {i.format: i for i in report.imports}
    assert imports["ris"].duplicates == 2 and imports["ris"].stored == 1
    assert imports["bibtex"].duplicates == 1 and imports["bibtex"].stored == 0
    assert len(corpus.records()) == 4
    dups = corpus.duplicates()
    assert sorted(dups.reason) == ["doi", "eid", "fuzzy_title"]
    fuzzy = dups[dups.reason == "fuzzy_title"].iloc[0]
    assert 95 <= fuzzy.similarity < 100 and "abstract" in list(fuzzy.enriched)
    enriched = corpus.records().set_index("record_id").loc[fuzzy.duplicate_of]
    assert enriched.abstract == "The RIS copy has the abstract the CSV lacked."
    # the kept record keeps its own abstract where it had one
    kept = corpus.records().set_index("doi").loc["10.1007/s11192-020-00001-x"]
    assert kept.abstract.startswith("We analyse 1 thousand")


def test_same_title_with_different_dois_stays_two_records(tmp_path, ingest, corpus):
    rows = [scopus_row(1, Title="Editorial: the state of scientometrics research today"),
            scopus_row(2, Title="Editorial: the state of scientometrics research today",
                       Year="2016")]
    report = ingest(write_csv(tmp_path / "s.csv", rows))
    assert report.imports[0].stored == 2 and report.imports[0].duplicates == 0


def test_same_title_and_year_without_doi_merges_but_other_first_author_does_not(tmp_path, ingest, corpus):
    title = "Reproducibility of published findings in experimental psychology"
    rows = [scopus_row(1, Title=title, DOI="", EID="", Year="2019"),
            scopus_row(2, Title=title, DOI="", EID="", Year="2019"),
            scopus_row(3, Title=title, DOI="", EID="", Year="2019", Authors="Garcia M.; Lee K.")]
    imp = ingest(write_csv(tmp_path / "s.csv", rows)).imports[0]
    assert (imp.stored, imp.duplicates) == (2, 1)
    assert corpus.duplicates().reason.tolist() == ["title_year"]


def test_doi_variants_normalise_to_one(tmp_path, ingest, corpus):
    rows = [scopus_row(1, DOI="doi:10.1007/S11192-020-00001-X", EID=""),
            scopus_row(9, DOI="http://dx.doi.org/10.1007/s11192-020-00001-x.", EID="",
                       Title="Completely different title of the same DOI record here")]
    imp = ingest(write_csv(tmp_path / "s.csv", rows)).imports[0]
    assert imp.duplicates == 1
    assert corpus.records().doi.tolist() == ["10.1007/s11192-020-00001-x"]
    assert not pd.isna(corpus.duplicates().duplicate_of[0])


def test_parts_of_a_series_stay_apart_but_a_retyped_title_merges(tmp_path, ingest, corpus):
    series = "Mapping the science of science with co-citation networks, part {}"
    rows = [scopus_row(1, Title=series.format(1), DOI="", EID="", Year="2020"),
            scopus_row(2, Title=series.format(2), DOI="", EID="", Year="2020"),
            scopus_row(3, Title=series.format(1).replace("co-citation", "cocitation") + ".",
                       DOI="", EID="", Year="2020")]
    imp = ingest(write_csv(tmp_path / "s.csv", rows)).imports[0]
    assert (imp.stored, imp.duplicates) == (2, 1)
    assert corpus.duplicates().reason.tolist() == ["fuzzy_title"]
