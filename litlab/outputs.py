"""Files litlab writes for the user (exports, diagrams, plots): checked before any work,
written beside the target and renamed into place, so that a path that cannot be written is
one line and an existing file is never left half-overwritten."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from litlab.errors import LitlabError, from_system_error


def check_output_path(path: Path | str) -> Path:
    """``path`` as a Path, or a LitlabError saying why no file can be written there: it is
    a folder, its folder is a file or cannot be made, or the folder cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise LitlabError(f"{path} is a folder: give a file name inside it "
                          f"(e.g. {path / ('out' + (path.suffix or '.csv'))})")
    folder = path.parent
    for above in [folder, *folder.parents]:
        if above.exists():
            if not above.is_dir():
                raise LitlabError(f"cannot write {path}: {above} is a file, not a folder")
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LitlabError(f"cannot write {path}: cannot make the folder {folder} "
                          f"({exc.strerror or exc})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LitlabError(f"cannot write {path}: the folder {folder} is not writable")
    return path


@contextmanager
def output_file(path: Path | str) -> Iterator[Path]:
    """A temporary path beside ``path`` (same extension: writers pick the format by it) to
    write to; renamed onto ``path`` when the block ends. Any OS error becomes one line and
    leaves ``path`` as it was."""
    path = check_output_path(path)
    partial = path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    except OSError as exc:
        known = from_system_error(exc)
        raise (known or LitlabError(f"cannot write {path}: {exc.strerror or exc}")) from None
    finally:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
