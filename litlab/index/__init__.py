"""Embeddings, FAISS vector indices, BM25 and hybrid search over a corpus."""
