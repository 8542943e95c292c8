"""Reading scenario files: YAML, `extends:` chains, `--set` overrides, and one-line errors."""

import difflib
import hashlib
import json
import types
import typing
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from sim.scenario.changes import change_error, raw_after_each_change
from sim.scenario.consistency import check_consistency, check_settings
from sim.scenario.errors import InputError
from sim.scenario.schema import Scenario


def load_scenario(path, overrides=()) -> Scenario:
    """Load, resolve `extends:`, apply KEY.PATH=VALUE overrides and validate."""
    path = Path(path)
    raw = _resolve_extends(path, ())
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
    """The mapping at the top of a YAML file; a missing file or bad YAML is a one-line InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "", "file not found") from None
    except OSError as error:
        raise InputError(path, "", f"cannot be read ({error.strerror})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise InputError(path, "", f"{where}YAML syntax error: {problem}") from None
    if not isinstance(raw, dict):
        raise InputError(path, "", f"expected a mapping of {contents} at the top level")
    return raw


def _resolve_extends(path: Path, chain: tuple) -> dict:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise InputError(path, "extends", f"extends cycle: {cycle}")
    raw = read_yaml_mapping(path)
    parent_name = raw.pop("extends", None)
    if parent_name is None:
        return raw
    if not isinstance(parent_name, str):
        raise InputError(path, "extends", "expected the path of another scenario file")
    parent_path = path.parent / parent_name
    if not parent_path.is_file():
        raise InputError(path, "extends", f"file {parent_path} not found")
    return _deep_merge(_own_title(_resolve_extends(parent_path, (*chain, resolved)), raw), raw)


def _own_title(parent: dict, child: dict) -> dict:
    """A scenario that gives its own name and no title is called by its name, not by its parent's title."""
    if "name" in child and "title" not in child:
        return {key: value for key, value in parent.items() if key != "title"}
    return parent


def _deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _apply_override(raw: dict, override: str) -> str:
    key_path, sep, text = override.partition("=")
    if not sep or not key_path:
        raise InputError("--set", override, "expected KEY.PATH=VALUE")
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        raise InputError("--set", key_path, f"value '{text}' is not a valid YAML scalar") from None
    except ValueError:  # a date-like scalar that is no date (2020-13-01): the schema says what was expected
        value = text
    *parents, leaf = key_path.split(".")
    node = raw
    for depth, part in enumerate(parents):
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise InputError("--set", key_path, f"{'.'.join(parents[:depth + 1])} is not a section")
    node[leaf] = value
    return key_path


def one_line_error(error: ValidationError, source: str, overridden=frozenset(), root=Scenario) -> InputError:
    """The first problem of a validation error of a `root` model, on one line naming `source` and the key.

    Unknown keys come first: a misspelt key is also reported as a missing one, and the spelling is the fix."""
    problems = error.errors()
    first = next((problem for problem in problems if problem["type"] == "extra_forbidden"), problems[0])
    loc = tuple(part for part in first["loc"] if not _is_type_tag(part))
    key = ".".join(str(part) for part in loc)
    if any(key == changed or key.startswith(changed + ".") for changed in overridden):
        source += " (with --set)"
    if first["type"] == "extra_forbidden":
        expected = _unknown_key_hint(str(loc[-1]), _valid_keys(loc[:-1], root))
    else:
        message = first["msg"].removeprefix("Value error, ")
        expected = f"{message} (got {_short(first['input'])})"
    more = error.error_count() - 1
    return InputError(source, key, expected + (f" [and {more} more problem{'s' * (more > 1)}]" if more else ""))


def _is_type_tag(part) -> bool:
    """Pydantic adds union-member and validator names to error locations; users never wrote them."""
    return isinstance(part, str) and ("[" in part or part in {"int", "float", "str", "dict", "tuple", "list", "none",
                                                              "number", "range"})


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_key_hint(key: str, valid: list) -> str:
    near = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    if near:
        return f"unknown key; did you mean '{near[0]}'?"
    return f"unknown key; expected one of: {', '.join(valid)}"


def _valid_keys(loc: tuple, root) -> list:
    annotation = root
    for part in loc:
        annotation = _inside(annotation, part)
    model = _first_member(annotation, _is_model)
    return list(model.model_fields) if model else []


def _inside(annotation, part):
    """The annotation of what key `part` holds inside a value of type `annotation`."""
    model = _first_member(annotation, _is_model)
    if model is not None:
        field = model.model_fields.get(part)
        return field.annotation if field else None
    mapping = _first_member(annotation, lambda member: typing.get_origin(member) is dict)
    return typing.get_args(mapping)[1] if mapping else None


def _first_member(annotation, wanted):
    """Look through Annotated and unions (not into containers) for a member that `wanted` accepts."""
    if annotation is None or wanted(annotation):
        return annotation
    if typing.get_origin(annotation) in (typing.Annotated, typing.Union, types.UnionType):
        for member in typing.get_args(annotation):
            found = _first_member(member, wanted)
            if found is not None:
                return found
    return None


def _is_model(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
