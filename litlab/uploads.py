"""Files uploaded through the UI: checked, renamed safely, and kept under the project folder."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from litlab.errors import UploadRejected
from litlab.ingest.exports import sha256_file
from litlab.settings import UISettings

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def project_folder(db_path: Path) -> Path:
    """Where the UI keeps uploads and exports of a corpus: beside the database file."""
    return db_path.parent / f"{db_path.stem}_files"


def safe_name(name: str) -> str:
    """A file name that stays inside its folder: the last path part only, no leading dots,
    letters, digits and ``._-`` only."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).lstrip("._") or "upload"
    stem, dot, suffix = base.rpartition(".")
    if dot and len(base) > 120:
        base = f"{stem[:100]}.{suffix[:10]}"
    return base[:120]


@dataclass
class UploadResult:
    saved: list[Path] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name as given, why)


def check_upload(name: str, size: int, settings: UISettings) -> None:
    """Raise UploadRejected for a type litlab does not read, an empty file or one too big."""
    suffix = Path(safe_name(name)).suffix.lower()
    if suffix not in settings.upload_types:
        raise UploadRejected(f"{name}: litlab reads {', '.join(settings.upload_types)} files, "
                             f"not {suffix or 'files without an extension'}")
    if size == 0:
        raise UploadRejected(f"{name}: the file is empty (0 bytes)")
    if size > settings.max_upload_mb * 1024 * 1024:
        raise UploadRejected(f"{name}: {size / 1024 / 1024:.0f} MB is over the upload limit of "
                             f"{settings.max_upload_mb} MB")


def save_uploads(files: list[tuple[str, Path]], folder: Path, settings: UISettings
                 ) -> UploadResult:
    """Copy (original name, temporary path) pairs into ``folder`` under safe names; a name
    already taken by other bytes gets a numbered suffix, the same bytes are not copied twice."""
    folder.mkdir(parents=True, exist_ok=True)
    result = UploadResult()
    for name, temp in files:
        try:
            check_upload(name, Path(temp).stat().st_size, settings)
        except UploadRejected as exc:
            result.refused.append((name, str(exc).split(": ", 1)[-1]))
            continue
        target = folder / safe_name(name)
        n = 1
        while target.exists() and sha256_file(target) != sha256_file(Path(temp)):
            n += 1
            target = folder / f"{Path(safe_name(name)).stem}-{n}{Path(target).suffix}"
        if not target.exists():
            shutil.copyfile(temp, target)
        result.saved.append(target)
    return result
