"""`litlab models`: what can label here (no subcommand), `catalogue`, `pull NAME`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup
from litlab.terminal import echo


class _ListingByDefault(TyperGroup):
    """`litlab models [GGUF...] [--base-url URL]` lists (the command `list`); a first word
    that names a subcommand runs it."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


models_app = typer.Typer(cls=_ListingByDefault, help="Models: what can label here, what can "
                         "be installed (`catalogue`), and `pull NAME` to install one.")


def _models_dir() -> Path:
    from litlab.settings import LabelSettings

    return LabelSettings().models_dir


@models_app.command("list", hidden=True)
def list_models(
    gguf: Optional[List[Path]] = typer.Argument(None, help="GGUF files to list too."),
    base_url: Optional[List[str]] = typer.Option(None, "--base-url", help="A server to probe "
                                                 "(repeatable): which models, log-probabilities?"),
    as_json: bool = typer.Option(False, "--json"),
):
    """What can label here: installed, bundled, Hugging Face cache, GGUF files, Ollama, servers."""
    from litlab.labeling.discovery import format_models, list_models as listed

    entries = listed(base_url or (), gguf or (), models_dir=_models_dir())
    echo(json.dumps([e.to_dict() for e in entries], indent=2) if as_json
               else format_models(entries))


@models_app.command("catalogue")
def catalogue(as_json: bool = typer.Option(False, "--json")):
    """Models `litlab models pull` installs: size, parameters, licence, source, SHA-256."""
    from litlab.labeling.catalogue import catalogue_table, format_catalogue

    rows = catalogue_table(_models_dir())
    echo(json.dumps(rows, indent=2) if as_json else format_catalogue(rows))


@models_app.command("pull")
def pull(name: str = typer.Argument(..., help="A catalogue name (`litlab models catalogue`)."),
         accept_licence: bool = typer.Option(False, "--accept-licence", help="Accept the "
                                             "model's licence (asked once, where it must be)."),
         as_json: bool = typer.Option(False, "--json")):
    """Install a model into the models folder (LITLAB_MODELS moves it), SHA-256 checked."""
    from litlab.formatting import tqdm_progress
    from litlab.labeling.catalogue import pull as pull_model

    result = pull_model(name, _models_dir(), None if as_json else tqdm_progress, accept_licence)
    echo(json.dumps(result) if as_json else
               f"{result['name']}: {result['status']} at {result['path']} "
               f"({result['size_bytes'] / 1e9:.2f} GB, SHA-256 checked); licence: "
               f"{result['licence']}")
