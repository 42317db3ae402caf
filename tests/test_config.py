"""Catalogue parsing: typed entries, derived size class, clear errors for bad YAML."""

import pytest

from bench.config import SLM_MAX_PARAMS_B, load_catalogue
from bench.errors import UserError


def test_catalogue_has_embedded_models_and_presets():
    cat = load_catalogue()
    names = {m.name for m in cat.models}
    assert {
        "smollm2-135m-instruct",
        "gemma3-270m",
        "llama-3.1-70b-instruct",
        "gpt-4o-mini",
        "qwen2.5-7b-instruct",
        "phi-3.5-mini-instruct",
    } <= names
    assert cat.get("gemma3-270m").source.kind == "embedded"
    assert not cat.get("gpt-4o-mini").local


def test_size_class_follows_the_documented_threshold():
    cat = load_catalogue()
    for m in cat.models:
        if m.params_b is not None:
            assert m.size_class == ("slm" if m.params_b < SLM_MAX_PARAMS_B else "llm")
    assert cat.get("gpt-4o-mini").size_class == "llm"


def test_unknown_model_suggests_close_names():
    with pytest.raises(UserError, match="did you mean smollm2-135m-instruct"):
        load_catalogue().get("smollm2-135m")


def test_extra_catalogue_adds_entries(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "models:\n  - name: my-model\n    family: x\n    params_b: 12\n"
        "    source: {kind: hub, repo_id: me/my-model}\n    context_length: 4096\n"
        "    chat: true\n"
    )
    cat = load_catalogue(extra)
    assert cat.get("my-model").size_class == "llm"
    assert cat.get("gemma3-270m")


def test_unknown_key_is_rejected_with_the_file_name(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "models:\n  - name: m\n    family: x\n    params_b: 1\n    colour: red\n"
        "    source: {kind: hub, repo_id: a/b}\n    context_length: 1\n    chat: false\n"
    )
    with pytest.raises(UserError, match=r"bad\.yaml.*colour"):
        load_catalogue(bad)


def test_malformed_yaml_names_file_and_line(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("models:\n  - name: [unclosed\n")
    with pytest.raises(UserError, match=r"malformed YAML in .*broken\.yaml \(line \d+"):
        load_catalogue(bad)


def test_missing_catalogue_file_is_one_line(tmp_path):
    with pytest.raises(UserError, match="cannot read"):
        load_catalogue(tmp_path / "nope.yaml")
