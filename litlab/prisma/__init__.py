"""Systematic reviews: PRISMA 2020 flow counts and diagram, ASReview LAB and Zotero files."""
