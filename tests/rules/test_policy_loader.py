"""The one policy loader (landcycle.rules.policy): every shipped policy is read and hashed by it, with one
content hash (the same for the same content, different when a value changes), and every app's policy
object carries that hash."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from landcycle.rectification.policy import load_policy_file, rectification_policy
from landcycle.rules import policy as loader
from landcycle.rules.evaluation import default_policy, load_policy
from landcycle.rules.supervision import load_policy as warning_policy

SHIPPED = sorted(
    p.name.removesuffix(".toml") for p in resources.files("landcycle.policies").iterdir() if p.name.endswith(".toml")
)


def test_every_shipped_policy_is_known_to_the_loader():
    assert SHIPPED == sorted(loader.SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_policy_is_loaded_and_hashed(name):
    raw = resources.files("landcycle.policies").joinpath(f"{name}.toml").read_bytes()
    source = loader.read_policy(name)
    assert source.name == name and source.text == raw.decode("utf-8")
    assert source.data == tomllib.loads(raw.decode("utf-8"))
    version = {"warnings": "2026.2"}.get(name, "2026.1")  # warnings 2026.2: the [handling] table
    assert source.version == version and len(source.hash) == 16
    assert loader.read_policy(name) is source  # cached
    # the same bytes give the same hash, whichever way they come in
    assert loader.read_policy(name, raw.decode("utf-8")).hash == source.hash
    assert loader.load_default(name)["hash"] == source.hash == loader.content_hash(source.data)
    assert loader.load_default(name)["version"] == source.version
    # comments and layout do not count; a changed value does
    assert loader.read_policy(name, "# a county's note\n\n" + source.text).hash == source.hash
    changed = source.text.replace(f'version = "{version}"', f'version = "{version}-county"', 1)
    assert changed != source.text
    assert loader.read_policy(name, changed).hash != source.hash


def test_a_policy_file_is_read_by_the_same_loader(tmp_path):
    path = tmp_path / "county.toml"
    path.write_bytes(resources.files("landcycle.policies").joinpath("rectification.toml").read_bytes())
    assert loader.read_policy_file("rectification", path).hash == loader.read_policy("rectification").hash


def test_each_apps_policy_carries_the_one_hash(tmp_path):
    assert default_policy().hash == loader.read_policy("evaluation").hash
    assert rectification_policy().hash == loader.read_policy("rectification").hash
    assert warning_policy().hash == loader.read_policy("warnings").hash
    for name, load in (("evaluation", load_policy), ("rectification", load_policy_file), ("warnings", warning_policy)):
        path = tmp_path / f"{name}.toml"
        path.write_text("# edited by a county\n" + loader.read_policy(name).text, "utf-8")
        assert load(path).hash == loader.read_policy(name).hash


def test_text_that_is_not_toml_is_refused():
    with pytest.raises(tomllib.TOMLDecodeError):
        loader.read_policy("evaluation", "this is = = not toml")
