"""The question and eligibility criteria of each shared review, for the cold start.

Written once from each dataset's README and the title and aim of its source paper, before
any cold-start run, and NOT tuned on the labels: no record of the files was read to write
them, and they were not changed after seeing a result. A real review has its protocol's
criteria; these are the short version a reviewer would type.
"""
from __future__ import annotations

QUESTIONS = {
    "nagtegaal": (
        "Does the study evaluate a nudge that steers healthcare professionals towards "
        "evidence-based medicine?",
        "Include: empirical studies of a nudge (choice architecture: defaults, reminders, "
        "prompts, feedback, social norms, framing, salience, order of options) aimed at "
        "healthcare professionals such as physicians, nurses or pharmacists, changing their "
        "clinical decisions (prescribing, test ordering, guideline adherence).\n"
        "Exclude: interventions aimed at patients; education, financial incentives or "
        "regulation alone; studies without an evaluation of the intervention."),
    "hamilton": (
        "Does the study examine songs or music used to teach or learn a second or foreign "
        "language?",
        "Include: studies where learners of a second or foreign language listen to, sing or "
        "learn songs or music, with outcomes on language learning (vocabulary, pronunciation, "
        "grammar, listening, reading, motivation); learners of any age.\n"
        "Exclude: first-language literacy only; music education without language learning; "
        "studies of music perception unrelated to language learning."),
    "wilson": (
        "Does the study compare the effectiveness or safety of treatments for Wilson disease?",
        "Include: patients with Wilson disease treated with D-penicillamine, trientine, zinc "
        "salts, tetrathiomolybdate or liver transplantation; comparative or controlled "
        "studies reporting clinical outcomes (hepatic or neurological improvement, adverse "
        "events, mortality).\n"
        "Exclude: case reports, reviews, animal or in vitro studies; studies of diagnosis or "
        "genetics only."),
    "virus": (
        "Does the study use metagenomic sequencing to detect or characterise viruses in farm "
        "animals?",
        "Include: viral metagenomics or high-throughput (next-generation) sequencing to "
        "discover viruses or describe the virome of livestock or poultry (pigs, cattle, "
        "sheep, goats, chickens, ducks, turkeys, horses).\n"
        "Exclude: only targeted PCR or single-virus assays; wild animals, pets, humans, "
        "plants or insects; reviews."),
}
