"""Catalogue parsing: typed entries, derived size class, clear errors for bad YAML."""

import pytest

from bench.catalogue.specs import SLM_MAX_PARAMS_B, load_catalogue
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


def test_model_at_backend_names_a_variant_of_the_same_entry():
    cat = load_catalogue()
    base = cat.get("smollm2-135m-instruct")
    vllm = cat.get("smollm2-135m-instruct@vllm")
    assert (vllm.name, vllm.backend, vllm.base_name) == (
        "smollm2-135m-instruct@vllm",
        "vllm",
        "smollm2-135m-instruct",
    )
    assert vllm.source == base.source and vllm.dtype == base.dtype
    fp32 = cat.get("smollm2-135m-instruct@hf-fp32")
    assert (fp32.backend, fp32.dtype) == ("hf", "float32")
    gguf = cat.get("gemma3-270m@llamacpp")
    assert gguf.backend == "llamacpp" and gguf.quantization == "gguf-q4_k_m"
    assert cat.get("smollm2-135m-instruct@vllm-server").backend == "vllm-server"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("smollm2-135m-instruct@vlm", "did you mean vllm"),
        ("gpt-4o-mini@hf", "cannot run on 'hf'"),
        ("llama-3.2-1b-instruct@llamacpp", "cannot run on 'llamacpp'"),
        ("gemma3-270m@llamacpp-fp32", "drop the precision suffix"),
    ],
)
def test_impossible_variants_are_one_line_errors(name, message):
    with pytest.raises(UserError, match=message):
        load_catalogue().get(name)


def test_engine_overrides_are_validated():
    from bench.catalogue.specs import engine_overrides

    spec = load_catalogue().get("smollm2-135m-instruct@vllm")
    changed = engine_overrides(spec, ["max_model_len=4096", "enforce_eager=false"])
    assert changed.engine.max_model_len == 4096 and changed.engine.enforce_eager is False
    assert spec.engine.max_model_len is None  # the catalogue entry is untouched
    with pytest.raises(UserError, match="KEY=VALUE"):
        engine_overrides(spec, ["colour=red"])
    with pytest.raises(UserError, match="gpu_memory_utilization"):
        engine_overrides(spec, ["gpu_memory_utilization=3"])
    with pytest.raises(UserError, match="max_model_len: Input should be greater than 0"):
        engine_overrides(spec, ["max_model_len=-5"])


@pytest.mark.parametrize("as_of", ["2024-7", "2024-7-1", "2024-02-30", "24-07", "2024/07"])
def test_price_dates_are_iso_dates(as_of):
    from pydantic import ValidationError

    from bench.catalogue.specs import Price

    with pytest.raises(ValidationError, match="as_of must be a date"):
        Price(input_per_1m_tokens=1, output_per_1m_tokens=1, as_of=as_of)
    assert Price(input_per_1m_tokens=0, output_per_1m_tokens=0, as_of="2024-02-29").as_of
