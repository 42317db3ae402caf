"""The backend registry: complete descriptions, lazy modules, did-you-mean, variants per backend."""

import ast
import importlib.util
from pathlib import Path
from typing import get_args

import pytest

from bench.backends import BACKENDS, BackendInfo, backend_info, check_backend, register
from bench.backends.registry import SourceKind
from bench.catalogue.specs import ModelSpec, Source, load_catalogue
from bench.errors import UserError

KINDS = {t.model_fields["kind"].annotation.__args__[0] for t in get_args(get_args(Source)[0])}


def _class_names(module: str) -> set[str]:
    """Classes defined at top level of a module, read from its source (no heavy import)."""
    path = Path(importlib.util.find_spec(module).origin)
    return {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.ClassDef)}


@pytest.mark.parametrize("name", list(BACKENDS))
def test_every_description_is_complete_and_points_at_a_real_class(name):
    info = BACKENDS[name]
    assert info.name == name and info.summary
    assert set(info.sources) <= KINDS == set(get_args(SourceKind))
    module, _, cls = info.target.partition(":")
    assert importlib.util.find_spec(module) is not None, info.target
    assert cls in _class_names(module), info.target
    assert (info.package is None) == (info.install is None)
    if info.runs_gguf:
        assert not info.precision and info.sources == ("embedded",)


def test_backend_classes_name_themselves_as_registered():
    # Only the light backends: importing vllm or llama_cpp modules needs those packages.
    for name in ("hf", "openai", "embed-clf"):
        assert backend_info(name).load_class().name == name


def test_unknown_backend_suggests_close_names():
    with pytest.raises(UserError, match="did you mean vllm"):
        backend_info("vlm")
    with pytest.raises(ValueError, match="did you mean llamacpp"):
        ModelSpec(name="m", family="f", params_b=1, backend="llama-cpp",
                  source={"kind": "embedded", "package": "p", "gguf_file": "g", "sha256": "s"},
                  context_length=8, chat=True)  # fmt: skip


def test_catalogue_entry_must_fit_its_backend_sources():
    with pytest.raises(ValueError, match="runs api sources"):
        ModelSpec(name="m", family="f", params_b=1, backend="openai",
                  source={"kind": "hub", "repo_id": "a/b"},
                  context_length=8, chat=True)  # fmt: skip


def test_registration_is_checked():
    with pytest.raises(ValueError, match="module:Class"):
        BackendInfo(name="x", target="nocolon", sources=("hub",), summary="s")
    with pytest.raises(ValueError, match="both package and install"):
        BackendInfo(name="x", target="a:B", sources=("hub",), summary="s", package="p")
    with pytest.raises(ValueError, match="registered twice"):
        register(BACKENDS["hf"])


def test_check_backend_names_the_missing_package(monkeypatch):
    spec = load_catalogue().get("smollm2-135m-instruct@vllm")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UserError, match="needs the package 'vllm': `make setup`"):
        check_backend(spec)


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_with_backend_follows_the_description(backend):
    cat = load_catalogue()
    info = BACKENDS[backend]
    base = next(m for m in cat.models if m.source.kind in info.sources and "@" not in m.name)
    spec = cat.get(f"{base.name}@{backend}")
    assert (spec.backend, spec.base_name, spec.source) == (backend, base.name, base.source)
    if info.runs_gguf:
        assert spec.quantization.startswith("gguf") and "dequantised" not in spec.quantization
    if info.precision:
        assert cat.get(f"{base.name}@{backend}-fp16").dtype == "float16"
    else:
        with pytest.raises(UserError, match="drop the precision suffix"):
            cat.get(f"{base.name}@{backend}-fp32")
    other = next((m for m in cat.models if m.source.kind not in info.sources), None)
    if other is not None:
        with pytest.raises(UserError, match=f"cannot run on '{backend}'"):
            cat.get(f"{other.name}@{backend}")
