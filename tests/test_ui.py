"""The web UI in a real browser: Debian's Chromium driven by Playwright, against the app
serving the demo corpus on a loopback port. Screenshots of every tab go to test-output/ui/."""
from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect

import litlab
from conftest import DEMO, ROOT, free_port

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("LITLAB_CHROMIUM", "/usr/bin/chromium")
# No outside network here: without these Chromium keeps trying to reach Google's servers.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SHOTS = ROOT / "test-output" / "ui"
QUESTION = "Does the article use bibliometric analysis?"
WAIT_MS = 120_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo corpus ingested, indexed and topic-modelled, served by the UI."""
    from litlab.ui.server import launch

    folder = tmp_path_factory.mktemp("ui")
    corpus = litlab.open(folder / "demo.duckdb")
    corpus.ingest([DEMO / "scopus_demo.csv", DEMO / "extra.ris", DEMO / "pdfs"])
    corpus.index()
    corpus.topics()
    ctx, app, url = launch(corpus, port=free_port(), quiet=True)
    yield ctx, url
    ctx.jobs.shutdown()
    app.close()
    corpus.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, served):
    context = browser.new_context(viewport={"width": 1440, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(served[1])
    page.locator("#ll-header").wait_for()  # the page's load event has filled every tab
    yield page
    context.close()


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def toast(page, text: str) -> str:
    """The text of the page's message (toast) containing ``text``, once it shows."""
    message = page.locator(".toast-body", has_text=text).first
    message.wait_for()
    return message.inner_text()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def scopus_csv(path: Path, titles: list[str]) -> Path:
    """A small Scopus export: the demo's header, new records, one row with no title."""
    with open(DEMO / "scopus_demo.csv", encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    out = io.StringIO()
    writer = csv.DictWriter(out, header)
    writer.writeheader()
    for n, title in enumerate(titles):
        writer.writerow({"Title": title, "Year": 2024, "Authors": f"Author{n} A.",
                         "Abstract": f"{title}. We map the field with co-word analysis.",
                         "Document Type": "Article", "Source title": "Upload Test Journal"})
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_upload_a_scopus_csv_and_bad_files(page, served, tmp_path):
    ctx = served[0]
    before = ctx.corpus.stats()["records"]
    titles = [f"Uploaded record {n} about research evaluation metrics" for n in range(3)]
    good = scopus_csv(tmp_path / "my scopus export.csv", titles)
    page.locator("#ll-upload input[type=file]").set_input_files([
        {"name": good.name, "mimeType": "text/csv", "buffer": good.read_bytes()},
        {"name": "../../etc/passwd", "mimeType": "text/plain", "buffer": b"root:x:0:0"},
        {"name": "empty.pdf", "mimeType": "application/pdf", "buffer": b""},
        {"name": "notes.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04"},
    ])
    page.locator("#ll-add").click()
    report = page.locator("#ll-ingest-report")
    report.get_by_text("stored").first.wait_for()
    text = report.inner_text()
    assert "passwd** refused" in text.replace("\n", " ") or "passwd refused" in text
    assert "empty (0 bytes)" in text and "not .docx" in text
    assert ctx.corpus.stats()["records"] == before + 3
    uploads = ctx.folder / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == ["my_scopus_export.csv"]
    assert not (ctx.folder.parent / "etc").exists()
    page.get_by_text("Imports", exact=True).click()
    page.get_by_text("my_scopus_export.csv").first.wait_for()
    shot(page, "library")
    # Searchable at once: the upload was indexed as part of the job.
    assert ctx.corpus.search("uploaded record research evaluation", 3).title.iloc[0] in titles


def test_a_file_over_the_limit_is_refused_naming_the_limit(page, served, tmp_path):
    big = tmp_path / "huge_export.csv"
    with open(big, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    page.locator("#ll-upload input[type=file]").set_input_files(str(big))
    page.get_by_text("100", exact=False).filter(has_text="MB").first.wait_for()
    message = page.locator(".toast-body, [data-testid=toast-body]").first
    message.wait_for()
    assert "100" in message.inner_text()
    assert not (served[0].folder / "uploads" / "huge_export.csv").exists()


def test_an_abstract_only_result_opens_and_bad_filters_are_explained(page):
    open_tab(page, "Search")
    page.locator("#ll-query textarea").fill("citation advantage of open access")
    page.locator("#ll-search").click()
    page.locator("#ll-search-summary").get_by_text("records, best first").wait_for()
    row = next(i for i in range(20) if page.locator("#ll-results").get_by_test_id(
        f"cell-{i}-4").inner_text().strip() == "abstract")
    title = page.locator("#ll-results").get_by_test_id(f"cell-{row}-1").inner_text().strip()
    page.locator("#ll-results").get_by_test_id(f"cell-{row}-1").click()
    page.locator(".ll-record h3:visible", has_text=title[:30]).wait_for()
    page.get_by_text("Filters").first.click()
    page.get_by_label("From year").first.fill("2020")
    page.get_by_label("To year").first.fill("2010")
    page.locator("#ll-search").click()
    toast(page, "is after the To year")


def test_search_and_open_a_record_with_its_pdf_page(page):
    open_tab(page, "Search")
    page.locator("#ll-query textarea").fill("co-citation analysis of Web of Science publications")
    page.locator("#ll-search").click()
    title = "Intellectual structure and emerging trends in the circular economy"
    page.locator("#ll-results").get_by_text(title).first.click()
    page.locator(".ll-record h3", has_text=title).wait_for()
    page.get_by_text("Matched passage (PDF page").first.wait_for()
    page.locator(".ll-page-image img:visible").first.wait_for()
    page.get_by_text("piece(s) of the passage highlighted").first.wait_for()
    shot(page, "search")


def test_twenty_concurrent_searches_are_all_answered(served):
    from gradio_client import Client

    client = Client(served[1], verbose=False)
    queries = [f"bibliometric analysis of topic {n}" for n in range(20)]
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda q: client.predict(q, "hybrid", 5, api_name="/search"),
                                queries))
    assert len(answers) == 20
    assert all(len(a) == 5 and a[0]["rank"] == 1 for a in answers)


def test_the_search_api_answers_bad_input_with_litlabs_own_message(served):
    from gradio_client import Client

    client = Client(served[1], verbose=False)
    for args, message in ((("open access", "hybrid", "many"), "k must be a whole number"),
                          (("open access", "hybrid", 0), "k must be between 1 and 10,000"),
                          (("open access", "semantic", 5), "unknown search mode 'semantic'")):
        with pytest.raises(Exception) as raised:
            client.predict(*args, api_name="/search")
        assert message in str(raised.value), str(raised.value)
    assert len(client.predict("open access", "hybrid", 3, api_name="/search")) == 3


def test_ask_shows_the_answer_and_the_passages_behind_it(page):
    open_tab(page, "Ask")
    page.locator("#ll-question textarea").fill("Which databases do bibliometric studies use?")
    page.locator("#ll-ask").click()
    page.locator("#ll-chat").get_by_text("SmolLM2").first.wait_for()
    first_title = page.locator("#ll-sources").get_by_test_id("cell-0-2")
    title = first_title.inner_text().strip()
    first_title.click()
    page.locator(".ll-record h3:visible", has_text=title[:40]).wait_for()
    shot(page, "ask")


def test_label_run_fills_the_table_and_survives_a_closed_page(page, browser, served):
    ctx = served[0]
    open_tab(page, "Label")
    page.locator("#ll-limit input").fill("4")
    page.locator("#ll-start").click()
    page.locator("#ll-run-heading").get_by_text("4 of 4 labeled").wait_for()
    cells = page.locator("#ll-labels")
    assert {cells.get_by_test_id(f"cell-{row}-2").inner_text().strip()
            for row in range(4)} <= {"TRUE", "FALSE", "UNCLEAR"}
    shot(page, "label")
    runs = ctx.corpus.runs()
    first = int(runs.run_id.max())
    assert runs.set_index("run_id").loc[first, "status"] == "done"
    assert len(ctx.corpus.labels(first)) == 4

    # A second run while one runs is queued, and closing the page stops neither.
    other = browser.new_page()
    other.goto(served[1])
    other.locator("#ll-header").wait_for()
    open_tab(other, "Label")
    other.locator("#ll-limit input").fill("6")
    other.locator("#ll-start").click()
    other.locator("#ll-limit input").fill("2")
    other.locator("#ll-start").click()
    other.get_by_text("queued behind").first.wait_for()
    other.close()
    deadline = time.time() + 300
    while time.time() < deadline and (ctx.jobs.active() or len(ctx.corpus.runs()) < 3):
        time.sleep(1)
    runs = ctx.corpus.runs().set_index("run_id")
    assert list(runs.loc[first + 1:, "labeled"]) == [6, 2]
    assert set(runs.loc[first + 1:, "status"]) == {"done"}


def test_an_interrupted_run_is_resumed_from_the_page(page, served):
    ctx = served[0]
    # One committed batch, then stopped: what a killed server leaves in the database.
    stops = iter([False])
    result = ctx.corpus.label(QUESTION, limit=20, should_stop=lambda: next(stops, True))
    run_id = result.run_ids[0]
    assert result.status == "interrupted" and len(ctx.corpus.labels(run_id)) < 20
    page.reload()  # as after a restart: the page reads the runs from the database
    page.locator("#ll-header").wait_for()
    open_tab(page, "Label")
    newest = page.locator("#ll-runs").get_by_test_id("cell-0-4")  # status of the newest run
    newest.filter(has_text="interrupted").wait_for()
    page.locator("#ll-runs").get_by_test_id("cell-0-1").click()
    # The click fills the run list; resume reads it, so it waits for it.
    expect(page.locator("#ll-run-id input")).to_have_value(re.compile(f"^{run_id}:"))
    page.locator("#ll-resume").click()
    page.locator("#ll-run-heading").get_by_text(f"Run {run_id}").wait_for()
    page.locator("#ll-run-heading").get_by_text("20 of 20 labeled").wait_for()
    run = ctx.corpus.runs().set_index("run_id").loc[run_id]
    assert run.status == "done" and run.labeled == 20


def test_a_model_found_here_labels_from_the_page(page, served):
    ctx = served[0]
    open_tab(page, "Label")
    page.locator("#ll-find-models").click()
    page.get_by_text("models found here").wait_for()
    page.locator("#ll-model input").click()
    page.get_by_role("option", name="bundled: smollm2-135m-instruct").click()
    page.locator("#ll-limit input").fill("2")
    page.locator("#ll-start").click()
    page.locator("#ll-run-heading").get_by_text("2 of 2 labeled").wait_for()
    newest = ctx.corpus.runs().iloc[-1]
    assert newest.status == "done" and newest.labeled == 2
    assert "smollm2" in newest.model_id.lower()


def test_an_empty_question_is_refused_in_the_page(page, served):
    open_tab(page, "Label")
    runs_before = len(served[0].corpus.runs())
    page.locator("#ll-label-question textarea").fill("   ")
    page.locator("#ll-start").click()
    toast(page, "empty question")
    assert len(served[0].corpus.runs()) == runs_before


def test_review_one_label_with_the_keyboard(page, served):
    open_tab(page, "Label")
    page.locator("#ll-label-question textarea").fill(QUESTION)
    page.locator("#ll-review-start").click()
    card = page.locator("#ll-review-card")
    card.get_by_text("Reviewed: 0 TRUE").wait_for()
    record_id = int(card.inner_text().split("record ")[1].split()[0])
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("t")
    card.get_by_text("Reviewed: 1 TRUE").wait_for()
    reviews = served[0].corpus.reviews(QUESTION)
    assert reviews.set_index("record_id").loc[record_id, "label"] == "TRUE"
    shot(page, "review")


def test_validate_a_run_blind_and_read_the_estimates(page, served):
    from conftest import demo_truth

    corpus = served[0].corpus
    truth = demo_truth(corpus)
    for record_id in sorted(truth)[:30]:  # an earlier reviewer's decisions
        corpus.con.execute("INSERT INTO reviews (question, record_id, label, reviewer, source, "
                           "created_at) VALUES (?, ?, ?, 'ana', 'api', now())",
                           [QUESTION, record_id, "TRUE" if truth[record_id] else "FALSE"])
    run = corpus.label_from_reviews(QUESTION)
    page.reload()
    page.locator("#ll-header").wait_for()
    open_tab(page, "Label")
    page.locator("#ll-runs").get_by_test_id("cell-0-1").click()  # the newest run
    page.locator("#ll-run-heading").get_by_text(f"Run {run.run_id}").wait_for()
    page.locator("#ll-validation").click()
    page.locator("#ll-sample-size input").fill("6")
    page.locator("#ll-draw").click()
    page.locator("#ll-estimates-text").get_by_text(f"drew 6 of run {run.run_id}").wait_for()
    page.locator("#ll-reviewer textarea").fill("zoe")
    page.locator("#ll-label-question textarea").fill(QUESTION)
    page.locator("#ll-review-start").click()
    card = page.locator("#ll-review-card")
    for left in range(6, 0, -1):
        card.get_by_text(f"{left} left to review; the model's label is hidden").wait_for()
        assert "LLM:" not in card.inner_text() and "classifier score" not in card.inner_text()
        record_id = int(card.inner_text().split("record ")[1].split()[0])
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("t" if truth[record_id] else "f")
    card.get_by_text("chosen by classifier").wait_for()  # the sample is done
    assert "stopping rule" in card.inner_text() or "screening" in card.inner_text()
    page.locator("#ll-estimates").click()
    estimates = page.locator("#ll-estimates-text")
    total = corpus.stats()["records"]  # 310, or 313 after the upload test
    estimates.get_by_text(f"share of all {total:,} records").wait_for()
    assert "6 of 6 reviewed" in estimates.inner_text()
    assert "For the methods section" in estimates.inner_text()
    shot(page, "validation")
    assert set(corpus.reviews(QUESTION).reviewer) >= {"zoe"}


def test_estimates_tab_shows_shares_three_ways_and_refuses_a_bad_formula(page, served):
    from conftest import demo_truth
    from litlab.review.labels import add_review

    corpus = served[0].corpus
    truth = demo_truth(corpus)
    for record_id in sorted(truth)[-30:]:
        add_review(corpus.con, QUESTION, record_id, "TRUE" if truth[record_id] else "FALSE",
                   "ana")
    run = corpus.label_from_reviews(QUESTION)
    corpus.validate(run.run_id, 40, seed=3)
    for (record_id,) in corpus.con.execute("SELECT record_id FROM validation_samples WHERE "
                                           "run_id = ?", [run.run_id]).fetchall():
        add_review(corpus.con, QUESTION, record_id, "TRUE" if truth[record_id] else "FALSE",
                   "ana")
    page.reload()
    page.locator("#ll-header").wait_for()
    open_tab(page, "Estimates")
    page.locator("#ll-est-question input").fill(QUESTION)
    page.locator("#ll-est-run input").fill(str(run.run_id))
    page.locator("#ll-est-go").click()
    page.locator("#ll-est-methods").get_by_text("We estimated the share").wait_for()
    assert "PPI++" in page.locator("#ll-est-methods").inner_text()
    page.locator("#ll-est-plot img").wait_for()
    table = page.locator("#ll-est-table").text_content()  # filled by the same event
    assert all(role in table for role in ("naive", "classical", "corrected"))
    page.locator("#ll-est-formula textarea").fill("~ year + colour")
    page.locator("#ll-est-regress").click()
    assert "names an unknown column 'colour'" in toast(page, "unknown column")
    shot(page, "estimates")


def test_topics_tab_shows_the_map_and_renames_a_topic(page, served):
    open_tab(page, "Topics")
    page.locator("#ll-topic-map .js-plotly-plot").first.wait_for()
    page.locator("#ll-topic-time .js-plotly-plot").first.wait_for()
    page.locator("#ll-topic-id input").fill("0")
    page.locator("#ll-topic-name textarea").fill("Science mapping (renamed)")
    page.locator("#ll-rename").click()
    page.locator("#ll-topic-table").get_by_text("Science mapping (renamed)").first.wait_for()
    table = served[0].corpus.topic_table().table
    assert table.set_index("topic_id").loc[0, "name"] == "Science mapping (renamed)"
    shot(page, "topics")


def test_export_downloads_the_labeled_table(page, served, tmp_path):
    open_tab(page, "Export")
    page.locator("#ll-format").get_by_text("csv", exact=True).click()
    page.locator("#ll-export").click()
    link = page.locator("#ll-download a").first
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "labels.csv"
    download.value.save_as(path)
    import pandas as pd

    table = pd.read_csv(path)
    assert len(table) == served[0].corpus.stats()["records"]
    # The runs' provenance (model, weights hash, prompt) comes with a CSV as a second file.
    assert "csv.provenance.json" in page.locator("#ll-download").inner_text().replace("\n", "")
    assert any(c.endswith("label") or c.startswith("label") for c in table.columns)
    shot(page, "export")


def test_a_second_process_is_told_what_holds_the_database(served):
    db = served[0].corpus.path
    litlab_command = Path(sys.executable).parent / "litlab"
    done = subprocess.run([str(litlab_command), "info", "--db", str(db)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "in use by" in done.stderr and "Traceback" not in done.stderr


def test_loopback_only_and_a_password_when_asked(served, tmp_path):
    import httpx

    from litlab.ui.server import launch

    assert served[1].startswith("http://127.0.0.1:")
    outside = _non_loopback_address()
    if outside:
        port = served[1].rsplit(":", 1)[1].strip("/")
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://{outside}:{port}/", timeout=5)
    with litlab.open(tmp_path / "empty.duckdb") as corpus:  # an empty corpus serves too
        ctx, app, url = launch(corpus, port=free_port(), auth="ana:secret", quiet=True)
        try:
            assert httpx.get(f"{url}config", timeout=10).status_code == 401
            login = httpx.post(f"{url}login", data={"username": "ana", "password": "secret"},
                               timeout=10)
            assert login.status_code == 200
            assert httpx.get(f"{url}config", cookies=login.cookies, timeout=10).status_code == 200
        finally:
            ctx.jobs.shutdown()
            app.close()


def _non_loopback_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address
