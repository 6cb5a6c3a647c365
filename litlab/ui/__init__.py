"""The Gradio web UI: tabs over the same Corpus API the CLI uses (``litlab ui``)."""
