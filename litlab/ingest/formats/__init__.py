"""Built-in export readers, registered through the public registry."""
from __future__ import annotations


def register_builtins(registry) -> None:
    """Register every built-in reader on ``registry`` (called on its first lookup)."""
    from litlab.ingest.formats import bibtex, openalex, ris, tabular, wos

    for module in (tabular, ris, bibtex, wos, openalex):
        for reader in module.readers():
            registry.register(reader.name, lambda reader=reader: reader)
