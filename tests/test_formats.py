"""Readers for RIS, BibTeX, Web of Science and OpenAlex exports, on realistic snippets."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from litlab.ingest.base import CANONICAL_FIELDS, READERS, ParsedRecord, RejectedRow
from litlab.ingest.fields import clean_record
from litlab.ingest.formats import bibtex, openalex, ris, wos

# --- fixtures: snippets shaped like the real exports --------------------------------------

SCOPUS_RIS = (
    "TY  - JOUR\r\n"
    "AU  - Phillips, J.C.\r\n"
    "AU  - Braun, R.\r\n"
    "TI  - Scalable molecular dynamics with NAMD\r\n"
    "PY  - 2005\r\n"
    "T2  - Journal of Computational Chemistry\r\n"
    "VL  - 26\r\n"
    "IS  - 16\r\n"
    "SP  - 1781\r\n"
    "EP  - 1802\r\n"
    "DO  - 10.1002/jcc.20289\r\n"
    "UR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-27344436934&doi=10.1002%2fjcc.20289"
    "&partnerID=40&md5=5a7f2d\r\n"
    "AD  - Beckman Institute, University of Illinois, Urbana, IL 61801, United States\r\n"
    # a stray CR inside the abstract, as Scopus sometimes exports
    "AB  - NAMD is a parallel molecular dynamics code.\rIt scales to hundreds of processors.\r\n"
    "KW  - Molecular dynamics\r\n"
    "KW  - Parallel computing\r\n"
    "N1  - Cited By :12345; Export Date: 1 May 2020\r\n"
    "PB  - Wiley\r\n"
    "SN  - 01928651\r\n"
    "LA  - English\r\n"
    "J2  - J. Comput. Chem.\r\n"
    "M3  - Article\r\n"
    "DB  - Scopus\r\n"
    "C2  - 16222654\r\n"
    "ER  - \r\n"
    "\r\n"
    "TY  - JOUR\r\n"
    "AU  - Smith, A.\r\n"
    "TI  - A second paper\r\n"
    "TI  - with a repeated title tag\r\n"
    "  that continues on the next line\r\n"
    "ER  - \r\n"
    "\r\n"
    "TY  - CONF\r\n"
    "AU  - Jones, B.\r\n"
    "TI  - Deep learning for screening\r\n"
    "PY  - 2021///\r\n"
    "T2  - Proceedings of the Conference on Screening\r\n"
    "C7  - 105123\r\n"
    "N1  - Cited by: 7; All Open Access, Gold Open Access\r\n"
    "ER  - \r\n"
)

IEEE_RIS = """TY  - CONF
TI  - Active Learning for Systematic Reviews
T2  - 2020 IEEE International Conference on Big Data (Big Data)
SP  - 1-6
AU  - J. Smith
AU  - R. Braun
PY  - 2020
KW  - Training
KW  - Active learning
DO  - 10.1109/BigData50022.2020.9378167
JO  - 2020 IEEE International Conference on Big Data (Big Data)
IS  - 
SN  - 
VO  - 
VL  - 
JA  - 2020 IEEE International Conference on Big Data (Big Data)
Y1  - 10-13 Dec. 2020
AB  - We screen abstracts with an active learner.
ER  - 
"""

SCOPUS_BIB_OLD = r"""Scopus
EXPORT DATE: 01 May 2020

@ARTICLE{Phillips20051781,
author={Phillips, J.C. and Braun, R. and M{\"u}ller, K.},
title={Scalable molecular dynamics with {NAMD}},
journal={Journal of Computational Chemistry},
year={2005},
volume={26},
number={16},
pages={1781-1802},
doi={10.1002/jcc.20289},
note={cited By 12345},
url={https://www.scopus.com/inward/record.uri?eid=2-s2.0-27344436934&doi=10.1002%2fjcc.20289&partnerID=40&md5=5a7f},
affiliation={Beckman Institute, University of Illinois, Urbana, IL, United States; Max Planck Institute, Germany},
abstract={NAMD scales to 50% more processors than before.},
author_keywords={Molecular dynamics; Parallel computing},
keywords={Algorithms; Computer Simulation},
publisher={Wiley},
issn={01928651},
language={English},
abbrev_source_title={J. Comput. Chem.},
document_type={Article},
source={Scopus},
}
"""

SCOPUS_BIB_NEW = r"""@ARTICLE{Smith2023,
	author = {Smith, John and {\'E}tienne, Rolf},
	title = {{T}owards {DNA} storage},
	year = {2023},
	journal = {Nature Communications},
	volume = {14},
	number = {1},
	pages = {100 – 110},
	doi = {10.1038/s41467-023-00001-1},
	url = {https://www.scopus.com/inward/record.uri?eid=2-s2.0-85150000000&doi=10.1038%2fs41467-023-00001-1&partnerID=40&md5=1},
	affiliations = {Department of Biology, ETH Z{\"u}rich, Switzerland},
	abstract = {We store data in DNA.},
	author_keywords = {DNA storage; coding},
	keywords = {DNA; information storage},
	publisher = {Nature Research},
	issn = {20411723},
	language = {English},
	abbrev_source_title = {Nat. Commun.},
	type = {Article},
	publication_stage = {Final},
	source = {Scopus},
	note = {Cited by: 12; All Open Access, Gold Open Access}
}

@ARTICLE{Smith2023,
	author = {Smith, John},
	title = {A different paper under the same key},
	year = {2023},
	source = {Scopus},
}

@ARTICLE{Broken2023,
	title = {An unclosed value,
	year = {2023}

@ARTICLE{After2023,
	title = {Read after the broken entry},
	year = {2022},
	source = {Scopus},
}
"""

WOS_BIB = r"""@article{ WOS:000456789100001,
Author = {Smith, John and Braun, Rolf},
Title = {Screening prioritisation with active learning},
Journal = {JOURNAL OF CLINICAL EPIDEMIOLOGY},
Year = {2019},
Volume = {108},
Pages = {1-10},
Month = {APR},
Abstract = {Background: screening is slow.
   Methods: we simulate.},
Publisher = {ELSEVIER SCIENCE INC},
Type = {Article},
Language = {English},
Affiliation = {Smith, J (Corresponding Author), Univ Utrecht, Dept Methodol, Utrecht, Netherlands.
   Braun, Rolf, Univ Amsterdam, Amsterdam, Netherlands.},
DOI = {10.1016/j.jclinepi.2018.11.001},
ISSN = {0895-4356},
EISSN = {1878-5921},
Keywords = {Systematic review; Active learning},
Keywords-Plus = {METAANALYSIS; TRIALS},
Author-Email = {j.smith@uu.nl},
Times-Cited = {42},
Unique-ID = {WOS:000456789100001},
DA = {2020-01-01},
}
"""

WOS_TXT = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Smith, J
   Braun, R
AF Smith, John
   Braun, Rolf
TI Screening prioritisation with active learning: a simulation
   study across twelve reviews
SO JOURNAL OF CLINICAL EPIDEMIOLOGY
LA English
DT Article
DE Systematic review; Active learning; Machine
   learning
ID METAANALYSIS; TRIALS
AB Background: screening is slow.
C1 [Smith, John; Braun, Rolf] Univ Utrecht, Dept Methodol, Utrecht, Netherlands.
   [Braun, Rolf] Univ Amsterdam, Amsterdam, Netherlands.
TC 42
Z9 45
PU ELSEVIER SCIENCE INC
SN 0895-4356
PY 2019
VL 108
BP 1
EP 10
DI 10.1016/j.jclinepi.2018.11.001
PG 10
WC Health Care Sciences & Services
UT WOS:000456789100001
PM 30445001
ER

PT J
AU Doe, J
TI Another record
SO NATURE
PY 2020
UT WOS:000500000000002
ER

PT J
AU Roe, R
TI A record with a damaged line
this line has lost its indentation
ER

EF
"""

WOS_TAB_HEADER = "PT\tAU\tAF\tTI\tSO\tDE\tAB\tC1\tTC\tPY\tVL\tBP\tEP\tDI\tUT\t"
WOS_TAB = "\ufeff" + "\n".join([
    WOS_TAB_HEADER,
    "J\tSmith, J; Braun, R\tSmith, John; Braun, Rolf\tScreening with active learning\t"
    "J CLIN EPIDEMIOL\tSystematic review; Active learning\tScreening is slow.\t"
    "[Smith, John; Braun, Rolf] Univ Utrecht, Utrecht, Netherlands; [Braun, Rolf] Univ "
    "Amsterdam, Amsterdam, Netherlands\t42\t2019\t108\t1\t10\t10.1016/j.jclinepi.2018.11.001\t"
    "WOS:000456789100001\t",
    # one row broken in two by a line break inside its abstract
    "J\tDoe, J\tDoe, Jane\tA broken row\tNATURE\t\tFirst half of the abstract",
    "second half\t\t3\t2020\t1\t1\t2\t\tWOS:000500000000002\t",
    "J\tRoe, R\tRoe, Rick\t\"Quoted\" title stays as written\tSCIENCE\t\t\t\t0\t2021\t\t\t\t"
    "\tWOS:000600000000003\t",
    "",
])

ABSTRACT_INDEX = {"Active": [0], "learning": [1, 5], "speeds": [2], "up": [3], "screening": [4],
                  "with": [6], "few": [7], "labels.": [8]}


def work(n: int, **extra) -> dict:
    """A trimmed OpenAlex work object."""
    base = {
        "id": f"https://openalex.org/W274180980{n}",
        "doi": f"https://doi.org/10.1234/example.{n}",
        "title": f"Work number {n}",
        "display_name": f"Work number {n}",
        "publication_year": 2017 + n,
        "type": "article",
        "language": "en",
        "ids": {"openalex": f"https://openalex.org/W274180980{n}",
                "pmid": "https://pubmed.ncbi.nlm.nih.gov/2900000" + str(n)},
        "primary_location": {"landing_page_url": f"https://doi.org/10.1234/example.{n}",
                             "source": {"display_name": "PeerJ", "issn_l": "2167-8359",
                                        "host_organization_name": "PeerJ Inc."}},
        "authorships": [
            {"author_position": "first",
             "author": {"id": "https://openalex.org/A5023888391",
                        "display_name": "Heather Piwowar"},
             "institutions": [{"display_name": "Impactstory"}],
             "raw_affiliation_strings": ["Impactstory, Sanford, NC"]},
            {"author_position": "last",
             "author": {"id": "https://openalex.org/A5000000002", "display_name": "Jason Priem"},
             "institutions": [], "raw_affiliation_strings": ["Some raw address"]},
        ],
        "biblio": {"volume": "6", "issue": None, "first_page": "e4375", "last_page": None},
        "cited_by_count": 1000 + n,
        "open_access": {"is_oa": True, "oa_status": "gold"},
        "keywords": [{"id": "https://openalex.org/keywords/oa", "display_name": "Open access"}],
        "concepts": [{"display_name": "Computer science"}],
        "topics": [{"display_name": "Scholarly communication"}],
        "abstract_inverted_index": ABSTRACT_INDEX,
        "counts_by_year": [{"year": 2023, "cited_by_count": 50}],
    }
    base.update(extra)
    return base


OPENALEX_PAGE = json.dumps(
    {"meta": {"count": 2, "db_response_time_ms": 30, "page": 1, "per_page": 25},
     "results": [work(1), work(2)], "group_by": []},
    indent=2,
)
OPENALEX_JSONL = "\n".join([
    json.dumps(work(1)),
    '{"id": "https://openalex.org/W999", "display_name": "cut off',
    json.dumps(work(2)),
    "",
])


# --- helpers -------------------------------------------------------------------------------

def read(reader, text: str, name: str = "export") -> tuple[list[ParsedRecord], list[RejectedRow]]:
    items = list(reader.read(text, Path(name)))
    return ([i for i in items if isinstance(i, ParsedRecord)],
            [i for i in items if isinstance(i, RejectedRow)])


def detected(text: str, name: str) -> str:
    head = text[:65536]
    return max(READERS.all(), key=lambda r: r.sniff(head, Path(name))).name


def line_of(text: str, needle: str) -> int:
    """1-based line where ``needle`` first appears (CR, LF and CRLF all end a line)."""
    before = text[: text.index(needle)].replace("\r\n", "\n").replace("\r", "\n")
    return before.count("\n") + 1


# --- detection -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (SCOPUS_RIS, "scopus.ris", "ris"),
        (IEEE_RIS, "export.txt", "ris"),
        (SCOPUS_BIB_OLD, "scopus.bib", "bibtex"),
        (SCOPUS_BIB_NEW, "scopus.txt", "bibtex"),
        (WOS_BIB, "savedrecs.bib", "bibtex"),
        (WOS_TXT, "savedrecs.txt", "wos_txt"),
        (WOS_TAB, "savedrecs.txt", "wos_tab"),
        (OPENALEX_PAGE, "works.json", "openalex_json"),
        (OPENALEX_JSONL, "works.jsonl", "openalex_jsonl"),
        (json.dumps([work(1)]), "works.txt", "openalex_json"),
    ],
)
def test_sniff_picks_the_right_reader_among_all(text, name, expected):
    assert detected(text, name) == expected


def test_new_readers_do_not_claim_a_scopus_csv():
    csv_text = ('Authors,Author(s) ID,Title,Year,Source title,Cited by,DOI,Link,EID\n'
                '"A B.","1",T,2020,S,1,,,2-s2.0-1\n')
    scores = {r.name: r.sniff(csv_text, Path("scopus.csv")) for r in READERS.all()}
    assert max(scores, key=scores.get) == "scopus_csv"
    assert all(scores[n] == 0 for n in ("ris", "bibtex", "wos_txt", "wos_tab",
                                        "openalex_json", "openalex_jsonl"))


@pytest.mark.parametrize(
    ("reader", "text"),
    [(ris.RisReader(), SCOPUS_RIS), (ris.RisReader(), IEEE_RIS),
     (bibtex.BibtexReader(), SCOPUS_BIB_OLD), (bibtex.BibtexReader(), WOS_BIB),
     (wos.WosPlainTextReader(), WOS_TXT), (wos.WosTabReader(), WOS_TAB),
     (openalex.OpenAlexJsonReader(), OPENALEX_PAGE),
     (openalex.OpenAlexJsonlReader(), OPENALEX_JSONL)],
)
def test_records_survive_central_cleaning_and_raw_is_json(reader, text):
    records, _ = read(reader, text)
    assert records
    for record in records:
        json.dumps(record.raw)  # raw is stored as JSON
        assert clean_record(record.fields)["title"]
        assert set(record.fields) <= set(CANONICAL_FIELDS)


# --- RIS -----------------------------------------------------------------------------------

def test_scopus_ris_with_crlf_and_stray_cr():
    records, rejects = read(ris.RisReader(), SCOPUS_RIS)
    first = records[0]
    assert first.line == 1
    assert first.fields["title"] == "Scalable molecular dynamics with NAMD"
    assert first.fields["authors"] == ["Phillips, J.C.", "Braun, R."]
    assert first.fields["doi"] == "10.1002/jcc.20289"
    assert first.fields["year"] == "2005"
    assert first.fields["source_title"] == "Journal of Computational Chemistry"
    assert first.fields["abstract"] == (
        "NAMD is a parallel molecular dynamics code. It scales to hundreds of processors.")
    assert first.fields["cited_by"] == "12345"
    assert first.fields["eid"] == "2-s2.0-27344436934"
    assert first.fields["document_type"] == "Article"
    assert first.fields["author_keywords"] == ["Molecular dynamics", "Parallel computing"]
    assert first.raw["C2"] == "16222654"  # an unmapped tag is kept under its tag
    assert first.raw["J2"] == "J. Comput. Chem."


def test_ris_bad_record_is_rejected_alone_with_its_line():
    records, rejects = read(ris.RisReader(), SCOPUS_RIS)
    assert [r.line for r in rejects] == [line_of(SCOPUS_RIS, "TY  - JOUR\r\nAU  - Smith")]
    assert "A second paper" in rejects[0].raw
    last = records[-1]
    assert last.line == line_of(SCOPUS_RIS, "TY  - CONF")
    assert last.fields["year"] == "2021"
    assert last.fields["art_no"] == "105123"
    assert last.fields["cited_by"] == "7"
    assert last.fields["document_type"] == "Conference Paper"


def test_ris_tags_without_a_ty_line_are_rejected_not_lost():
    text = "AU  - Lost, A.\nTI  - Orphan record\nER  - \n\n" + IEEE_RIS
    records, rejects = read(ris.RisReader(), text)
    assert [(r.line, "Orphan record" in r.raw) for r in rejects] == [(1, True)]
    assert [r.line for r in records] == [5]


def test_ieee_ris():
    (record,), rejects = read(ris.RisReader(), IEEE_RIS)
    assert not rejects
    assert record.fields["authors"] == ["J. Smith", "R. Braun"]
    assert record.fields["page_start"] == "1" and record.fields["page_end"] == "6"
    assert record.fields["doi"] == "10.1109/BigData50022.2020.9378167"
    assert record.fields["source_title"].startswith("2020 IEEE International Conference")
    assert record.fields["document_type"] == "Conference Paper"
    assert record.raw["Y1"] == "10-13 Dec. 2020"
    assert "VO" in record.raw


def test_wos_ris_and_a_publisher_header():
    text = (
        "Provider: Clarivate\nContent: text/plain; charset=\"UTF-8\"\n\n"
        "TY  - JOUR\nAU  - Smith, J\nAU  - Braun, R\nAF  - Smith, John\nAF  - Braun, Rolf\n"
        "TI  - Screening prioritisation\nT2  - JOURNAL OF CLINICAL EPIDEMIOLOGY\n"
        "PY  - 2019/05/01\nAN  - WOS:000456789100001\nJ9  - J CLIN EPIDEMIOL\nER  - \n"
    )
    assert detected(text, "savedrecs.ris") == "ris"
    (record,), rejects = read(ris.RisReader(), text)
    assert not rejects and record.line == 4
    assert record.fields["wos_ut"] == "WOS:000456789100001"
    assert record.fields["year"] == "2019"
    assert record.fields["author_full_names"] == ["Smith, John", "Braun, Rolf"]
    assert record.raw["J9"] == "J CLIN EPIDEMIOL"


# --- BibTeX --------------------------------------------------------------------------------

def test_scopus_bibtex_old_style():
    (record,), rejects = read(bibtex.BibtexReader(), SCOPUS_BIB_OLD)
    assert not rejects
    f = record.fields
    assert record.line == 4
    assert f["authors"] == ["Phillips, J.C.", "Braun, R.", "Müller, K."]
    assert f["title"] == "Scalable molecular dynamics with NAMD"
    assert f["cited_by"] == "12345"
    assert f["abstract"] == "NAMD scales to 50% more processors than before."
    assert f["author_keywords"] == ["Molecular dynamics", "Parallel computing"]
    assert f["index_keywords"] == ["Algorithms", "Computer Simulation"]
    assert f["affiliations"][1] == "Max Planck Institute, Germany"
    assert f["page_start"] == "1781" and f["page_end"] == "1802"
    assert f["eid"] == "2-s2.0-27344436934"
    assert f["link"].endswith("doi=10.1002%2fjcc.20289&partnerID=40&md5=5a7f")
    assert record.raw["abbrev_source_title"] == "J. Comput. Chem."
    assert record.raw["ID"] == "Phillips20051781"


def test_scopus_bibtex_new_style_duplicate_key_and_broken_entry():
    records, rejects = read(bibtex.BibtexReader(), SCOPUS_BIB_NEW)
    first = records[0].fields
    assert first["title"] == "Towards DNA storage"
    assert first["authors"] == ["Smith, John", "Étienne, Rolf"]
    assert first["affiliations"] == ["Department of Biology, ETH Zürich, Switzerland"]
    assert first["cited_by"] == "12"
    assert first["document_type"] == "Article"
    assert (first["page_start"], first["page_end"]) == ("100", "110")
    # a repeated citation key is still a separate record
    assert [r.fields["title"] for r in records[1:]] == [
        "A different paper under the same key", "Read after the broken entry"]
    assert [r.line for r in records] == [
        line_of(SCOPUS_BIB_NEW, "@ARTICLE{Smith2023"),
        line_of(SCOPUS_BIB_NEW, "@ARTICLE{Smith2023,\n\tauthor = {Smith, John},"),
        line_of(SCOPUS_BIB_NEW, "@ARTICLE{After2023"),
    ]
    assert [r.line for r in rejects] == [line_of(SCOPUS_BIB_NEW, "@ARTICLE{Broken2023")]
    assert "An unclosed value" in rejects[0].raw and "closing" in rejects[0].reason


def test_wos_bibtex():
    (record,), _ = read(bibtex.BibtexReader(), WOS_BIB)
    f = record.fields
    assert f["wos_ut"] == "WOS:000456789100001"
    assert f["cited_by"] == "42"
    assert f["author_keywords"] == ["Systematic review", "Active learning"]
    assert f["index_keywords"] == ["METAANALYSIS", "TRIALS"]
    assert f["abstract"] == "Background: screening is slow. Methods: we simulate."
    assert f["affiliations"] == [
        "Smith, J (Corresponding Author), Univ Utrecht, Dept Methodol, Utrecht, Netherlands.",
        "Braun, Rolf, Univ Amsterdam, Amsterdam, Netherlands.",
    ]
    assert f["year"] == "2019"  # not the export date in DA
    assert record.raw["Author-Email"] == "j.smith@uu.nl"


# --- Web of Science ------------------------------------------------------------------------

def test_wos_plain_text_records_and_continuations():
    records, rejects = read(wos.WosPlainTextReader(), WOS_TXT)
    first, second = records
    assert (first.line, second.line) == (3, line_of(WOS_TXT, "PT J\nAU Doe"))
    f = first.fields
    assert f["title"] == ("Screening prioritisation with active learning: a simulation "
                          "study across twelve reviews")
    assert f["authors"] == ["Smith, J", "Braun, R"]
    assert f["author_full_names"] == ["Smith, John", "Braun, Rolf"]
    assert f["author_keywords"] == ["Systematic review", "Active learning", "Machine learning"]
    assert f["affiliations"][1] == "[Braun, Rolf] Univ Amsterdam, Amsterdam, Netherlands."
    assert (f["year"], f["cited_by"], f["doi"]) == ("2019", "42", "10.1016/j.jclinepi.2018.11.001")
    assert (f["wos_ut"], f["pmid"], f["page_count"]) == ("WOS:000456789100001", "30445001", "10")
    assert first.raw["WC"] == "Health Care Sciences & Services"
    assert first.raw["Z9"] == "45"
    assert second.fields["title"] == "Another record"
    assert [(r.line, "damaged" in r.raw) for r in rejects] == [
        (line_of(WOS_TXT, "PT J\nAU Roe"), True)]


def test_wos_tab_delimited_with_a_broken_row():
    records, rejects = read(wos.WosTabReader(), WOS_TAB)
    assert [r.line for r in records] == [2, 5]
    f = records[0].fields
    assert f["title"] == "Screening with active learning"
    assert f["authors"] == ["Smith, J", "Braun, R"]
    assert f["affiliations"] == [
        "[Smith, John; Braun, Rolf] Univ Utrecht, Utrecht, Netherlands",
        "[Braun, Rolf] Univ Amsterdam, Amsterdam, Netherlands",
    ]
    assert f["wos_ut"] == "WOS:000456789100001"
    assert records[1].fields["title"] == '"Quoted" title stays as written'
    assert records[1].raw["PT"] == "J"  # the BOM did not stick to the first column
    assert [r.line for r in rejects] == [3, 4]
    assert rejects[0].raw.endswith("First half of the abstract")


# --- OpenAlex ------------------------------------------------------------------------------

def test_rebuild_abstract_orders_words_by_position():
    assert openalex.rebuild_abstract(ABSTRACT_INDEX) == (
        "Active learning speeds up screening learning with few labels.")
    assert openalex.rebuild_abstract(None) is None


def test_openalex_json_page():
    records, rejects = read(openalex.OpenAlexJsonReader(), OPENALEX_PAGE)
    assert not rejects and len(records) == 2
    f = records[0].fields
    assert f["openalex_id"] == "W2741809801"
    assert f["doi"] == "https://doi.org/10.1234/example.1"
    assert f["year"] == 2018
    assert f["authors"] == ["Heather Piwowar", "Jason Priem"]
    assert f["author_ids"] == ["A5023888391", "A5000000002"]
    assert f["affiliations"] == ["Impactstory", "Some raw address"]
    assert f["abstract"].startswith("Active learning speeds up")
    assert (f["source_title"], f["volume"], f["page_start"]) == ("PeerJ", "6", "e4375")
    assert f["index_keywords"] == ["Computer science", "Scholarly communication"]
    assert (f["pmid"], f["open_access"], f["cited_by"]) == ("29000001", "gold", 1001)
    assert records[0].raw["counts_by_year"] == [{"year": 2023, "cited_by_count": 50}]
    # each work starts on its "{" line: the line before its "id"
    second_id = '"id": "https://openalex.org/W2741809802"'
    assert [r.line for r in records] == [line_of(OPENALEX_PAGE, '"results": [') + 1,
                                         line_of(OPENALEX_PAGE, second_id) - 1]


def test_openalex_json_single_work_and_truncated_list():
    (single,), _ = read(openalex.OpenAlexJsonReader(), json.dumps(work(3), indent=1))
    assert single.line == 1 and single.fields["title"] == "Work number 3"
    text = json.dumps([work(1), work(2)], indent=1)
    cut = text[: text.index('"id": "https://openalex.org/W2741809802"') + 20]
    records, rejects = read(openalex.OpenAlexJsonReader(), cut)
    assert [r.fields["openalex_id"] for r in records] == ["W2741809801"]
    assert [r.line for r in rejects] == [cut.count("\n")]


def test_openalex_jsonl_with_a_broken_line():
    records, rejects = read(openalex.OpenAlexJsonlReader(), OPENALEX_JSONL)
    assert [(r.line, r.fields["title"]) for r in records] == [(1, "Work number 1"),
                                                            (3, "Work number 2")]
    assert [r.line for r in rejects] == [2]
    assert "cut off" in rejects[0].raw
