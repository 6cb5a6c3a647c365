"""Text from outside made safe to print: control characters shown, never obeyed.

Record titles, abstracts, questions, reviewer names, file names, model ids and servers'
error bodies can carry terminal escapes (OSC 52 writes the clipboard, OSC 0 sets the window
title, OSC 8 hides a link behind text, CSI 2J clears the screen) and bidirectional overrides
that make text read backwards. Everything litlab prints from such sources goes through
``visible``: each of these characters is written as its escape (``\\u001b``, ``\\u202e``), so the
user sees it is there and the terminal does nothing.
"""
from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls; bidirectional embeddings, overrides and
# isolates; the line and paragraph separators some terminals honour.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069\u2028\u2029]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                              "\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match) -> str:
    # The four-hex-digit \u form for every character: inside a JSON string it stays valid
    # JSON of the same value.
    return f"\\u{ord(match.group()):04x}"


def visible(text, one_line: bool = False) -> str:
    """``text`` with every control character written as its escape. ``one_line`` also
    escapes newlines and tabs (a title, a name, an error line)."""
    text = "" if text is None else str(text)
    return (_UNSAFE_ONE_LINE if one_line else _UNSAFE).sub(_escape, text)


def echo(text="", err: bool = False, nl: bool = True) -> None:
    """click's echo of ``visible(text)``: what every litlab command prints goes through it."""
    import click

    click.echo(visible(text), err=err, nl=nl)


def error_line(text) -> None:
    """The one red line a refused command prints on stderr."""
    import click

    click.secho(f"error: {visible(text, one_line=True)}", err=True, fg="red")
