"""Questions across the corpus, answered with numbered citations (built on llama-index)."""
