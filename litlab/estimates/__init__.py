"""Labels as data: shares per group and regressions of a run's labels, corrected by its
validation sample (``analysis.estimate_shares``, ``analysis.regress``).

Why no labeler cross-fitting is needed here: a validation sample is drawn from a finished
run, so the run's labels (an LLM's, or a ``--from-reviews`` classifier's trained on earlier
reviews) were fixed before any sampled record was reviewed; the one part that learns from the
sample's reviews, DSL's outcome model, is cross-fitted. Nothing is imported here, so the CLI
stays instant.
"""
