"""Human review, a classifier that learns from it, screening simulations.

``service`` holds the entry points the Corpus exposes; ``cli`` the typer commands.
"""
