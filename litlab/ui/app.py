"""The page: a header with the corpus and its jobs, and one tab per step of the work."""
from __future__ import annotations

from litlab.ui import (filters_panel, tab_ask, tab_estimates, tab_export, tab_label, tab_library,
                       tab_prisma, tab_search, tab_topics)
from litlab.ui.context import UIContext
from litlab.ui.follow import jobs_banner
from litlab.ui.review_panel import BUTTONS

CSS = """
.gradio-container {width: 100% !important; max-width: 1600px !important; margin: auto !important;}
#ll-header h1 {margin: 0; font-size: 1.6rem;}
#ll-header p {margin: 0.2rem 0 0; color: var(--body-text-color-subdued);}
.ll-cards {display: flex; flex-wrap: wrap; gap: 0.6rem; margin: 0.4rem 0;}
.ll-card {border: 1px solid var(--border-color-primary); border-radius: 8px;
          padding: 0.5rem 0.9rem; min-width: 7.5rem; background: var(--block-background-fill);}
.ll-num {font-size: 1.35rem; font-weight: 600;}
.ll-lbl {font-size: 0.8rem; color: var(--body-text-color-subdued);}
.ll-record h3 {margin-top: 0.2rem;}
.ll-meta {color: var(--body-text-color-subdued); font-size: 0.9rem;}
.ll-record mark {background: #fff3a3; padding: 0 2px;}
.ll-passage {border-left: 4px solid #f2c94c; margin: 0.6rem 0; padding: 0.3rem 0.8rem;
             background: var(--background-fill-secondary);}
.ll-jobs {font-size: 0.9rem; padding: 0.3rem 0.6rem; border-radius: 6px;
          background: var(--background-fill-secondary);}
.ll-hint {color: var(--body-text-color-subdued);}
table th, table th * {word-break: normal !important; overflow-wrap: normal !important;
                      hyphens: none !important; font-family: var(--font) !important;}
table td, table td * {font-family: var(--font) !important;}
"""

# Review keys: outside a text field, t/f/u/s press the review buttons.
KEYS_JS = """
<script>
document.addEventListener('keydown', (event) => {
  const tag = (event.target.tagName || '').toLowerCase();
  if (['input', 'textarea', 'select'].includes(tag) || event.target.isContentEditable) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const ids = %s;
  const id = ids[event.key.toLowerCase()];
  const button = id && document.getElementById(id);
  if (button && button.offsetParent !== null) { button.click(); event.preventDefault(); }
});
</script>
""" % {"t": BUTTONS["TRUE"], "f": BUTTONS["FALSE"], "u": BUTTONS["UNCLEAR"],
       "s": BUTTONS["skip"]}


def header(ctx: UIContext) -> str:
    stats = ctx.corpus.stats()
    return (f"<div id='ll-header'><h1>litlab</h1><p>{ctx.corpus.path.name} · "
            f"{stats['records']:,} records · {stats['documents']['linked']:,} linked PDFs · "
            f"everything stays on this machine</p></div>")


def build_app(ctx: UIContext):
    """The Gradio Blocks of the whole workbench over one corpus."""
    import gradio as gr

    # No analytics or version check: nothing leaves the machine.
    with gr.Blocks(title=f"litlab · {ctx.corpus.path.name}", fill_width=True,
                   analytics_enabled=False) as app:
        top = gr.HTML()
        banner = gr.HTML(elem_id="ll-jobs")
        with gr.Tabs():
            library, library_refresh = tab_library.build(gr, ctx)
            search_filters = tab_search.build(gr, ctx)
            ask_filters = tab_ask.build(gr, ctx)
            label_outputs, label_refresh = tab_label.build(gr, ctx)
            topic_outputs, topic_refresh = tab_topics.build(gr, ctx)
            estimate_outputs, estimate_refresh = tab_estimates.build(gr, ctx)
            export_outputs, export_refresh = tab_export.build(gr, ctx)
            tab_prisma.build(gr, ctx)
        tab_search.register_api(gr, ctx)
        timer = gr.Timer(2.0)
        timer.tick(lambda: jobs_banner(ctx), None, [banner], show_progress="hidden",
                   api_visibility="private")

        def refresh():
            choices = filters_panel.choices(ctx)
            return (header(ctx), *library_refresh(), *choices, *choices, *label_refresh(),
                    *topic_refresh(), estimate_refresh(), export_refresh())

        app.load(refresh, None, [top, *library, *search_filters[3:], *ask_filters[3:],
                                 *label_outputs, *topic_outputs, *estimate_outputs,
                                 *export_outputs],
                 api_visibility="private")
    return app
