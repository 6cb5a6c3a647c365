"""Systematic reviews on the demo corpus: criteria, two screening stages with exclusion
reasons, the PRISMA 2020 counts checked against SQL written here, the diagram, and files for
ASReview LAB and Zotero. Real DuckDB files, the real CLI."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import litlab
from conftest import DEMO, demo_truth, run_cli
from litlab.errors import LitlabError
from litlab.review.labels import add_review

QUESTION = "Does the article use bibliometric analysis?"
REASONS = "wrong population,wrong design,no bibliometric data"
CRITERIA = ("Include: studies that analyse publication or citation data.\n"
            "Exclude: editorials and opinion pieces.")
ASREVIEW_PYTHON = Path("/work/main/build/asreview-venv/bin/python")


def _new_corpus(folder: Path) -> Path:
    path = folder / "demo.duckdb"
    with litlab.open(path) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv", DEMO / "extra.ris", DEMO / "pdfs"])
    return path


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return _new_corpus(tmp_path_factory.mktemp("prisma-template"))


@pytest.fixture
def db(demo_file, tmp_path) -> Path:
    """A private copy of the ingested demo corpus (no reviews)."""
    import shutil

    target = tmp_path / "demo.duckdb"
    shutil.copy(demo_file, target)
    return target


def _screen(corpus) -> dict:
    """Demo screening: 80 records at title/abstract by alice (truth), bob disagreeing on two
    (one settled), corrections; full text on the included ones with reasons, some left
    without a PDF and not assessed. Returns what was done, for the assertions."""
    corpus.set_question(QUESTION, CRITERIA, REASONS)
    truth = demo_truth(corpus)
    ids = sorted(truth)[:80]
    for r in ids:
        add_review(corpus.con, QUESTION, r, "UNCLEAR", "alice")  # corrected below
        add_review(corpus.con, QUESTION, r, "TRUE" if truth[r] else "FALSE", "alice")
    false_ids = [r for r in ids if not truth[r]]
    add_review(corpus.con, QUESTION, false_ids[0], "TRUE", "bob")  # disputed, not settled
    add_review(corpus.con, QUESTION, false_ids[1], "TRUE", "bob")
    add_review(corpus.con, QUESTION, false_ids[1], "TRUE", "carol", source="settle")
    session = corpus.review_session(QUESTION, reviewer="alice", stage="full-text")
    reasons = corpus.question_settings(QUESTION)["exclusion_reasons"]
    step = 0
    while (proposal := session.next()) is not None:
        if proposal.pdf is None and step % 2 == 0:
            session.skip(proposal.record_id)  # not retrieved
        elif step % 3 == 0:
            excluded = len(corpus.reviews(QUESTION, "full_text").query("label == 'FALSE'"))
            session.decide(proposal.record_id, "FALSE", reason=reasons[excluded % 2])
        elif step % 7 == 1:
            session.decide(proposal.record_id, "UNCLEAR")
        else:
            session.decide(proposal.record_id, "TRUE")
        step += 1
    return {"screened": ids}


def _independent_counts(path: Path) -> dict:
    """The PRISMA numbers recomputed from the raw tables with pandas, not litlab's SQL."""
    con = duckdb.connect(str(path), read_only=True)
    reviews = con.execute("SELECT * FROM reviews WHERE question = ?", [QUESTION]).df()
    records = set(con.execute("SELECT record_id FROM records").df().record_id)
    with_pdf = set(con.execute("SELECT record_id FROM documents WHERE record_id IS NOT NULL")
                   .df().record_id)
    n_duplicates = con.execute("SELECT count(*) FROM duplicates").fetchone()[0]
    per_file = con.execute("SELECT file, stored + duplicates FROM imports ORDER BY import_id"
                           ).fetchall()
    con.close()

    def current(stage):
        rows = reviews[reviews.stage == stage].sort_values("review_id")
        out = {}
        for record_id, group in rows.groupby("record_id"):
            last = group.iloc[-1]
            own = group[group.source != "settle"].groupby("reviewer").label.last()
            out[record_id] = (last.label, last.reason,
                              own.nunique() > 1 and last.source != "settle")
        return out

    ta, ft = current("title_abstract"), current("full_text")
    sought = {r for r, (label, _, disputed) in ta.items()
              if label in ("TRUE", "UNCLEAR") and not disputed}
    ft = {r: v for r, v in ft.items() if r in sought}
    reasons: dict = {}
    for label, reason, disputed in ft.values():
        if label == "FALSE" and not disputed:
            reasons[reason] = reasons.get(reason, 0) + 1
    return {
        "by_source": per_file, "identified": sum(n for _, n in per_file),
        "duplicates_removed": n_duplicates, "records": len(records),
        "screened": len(ta), "not_screened": len(records - set(ta)),
        "excluded_screening": sum(1 for l, _, d in ta.values() if l == "FALSE" and not d),
        "disputed_screening": sum(1 for _, _, d in ta.values() if d),
        "sought": len(sought),
        "not_retrieved": len({r for r in sought if r not in with_pdf and r not in ft}),
        "awaiting_assessment": len({r for r in sought if r in with_pdf and r not in ft}),
        "assessed": len(ft),
        "excluded_full_text": sum(reasons.values()),
        "unresolved_full_text": sum(1 for l, _, d in ft.values() if l == "UNCLEAR" or d),
        "included": sum(1 for l, _, d in ft.values() if l == "TRUE" and not d),
        "reasons": reasons,
    }


def test_prisma_with_no_screening_shows_identification_and_says_what_is_missing(db, tmp_path):
    svg = tmp_path / "flow.svg"
    result = run_cli("prisma", QUESTION, "--db", db, "--out", svg, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(Path(s["source"]).name, s["n"]) for s in data["by_source"]] == [
        ("scopus_demo.csv", 302), ("extra.ris", 25)]
    assert data["counts"]["duplicates_removed"] == 17 and data["counts"]["screened"] == 0
    assert any("no title/abstract decision" in m and "litlab review" in m
               for m in data["missing"])
    text = svg.read_text()
    assert "scopus_demo.csv (n = 302)" in text and "Duplicate records removed (n = 17)" in text
    assert "Records screened" in text and "n = ?" in text and "Missing: screening" in text
    # Bad output names are one line, exit 2.
    bad = run_cli("prisma", QUESTION, "--db", db, "--out", tmp_path / "flow.gif")
    assert bad.exit_code == 2 and "use .svg, .png, .pdf" in bad.output
    assert "Traceback" not in bad.output


def test_every_prisma_count_equals_sql_run_on_the_store(db, tmp_path):
    with litlab.open(db) as corpus:
        _screen(corpus)
        counts = corpus.prisma(QUESTION)
        written = corpus.prisma_diagram(QUESTION, tmp_path / "flow.png")
    expected = _independent_counts(db)
    for name, value in expected.items():
        if name == "by_source":
            assert [(s["source"], s["n"]) for s in counts.by_source] == value
        elif name == "reasons":
            assert {r["reason"]: r["n"] for r in counts.reasons} == value
        else:
            assert counts[name] == value, name
    # The screening made every box non-trivial (a count of 0 would check little).
    for name in ("excluded_screening", "disputed_screening", "not_retrieved", "assessed",
                 "excluded_full_text", "unresolved_full_text", "included", "not_screened"):
        assert counts[name] > 0, name
    assert len(expected["reasons"]) == 2
    # The flow adds up: what PRISMA's arrows say.
    n = counts.counts
    assert n["identified"] == n["duplicates_removed"] + n["records"]
    assert n["records"] == n["not_screened"] + n["screened"]
    assert n["screened"] == n["excluded_screening"] + n["disputed_screening"] + n["sought"]
    assert n["sought"] == n["not_retrieved"] + n["awaiting_assessment"] + n["assessed"]
    assert n["assessed"] == n["excluded_full_text"] + n["unresolved_full_text"] + n["included"]
    assert Path(written["path"]).stat().st_size > 10_000
    # The SQL that `--sql` prints gives the same numbers when a user runs it in DuckDB.
    script = run_cli("prisma", QUESTION, "--db", db, "--sql")
    assert script.exit_code == 0
    con = duckdb.connect(str(db), read_only=True)
    for block in script.output.split("\n\n"):
        name = block.split(":", 1)[0].removeprefix("-- ")
        rows = con.execute(block.split("\n", 1)[1].rstrip(";\n")).fetchall()
        if name in n:
            assert rows[0][0] == n[name], name
        elif name == "excluded_full_text_by_reason":
            assert dict(rows) == expected["reasons"]
    con.close()
    # CSV: one row per number, the reasons included; text cells escaped.
    csv = run_cli("prisma", QUESTION, "--db", db, "--csv")
    table = pd.read_csv(pd.io.common.StringIO(csv.output))
    assert table.set_index("query").loc["included", "n"] == n["included"]
    assert (table["query"] == "excluded_full_text_by_reason").sum() == 2


def test_exclusion_reasons_criteria_and_the_terminal_full_text_stage(db, tmp_path):
    from litlab.review.terminal import review_loop

    with litlab.open(db) as corpus:
        with pytest.raises(LitlabError, match="no exclusion reasons yet"):
            add_review(corpus.con, QUESTION, 1, "FALSE", "alice", stage="full-text",
                       reason="wrong design")
        corpus.set_question(QUESTION, CRITERIA, REASONS)
        with pytest.raises(LitlabError, match="'wrong planet' is not one of: wrong population; "
                                              "wrong design; no bibliometric data"):
            add_review(corpus.con, QUESTION, 1, "FALSE", "alice", stage="full-text",
                       reason="wrong planet")
        with pytest.raises(LitlabError, match="only a full-text exclusion"):
            add_review(corpus.con, QUESTION, 1, "FALSE", "alice", reason="wrong design")
        assert corpus.con.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        included = sorted(demo_truth(corpus).items())
        included = [r for r, t in included if t][:2]
        for r in included:
            add_review(corpus.con, QUESTION, r, "TRUE", "alice")
        session = corpus.review_session(QUESTION, reviewer="alice", stage="full-text")
        shown: list[str] = []
        keys = iter(["f", "9", "2", "t"])  # exclude: a bad number, then reason 2; include
        result = review_loop(session, echo=lambda text="", nl=True: shown.append(str(text)),
                             getchar=lambda: next(keys, "q"))
        assert result["session"] == {"TRUE": 1, "FALSE": 1, "UNCLEAR": 0, "skipped": 0}
        screen = "\n".join(shown)
        assert "eligibility criteria:" in screen and "editorials and opinion pieces" in screen
        assert "[1] wrong population  [2] wrong design" in screen
        full_text = corpus.reviews(QUESTION, stage="full-text").set_index("record_id")
        assert full_text.loc[included[0], "reason"] == "wrong design"
        assert full_text.loc[included[1], "label"] == "TRUE"
        # The title/abstract decisions are untouched by the full-text ones.
        assert corpus.reviews(QUESTION).label.tolist() == ["TRUE", "TRUE"]
    # Through the CLI: an import at full text with a reason off the list is kept aside.
    csv = tmp_path / "ft.csv"
    csv.write_text(f"record_id,label,reason\n{included[0]},FALSE,wrong planet\n")
    bad = run_cli("review", QUESTION, "--db", db, "--import", csv, "--stage", "full-text")
    assert bad.exit_code == 2 and "wrong planet" in bad.output and "wrong population" in bad.output


def test_criteria_file_empty_binary_or_missing_is_refused(db, tmp_path):
    empty, binary = tmp_path / "empty.txt", tmp_path / "criteria.pdf"
    empty.write_text("  \n")
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02binary")
    for path, message in ((empty, "is empty"), (binary, "not a text file"),
                          (tmp_path / "nope.txt", "no such criteria file")):
        result = run_cli("review", QUESTION, "--db", db, "--criteria", path)
        assert result.exit_code == 2 and message in result.output, result.output
        assert "Traceback" not in result.output
    with litlab.open(db) as corpus:
        assert corpus.question_settings(QUESTION)["criteria"] is None  # nothing stored
    ok = run_cli("review", QUESTION, "--db", db, "--criteria", "Only empirical studies.")
    assert ok.exit_code == 0 and "Only empirical studies." in ok.output


def test_the_model_is_given_the_criteria_and_the_run_records_them(db):
    from litlab.labeling.methods import describe_run, methods_paragraph

    with litlab.open(db) as corpus:
        ids = corpus.documents().record_id.dropna().astype(int).tolist()[:1]
        plain = corpus.label(QUESTION, filters={"record_ids": ids})
        strict = corpus.label(QUESTION, filters={"record_ids": ids},
                              criteria="Exclude every article. Answer FALSE for all of them.")
        without = corpus.labels(plain.run_ids[0]).p_FALSE.tolist()
        with_criteria = corpus.labels(strict.run_ids[0]).p_FALSE.tolist()
        assert without != with_criteria  # the model read something else
        run = describe_run(corpus.con, strict.run_ids[0])
        assert run["parameters"]["criteria"].startswith("Exclude every article")
        assert "Eligibility criteria:" in run["prompt_template"]
        assert "the eligibility criteria \u201cExclude every article" in methods_paragraph(run)
        assert "criteria" not in describe_run(corpus.con, plain.run_ids[0])["parameters"]


def test_asreview_round_trip_keeps_every_decision(db, tmp_path):
    out = tmp_path / "asreview.csv"
    with litlab.open(db) as corpus:
        truth = demo_truth(corpus)
        ids = sorted(truth)[:40]
        for r in ids:
            add_review(corpus.con, QUESTION, r, "TRUE" if truth[r] else "FALSE", "alice")
        add_review(corpus.con, QUESTION, ids[0], "UNCLEAR", "alice")
        before = corpus.reviews(QUESTION)[["record_id", "label"]]
        exported = corpus.export_asreview(QUESTION, out)
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert {"title", "abstract", "authors", "doi", "year", "keywords", "label_included"} <= set(
        table.columns)
    assert not {"label", "included", "record_id"} & set(table.columns)  # ASReview would read them
    assert exported["rows"] == 310 and exported["unlabeled"] == 310 - 39
    assert sorted(table.label_included.unique()) == ["", "0", "1"]
    if ASREVIEW_PYTHON.exists():  # ASReview LAB's own reader sees the same labels
        read = subprocess.run([str(ASREVIEW_PYTHON), "-c", (
            "import sys; from asreview.data.tabular import CSVReader as R; "
            "d = R.read_data(sys.argv[1]); d = R.clean_data(d); "
            "print(int((d.included == 1).sum()), int((d.included == 0).sum()))"), str(out)],
            capture_output=True, text=True, timeout=300)
        assert read.returncode == 0, read.stderr[-2000:]
        assert read.stdout.split() == [str(exported["included"]), str(exported["excluded"])]
    # ASReview's export: the input columns plus asreview_label; a fresh corpus takes it in.
    table["asreview_label"] = table.label_included
    table.to_csv(tmp_path / "asreview_export.csv", index=False)
    (tmp_path / "fresh").mkdir()
    fresh = _new_corpus(tmp_path / "fresh")
    result = run_cli("asreview", "import", QUESTION, tmp_path / "asreview_export.csv",
                     "--db", fresh, "--reviewer", "alice", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["imported"] == 40
    with litlab.open(fresh) as corpus:
        after = corpus.reviews(QUESTION)[["record_id", "label"]]
    assert after.reset_index(drop=True).equals(before.reset_index(drop=True))
    # Importing the same file again changes nothing.
    again = json.loads(run_cli("asreview", "import", QUESTION, tmp_path / "asreview_export.csv",
                               "--db", fresh, "--reviewer", "alice", "--json").output)
    assert again["imported"] == 0 and again["unchanged"] == 40
    # Decisions made in ASReview come back to the corpus they left: a new one and a change.
    undecided = table.index[table.label_included == ""][0]
    flipped = table.index[table.label_included == "1"][0]
    table.loc[undecided, "asreview_label"], table.loc[flipped, "asreview_label"] = "1", "0"
    table.to_csv(tmp_path / "asreview_later.csv", index=False)
    later = json.loads(run_cli("asreview", "import", QUESTION, tmp_path / "asreview_later.csv",
                               "--db", db, "--reviewer", "alice", "--json").output)
    assert later["imported"] == 2 and later["by_label"] == {"TRUE": 1, "FALSE": 1}
    with litlab.open(db) as corpus:
        now = corpus.reviews(QUESTION).set_index("record_id").label
    assert now[int(table.litlab_record_id[undecided])] == "TRUE"
    assert now[int(table.litlab_record_id[flipped])] == "FALSE"


def test_an_asreview_file_of_another_dataset_imports_nothing(db, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("title,doi,asreview_label\nA study of bees,10.1/bees,1\n"
                     "Cats and dogs,,0\n")
    result = run_cli("asreview", "import", QUESTION, other, "--db", db)
    assert result.exit_code == 2 and "none of the 2 rows" in result.output
    assert "Nothing was imported" in result.output
    with litlab.open(db) as corpus:
        assert corpus.con.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    no_label = tmp_path / "plain.csv"
    no_label.write_text("title,doi\nx,y\n")
    result = run_cli("asreview", "import", QUESTION, no_label, "--db", db)
    assert result.exit_code == 2 and "no ASReview label column" in result.output


def test_ris_export_of_included_records_carries_labels_as_keywords(indexed_demo_file, tmp_path):
    import rispy

    from conftest import copy_corpus

    path = copy_corpus(indexed_demo_file, tmp_path)
    with litlab.open(path) as corpus:
        truth = demo_truth(corpus)
        ids = sorted(truth)[:60]
        for r in ids:
            add_review(corpus.con, QUESTION, r, "TRUE" if truth[r] else "FALSE", "alice")
        run = corpus.label_from_reviews(QUESTION).to_dict()["run_id"]
        name = corpus.runs().set_index("run_id").loc[run, "name"]
    out = tmp_path / "included.ris"
    result = run_cli("export", out, "--db", path, "--included", QUESTION, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["included_at"] == "title_abstract"
    entries = rispy.loads(out.read_text(encoding="utf-8"))
    included = sorted(r for r in ids if truth[r])
    assert sorted(int(e["id"]) for e in entries) == included
    for entry in entries:
        tags = [k for k in entry["keywords"] if k.startswith(f"litlab {name}: ")]
        assert len(tags) == 1 and tags[0].split(": ")[1] in ("TRUE", "FALSE", "UNCLEAR")
        assert any(n.startswith(f"litlab {name}: ") for n in entry["notes"])
    nothing = run_cli("export", tmp_path / "x.ris", "--db", path, "--included", "Unasked?")
    assert nothing.exit_code == 2 and "no record is included" in nothing.output


def test_reviews_of_an_older_corpus_become_title_abstract_decisions(tmp_path):
    from litlab.schema import MIGRATIONS

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
    for version, sql in enumerate(MIGRATIONS[:7], start=1):
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?, now())", [version])
    con.execute("INSERT INTO imports VALUES (1, 'old.csv', 'x', 'scopus_csv', 'utf-8', 1, 1, 0, "
                "0, 'done', NULL, now(), now())")
    con.execute("INSERT INTO records (record_id, import_id, title) VALUES (1, 1, 'Old')")
    con.execute("INSERT INTO reviews (question, record_id, label, reviewer, source, created_at)"
                " VALUES (?, 1, 'TRUE', 'alice', 'terminal', now())", [QUESTION])
    con.close()
    with litlab.open(path, read_only=True) as corpus:  # read-only: not upgraded, still read
        assert corpus.reviews(QUESTION).label.tolist() == ["TRUE"]
        assert corpus.stopping(QUESTION)["relevant_found"] == 1
        with pytest.raises(LitlabError, match="older litlab"):
            corpus.prisma(QUESTION)
    result = run_cli("prisma", QUESTION, "--db", path, "--json")  # writable: upgraded
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)["counts"]
    assert counts["screened"] == 1 and counts["sought"] == 1 and counts["not_retrieved"] == 1
    with litlab.open(path) as corpus:
        assert corpus.reviews(QUESTION).label.tolist() == ["TRUE"]


def test_the_make_demo_diagram_counts_equal_sql(db, tmp_path):
    """`make demo`'s PRISMA steps, through the CLI, on the demo corpus; every count checked."""
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("".join((DEMO / "demo_truth.csv").read_text().splitlines(True)[:31]))
    steps = [
        ("review", QUESTION, "--import", reviews, "--label-column", "uses_bibliometrics"),
        ("review", QUESTION, "--criteria", DEMO / "criteria.txt", "--reasons",
         "no own analysis of publication data,not a research article,wrong field"),
        ("review", QUESTION, "--import", DEMO / "fulltext_reviews.csv", "--stage", "full-text"),
        ("prisma", QUESTION, "--out", tmp_path / "prisma.png", "--json"),
    ]
    for step in steps:
        result = run_cli(*step, "--db", db)
        assert result.exit_code == 0, (step, result.output)
    shown = json.loads(result.output)
    expected = _independent_counts(db)
    for name, value in expected.items():
        if name == "by_source":
            assert [(s["source"], s["n"]) for s in shown["by_source"]] == value
        elif name == "reasons":
            assert {r["reason"]: r["n"] for r in shown["reasons"]} == value
        else:
            assert shown["counts"][name] == value, name
    assert (shown["counts"]["screened"], shown["counts"]["sought"],
            shown["counts"]["not_retrieved"], shown["counts"]["assessed"],
            shown["counts"]["included"]) == (30, 6, 2, 4, 2)
    assert shown["missing"] == []
    assert (tmp_path / "prisma.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
