"""Topics: BERTopic clusters of the stored record embeddings, named, mapped and over time.

Nothing heavy is imported here: BERTopic, UMAP, HDBSCAN and plotly load inside the functions
that use them, so ``litlab --help`` stays instant.
"""
