"""The four shared systematic reviews with screening decisions, read in place."""
from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
# name: (file, label column, field)
REVIEWS = {
    "nagtegaal": (SHARED / "asreview-nagtegaal" / "Nagtegaal_2019.csv", "label_included",
                  "public administration / medicine"),
    "hamilton": (SHARED / "screening" / "Hamilton_2022.csv", "label", "education"),
    "wilson": (SHARED / "screening" / "Appenzeller-Herzog_2020_wilson.csv", "included",
               "medicine"),
    "virus": (SHARED / "screening" / "Kwok_2020_virus.csv", "included", "virology"),
}


def available() -> dict:
    """The reviews whose files are on this machine."""
    return {name: spec for name, spec in REVIEWS.items() if spec[0].exists()}
