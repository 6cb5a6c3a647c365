"""The systematic-review parts of the web UI in a real browser (Debian's Chromium through
Playwright): the criteria beside the record at the full-text stage, an exclusion with its
reason, and the PRISMA tab drawing the diagram with its counts. A corpus of its own (no
index: the full-text stage and PRISMA need none)."""
from __future__ import annotations

from pathlib import Path

import pytest

import litlab
from conftest import DEMO, demo_truth, free_port
from litlab.review.labels import add_review
from test_ui import CHROMIUM, CHROMIUM_ARGS, QUESTION, WAIT_MS, open_tab, shot

pytestmark = pytest.mark.slow
CRITERIA = "Include: analyses of publication or citation data.\nExclude: editorials."


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo corpus with 40 records screened at title/abstract, served by the UI."""
    from litlab.ui.server import launch

    corpus = litlab.open(tmp_path_factory.mktemp("ui-prisma") / "demo.duckdb")
    corpus.ingest([DEMO / "scopus_demo.csv", DEMO / "extra.ris", DEMO / "pdfs"])
    corpus.set_question(QUESTION, CRITERIA, "wrong population,wrong design")
    truth = demo_truth(corpus)
    for r in sorted(truth)[:40]:
        add_review(corpus.con, QUESTION, r, "TRUE" if truth[r] else "FALSE", "alice")
    ctx, app, url = launch(corpus, port=free_port(), quiet=True)
    yield ctx, url
    ctx.jobs.shutdown()
    app.close()
    corpus.close()


def test_full_text_exclusion_with_a_reason_then_the_prisma_diagram(served):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    ctx, url = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(WAIT_MS)
        page.goto(url)
        page.locator("#ll-header").wait_for()
        open_tab(page, "Label")
        page.locator("#ll-label-question textarea").fill(QUESTION)
        page.locator("#ll-review-stage input").click()
        page.get_by_role("option", name="Full text (exclusions need a reason)").click()
        page.locator("#ll-review-start").click()
        card = page.locator("#ll-review-card")
        card.get_by_text("Eligibility criteria").wait_for()
        assert "Exclude: editorials." in card.inner_text()
        record_id = int(card.inner_text().split("record ")[1].split()[0])
        page.locator("#ll-review-reason input").click()
        page.get_by_role("option", name="wrong design").click()
        page.locator("#ll-false").click()
        card.get_by_text("Reviewed: 0 TRUE · 1 FALSE").wait_for()
        stored = ctx.corpus.reviews(QUESTION, stage="full_text").set_index("record_id")
        assert stored.loc[record_id, "reason"] == "wrong design"
        shot(page, "review-full-text")

        open_tab(page, "PRISMA")
        page.locator("#ll-prisma-draw").click()
        page.locator("#ll-prisma-image img").wait_for()
        counts = ctx.corpus.prisma(QUESTION)
        table = page.locator("#ll-prisma-counts")
        table.get_by_text("excluded at full text: wrong design").wait_for()
        lines = table.inner_text().splitlines()
        shown = {box: lines[i + 1] for i, box in enumerate(lines[:-1])}  # box, then its n
        assert counts["screened"] == 40 and counts["assessed"] == 1
        for name, box in (("screened", "records screened (title and abstract)"),
                          ("assessed", "reports assessed for eligibility (full text)"),
                          ("not_retrieved", "reports not retrieved (no PDF linked, not assessed)"),
                          ("duplicates_removed", "duplicate records removed")):
            assert shown[box] == str(counts[name]), box
        assert shown["excluded at full text: wrong design"] == "1"
        # Every report sought is accounted for (9 without a PDF, 1 assessed): nothing is
        # missing; the 270 records not screened are a note.
        notes = page.locator("#ll-prisma-missing").inner_text()
        assert "missing" not in notes and "270 records were not screened" in notes
        shot(page, "prisma")
        browser.close()
