"""The record view shared by Search and Ask: metadata, abstract, and the PDF page with the
matching passage highlighted."""
from __future__ import annotations

import io

from litlab.errors import LitlabError
from litlab.ui.views import record_card


def build(gr):
    """The components of a record view: card, page number, page image."""
    with gr.Column(elem_classes="ll-panel"):
        card = gr.HTML("<p class='ll-hint'>Select a row to read the record.</p>")
        with gr.Row():
            page = gr.Number(label="PDF page", precision=0, minimum=1, scale=1, visible=False)
            passage = gr.State("")
            record = gr.State(None)
        image = gr.Image(label="PDF page (matched passage highlighted)", type="pil",
                         visible=False, interactive=False, height=900,
                         elem_classes="ll-page-image")
    return card, page, image, record, passage


def show(ctx, record_id, passage: str | None, page) -> tuple:
    """Updates for the record view: the card, and the page image when a PDF is linked."""
    import gradio as gr

    if record_id is None:
        return gr.update(), gr.update(visible=False), gr.update(visible=False), None, ""
    record_id = int(record_id)
    detail = ctx.corpus.record(record_id)
    import pandas as pd

    page = None if pd.isna(page) or page in ("", "abstract") else int(page)
    passage = passage if isinstance(passage, str) else None  # NaN when only the abstract matched
    pdf = next((d for d in detail["documents"] if d["n_pages"]), None)
    card = record_card(detail, passage, page)
    if pdf is None:
        return card, gr.update(visible=False), gr.update(visible=False), record_id, passage or ""
    page = page or 1
    return (card, gr.update(value=page, maximum=pdf["n_pages"], visible=True),
            _image(ctx, record_id, page, passage), record_id, passage or "")


def turn_page(ctx, record_id, page, passage) -> dict:
    """The page image after the page number changed."""
    import gradio as gr

    if record_id is None or not page:
        return gr.update()
    return _image(ctx, int(record_id), int(page), passage)


def _image(ctx, record_id: int, page: int, passage: str | None):
    import gradio as gr
    from PIL import Image

    try:
        png, found = ctx.corpus.page_image(record_id, page, passage)
    except LitlabError as exc:
        return gr.update(value=None, visible=True, label=str(exc))
    label = (f"PDF page {page}: {found} piece(s) of the passage highlighted" if found
             else f"PDF page {page}")
    return gr.update(value=Image.open(io.BytesIO(png)), visible=True, label=label)
