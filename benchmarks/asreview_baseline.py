"""ASReview LAB's own simulation, run side by side with litlab's on the same priors.

ASReview lives in its own virtualenv (default build/asreview-venv: `python -m venv
build/asreview-venv && build/asreview-venv/bin/pip install asreview`), because it pins
packages that would downgrade litlab's environment. Each run's screening order is cached
under build/asreview-cache/ by (file SHA-256, priors, seed, ASReview version), so a re-run
of a benchmark only pays for runs it has not seen.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BINARY = ROOT / "build" / "asreview-venv" / "bin" / "asreview"
CACHE = ROOT / "build" / "asreview-cache"


def run_asreview(binary: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """ASReview in build/asreview-cache/ as its working directory: its dependency
    synergy-dataset installs a requests cache, `synergy_cache.sqlite`, in the working
    directory at import, which would otherwise land in the repository."""
    CACHE.mkdir(parents=True, exist_ok=True)
    command = os.path.abspath(binary) if os.sep in str(binary) else str(binary)  # else on PATH
    return subprocess.run([command, *args], cwd=CACHE, **kwargs)


def version(binary: Path) -> str:
    out = run_asreview(binary, "--version", capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().split()[-1]


def screening_order(binary: Path, data: Path, priors: list[int], seed: int,
                    cached_only: bool = False) -> dict | None:
    """ASReview's default model (ELAS u4) from the given prior rows (0-based): the rows in
    the order it asked for them after the priors, and the seconds the run took
    (``cached_only``: None when this run is not in the cache yet)."""
    digest = hashlib.sha256(data.read_bytes()).hexdigest()[:16]
    key = f"{data.stem}-{digest}-{'-'.join(map(str, priors))}-s{seed}-{version(binary)}"
    cached = CACHE / f"{key}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    if cached_only:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run.asreview"
        started = time.perf_counter()
        run_asreview(binary, "simulate", str(data.resolve()), "--prior-idx", *map(str, priors),
                     "--seed", str(seed), "-o", str(out), check=True, capture_output=True)
        seconds = time.perf_counter() - started
        with zipfile.ZipFile(out) as archive:
            archive.extract("results.db", tmp)
        con = sqlite3.connect(Path(tmp) / "results.db")
        rows = con.execute("SELECT record_id, label, classifier FROM results ORDER BY rowid"
                           ).fetchall()
        con.close()
    # Priors carry no classifier; every later row was asked for by the model.
    result = {"order": [int(r) for r, _, model in rows if model is not None],
              "seconds": round(seconds, 1)}
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(result))
    return result


def found_array(order: list[int], truth: np.ndarray, n_priors: int) -> np.ndarray:
    """found[i]: was the (i+1)-th record screened after the priors relevant (False after
    the run stopped, which it does once every relevant record is found)."""
    found = np.zeros(len(truth) - n_priors, dtype=bool)
    found[:len(order)] = truth[np.array(order, dtype=int)] if order else []
    return found
