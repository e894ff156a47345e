"""A connector declares itself once (connectors/registry.py): its options, tables and credentials. This
walks the registry and checks that what is written elsewhere covers every type and every option:
sources.example.yml (each option at least as a comment), docs/connectors.md's settings tables (written
from the registry: rerun with UPDATE_SNAPSHOTS=1 after changing an option), and `mkpi sources check`,
which must build every type's connector from every option."""

from __future__ import annotations

import os
import re

import pytest

from connectors.registry import connectors
from pipelines import cli
from pipelines.sources import pulling
from pipelines.settings import PROJECT_ROOT, Settings
from pipelines.configuration.sources_yml import load_sources

EXAMPLE = PROJECT_ROOT / "sources.example.yml"
DOC = PROJECT_ROOT / "docs/connectors.md"
BEGIN = "<!-- settings by type: written from connectors/registry.py by tests/test_connector_registry.py -->"
END = "<!-- end of the settings by type -->"


def example_blocks() -> dict[str, str]:
    """Each source of the example file, by its type: the lines from `- name:` to the next source."""
    blocks = re.split(r"\n(?=  - name: )", EXAMPLE.read_text(encoding="utf-8"))[1:]
    return {re.search(r"\n    type: (\w+)", block).group(1): block for block in blocks}


def every_option_uncommented(tmp_path):
    """The example with each commented-out option of a source switched on, and every source enabled."""
    text = EXAMPLE.read_text(encoding="utf-8").replace("    enabled: false\n", "")
    path = tmp_path / "sources.yml"
    path.write_text(re.sub(r"(?m)^    # (\w+: )", r"    \1", text), encoding="utf-8")
    return path


def test_the_example_shows_every_type_and_every_option():
    blocks = example_blocks()
    assert set(blocks) == set(connectors())
    for kind, connector in connectors().items():
        missing = [o for o in connector.options.model_fields if not re.search(rf"\n    (# )?{o}:", blocks[kind])]
        assert not missing, f"sources.example.yml's {kind} source does not show {missing}"


def test_every_option_in_the_example_is_valid_and_builds_its_connector(tmp_path, monkeypatch):
    specs = load_sources(every_option_uncommented(tmp_path)).enabled
    assert {s.type for s in specs} == set(connectors())
    settings = Settings.from_env(warehouse=tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("MKPI_TOKEN_KEY", "a long random passphrase for the test")
    for spec in specs:
        assert spec.options.model_fields_set == set(spec.options.model_fields), spec.type
        for name in spec.secret_names():
            monkeypatch.setenv(name, f"value-of-{name}")
        source = pulling.build_source(spec, pulling.token_store(settings))
        assert tuple(s.kind for s in source.streams) == spec.kinds
        assert spec.kinds == connectors()[spec.type].tables(spec.options)


def test_sources_check_answers_for_every_type_without_its_credentials(tmp_path, capsys, monkeypatch):
    """No credential set: each source fails on its first variable, named, before any request."""
    path = every_option_uncommented(tmp_path)
    for spec in load_sources(path).enabled:
        for name in spec.secret_names():
            monkeypatch.delenv(name, raising=False)
    code = cli.main(["sources", "check", "--sources", str(path), "--warehouse", str(tmp_path / "w.duckdb")])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    for spec in load_sources(path).enabled:
        line = next(line for line in lines if line.startswith(f"FAIL  {spec.name} ({spec.type}): "))
        assert f"${spec.secret_names()[0]}" in line or "is not set" in line, line


def settings_tables() -> str:
    parts = [BEGIN, ""]
    for kind, connector in connectors().items():
        tables = ", ".join(f"`{t}`" for t in connector.fills) or "the table its `kind` names"
        parts += [f"**`type: {kind}`**: {connector.title}; fills {tables}.", "",
                  "| setting | | what it is |", "|---|---|---|"]
        fields = connector.options.model_fields.items()
        for name, field in sorted(fields, key=lambda item: not item[1].is_required()):  # required first
            needed = "required" if field.is_required() else "optional"
            parts.append(f"| `{name}` | {needed} | {field.description} |")
        parts.append("")
    return "\n".join(parts + [END])


def test_the_docs_list_every_type_and_option_as_the_registry_declares():
    text = DOC.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"docs/connectors.md lost its markers {BEGIN!r} … {END!r}"
    written = text[text.index(BEGIN):text.index(END) + len(END)]
    if os.environ.get("UPDATE_SNAPSHOTS"):
        DOC.write_text(text.replace(written, settings_tables()), encoding="utf-8")
        return
    assert written == settings_tables(), "docs/connectors.md's settings differ from the registry: " \
                                         "rerun with UPDATE_SNAPSHOTS=1 and review the diff"


@pytest.mark.parametrize("kind", sorted(connectors()))
def test_an_unknown_option_names_the_allowed_ones(tmp_path, kind):
    from pipelines.configuration.sources_yml import SourcesConfigError

    block = example_blocks()[kind]
    path = tmp_path / "sources.yml"
    path.write_text("defaults: {start_date: 2026-01-01}\nsources:\n" + block.rstrip() + "\n    colour: blue\n",
                    encoding="utf-8")
    with pytest.raises(SourcesConfigError) as err:
        load_sources(path)
    assert f"colour: unknown key for a {kind} source (allowed: " in str(err.value)
    assert all(option in str(err.value) for option in connectors()[kind].options.model_fields)
