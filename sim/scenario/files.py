"""Scenario files: `extends:` chains, `--set` overrides and validation, every problem on one line.

Files are read by sim.scenario.reading."""

import hashlib
import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from sim.scenario.changes import change_error, raw_after_each_change
from sim.scenario.consistency import check_consistency, check_settings
from sim.scenario.errors import InputError
from sim.scenario.problems import validation_error
from sim.scenario.reading import Replace, echo, parse_yaml, read_yaml, real_path
from sim.scenario.schema import Scenario

MAX_EXTENDS = 20


def load_scenario(path, overrides=()) -> Scenario:
    """Load, resolve `extends:`, apply KEY.PATH=VALUE overrides and validate."""
    path = Path(path)
    raw = plain_mappings(_resolve_extends(path, ()))
    overridden = {_apply_override(raw, override) for override in overrides}
    return validate_raw(raw, str(path), overridden)


def validate_raw(raw: dict, source: str, overridden=frozenset()) -> Scenario:
    """Validate a scenario mapping; errors name `source`, marked when the key came from --set."""
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as error:
        raise one_line_error(error, source, overridden) from None
    check_consistency(scenario, source)
    _check_changes(scenario, source)
    return scenario


def _check_changes(scenario: Scenario, source: str) -> None:
    """The scenario as it stands after each change must be valid: each value suits the key it sets."""
    for index, change, raw in raw_after_each_change(scenario, source):
        try:
            check_settings(Scenario.model_validate(raw), source)
        except ValidationError as error:
            raise change_error(one_line_error(error, source), index, change) from None
        except InputError as error:
            raise change_error(error, index, change) from None


def scenario_yaml(scenario: Scenario) -> str:
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def scenario_hash(scenario: Scenario) -> str:
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_yaml_mapping(path: Path, contents: str = "scenario keys") -> dict:
    """The mapping at the top of a YAML file, read by sim.scenario.reading (every refusal a one-line InputError)."""
    return plain_mappings(read_yaml(path, contents))


def _resolve_extends(path: Path, chain: tuple) -> dict:
    """The file's mapping with its `extends:` chain merged in; `!replace` mappings are still marked."""
    resolved = real_path(path)
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise InputError(path, "extends", f"a cycle: {cycle}")
    if len(chain) >= MAX_EXTENDS:
        raise InputError(path, "extends", f"more than {MAX_EXTENDS} files extend one another; flatten the chain")
    raw = read_yaml(path)
    parent_name = raw.pop("extends", None)
    if parent_name is None:
        return raw
    if not isinstance(parent_name, str):
        raise InputError(path, "extends", "expected the path of another scenario file")
    try:
        parent = _resolve_extends(path.parent / parent_name, (*chain, resolved))
    except InputError as error:
        raise InputError(path, "extends", str(error)) from None
    return _deep_merge(_own_title(parent, raw), raw, path, ())


def _own_title(parent: dict, child: dict) -> dict:
    """A scenario that gives its own name and no title is called by its name, not by its parent's title."""
    if "name" in child and "title" not in child:
        return {key: value for key, value in parent.items() if key != "title"}
    return parent


def _deep_merge(base: dict, override: dict, path: Path, at: tuple) -> dict:
    """`override` merged into `base` key by key: a mapping tagged !replace replaces the parent's whole, null
    clears the parent's value (the key takes its default), anything else replaces it."""
    merged = dict(base)
    for key, value in override.items():
        inherited = merged.get(key)
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and not isinstance(value, Replace) and isinstance(inherited, dict):
            if not value and inherited:
                raise InputError(path, ".".join(map(str, (*at, key))), (
                    "an empty mapping merged into the extended file's changes nothing; write !replace {} to "
                    "empty it, or null to go back to the default"))
            merged[key] = _deep_merge(inherited, value, path, (*at, key))
        else:
            merged[key] = value
    return merged


def plain_mappings(value):
    """The value with every `Replace` mapping (its work done) as a plain dict."""
    if isinstance(value, dict):
        return {key: plain_mappings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_mappings(item) for item in value]
    return value


def _apply_override(raw: dict, override: str) -> str:
    key_path, sep, text = override.partition("=")
    if not sep or not key_path:
        raise InputError("--set", echo(override), "expected KEY.PATH=VALUE")
    value = plain_mappings(parse_yaml(text, f"--set {echo(key_path)}"))
    *parents, leaf = key_path.split(".")
    node = raw
    for depth, part in enumerate(parents):
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise InputError("--set", echo(key_path), f"{echo('.'.join(parents[:depth + 1]))} is not a section")
    node[leaf] = value
    return key_path


def one_line_error(error: ValidationError, source: str, overridden=frozenset(), root=Scenario) -> InputError:
    """Every problem of a validation error of a `root` model, on one line naming `source` and each key."""
    return validation_error(error, source, overridden, root)
