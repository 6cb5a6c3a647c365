"""The run loop for backends that keep many requests in flight (served models).

Contexts are built lazily, a chunk at a time, in this thread (it owns the DuckDB
connection) while the backend's requests run; every group of articles that comes back is
committed at once in one transaction, so a kill loses only what was in flight and a resume
asks for exactly the records without a label.
"""
from __future__ import annotations

from typing import Callable

from litlab.labeling.context import build_contexts
from litlab.labeling.runs import commit_rows, label_rows

CONTEXT_CHUNK = 64  # records whose context is built per database read


def label_streaming(con, pending: list[int], run_ids: list[int], questions, scope: str, backend,
                    embedder, settings, index_settings, done: set,
                    advance: Callable | None, should_stop: Callable[[], bool] | None,
                    watch=None) -> tuple[int, str]:
    """Label ``pending`` through ``backend.score_stream``; returns (labeled, status)."""
    contexts: dict[int, object] = {}
    without_text: list = []
    questions_text = " ".join(q.text for q in questions)

    def articles():
        for at in range(0, len(pending), CONTEXT_CHUNK):
            for context in build_contexts(con, pending[at:at + CONTEXT_CHUNK], scope,
                                          questions_text, embedder, index_settings.model,
                                          settings.fulltext_chunks, settings.drop_instructions):
                if context.text:
                    contexts[context.record_id] = context
                    yield context.record_id, context.text
                else:  # nothing to ask: committed with the next group
                    without_text.append(context)

    labeled = 0
    stream = backend.score_stream(articles(), questions)
    status_line = getattr(advance, "status", None)
    try:
        for ready in stream:
            if should_stop and should_stop():
                return labeled, "interrupted"
            group = [contexts.pop(key) for key, _ in ready]
            idle, without_text[:] = list(without_text), []
            if group or idle:
                commit_rows(con, label_rows(group + idle, group, [s for _, s in ready],
                                            run_ids, questions, embedder, done), watch)
                labeled += len(group) + len(idle)
                if advance:
                    advance(len(group) + len(idle))
            if status_line and getattr(backend, "stream", None) is not None:
                status_line(backend.stream.status())
        if without_text:  # a tail of records without text, after the last answer
            commit_rows(con, label_rows(without_text, [], [], run_ids, questions, embedder, done),
                        watch)
            labeled += len(without_text)
            if advance:
                advance(len(without_text))
        if watch is not None:
            watch.check(final=True)
    finally:
        stream.close()
    return labeled, "done"
