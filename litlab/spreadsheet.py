"""Cells that a spreadsheet would run: record text written so that it stays text.

OWASP's CSV-injection guidance: a cell starting with =, +, -, @, a tab or a carriage return
is a formula to Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` in a title is enough
to send data elsewhere when the file is opened). Such a cell gets a leading apostrophe, which
spreadsheets show as text. A cell that already starts with an apostrophe gets one too, so
that ``unescape`` (litlab's CSV importer) can undo exactly what ``escape`` did.
"""
from __future__ import annotations

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape(value):
    """The cell as a spreadsheet shows it as text; non-strings unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS + ("'",)):
        return "'" + value
    return value


def unescape(value):
    """Undo ``escape``: one leading apostrophe before a trigger or an apostrophe goes."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(
            TRIGGERS + ("'",)):
        return value[1:]
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table with every text cell escaped (numbers stay numbers)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(escape)
    return out


def text_cells_in_sheet(worksheet) -> int:
    """Mark every string cell of an openpyxl sheet that looks like a formula as a string
    (openpyxl writes a str starting with = as a formula); returns how many it marked."""
    marked = 0
    for row in worksheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
                marked += 1
    return marked
