"""PRISMA: the flow diagram of a question drawn from the store, with every count and the
query behind it, and what is still missing."""
from __future__ import annotations

from datetime import datetime

from litlab.ui.context import user_errors
from litlab.ui.views import plain

QUESTION = "Does the article use bibliometric analysis?"


def build(gr, ctx):
    with gr.Tab("PRISMA"):
        gr.Markdown("The PRISMA 2020 flow diagram of a screening question: records identified "
                    "per source file, duplicates removed, screened and excluded, full texts "
                    "sought, retrieved, assessed and excluded by reason, studies included. "
                    "Every number is a query (`litlab prisma QUESTION --sql`).")
        with gr.Row(equal_height=True):
            question = gr.Textbox(label="Question", value=QUESTION, scale=4,
                                  elem_id="ll-prisma-question")
            go = gr.Button("Draw the diagram", variant="primary", scale=1,
                           elem_id="ll-prisma-draw")
        missing = gr.Markdown(elem_id="ll-prisma-missing")
        with gr.Row(equal_height=False):
            image = gr.Image(label="PRISMA 2020 flow diagram", type="filepath",
                             interactive=False, elem_id="ll-prisma-image", scale=3)
            with gr.Column(scale=2):
                table = gr.Dataframe(label="Counts", interactive=False, wrap=True,
                                     max_height=560, elem_id="ll-prisma-counts")
                files = gr.File(label="Download (SVG, PDF)", interactive=False,
                                file_count="multiple", elem_id="ll-prisma-files")

    @user_errors
    def draw(text):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = ctx.folder / "prisma"
        paths = [folder / f"prisma-{stamp}{suffix}" for suffix in (".png", ".svg", ".pdf")]
        for path in paths:
            result = ctx.corpus.prisma_diagram(text, path)
        counts = ctx.corpus.prisma(text)
        notes = [f"- **missing:** {m}" for m in result["missing"]] + [
            f"- note: {n}" for n in result["notes"]]
        return (str(paths[0]), plain(counts.table()), [str(p) for p in paths[1:]],
                "\n".join(notes) or "Every stage has data.")

    go.click(draw, [question], [image, table, files, missing])
