"""Editing a copy of a scenario: a form of the levers people change, each field read as `--set KEY=VALUE`
reads it (YAML), validated by the same schema with each problem beside its field, and saved as the file a user
would write by hand: it `extends:` the original and holds only what changed."""

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from calibration.commented_yaml import render, scalar
from sim.run.destination import staged_file
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from sim.scenario.reading import parse_yaml
from sim.scenario.wording import option_label
from sim.web.levers import leaves

IN_HOUSE = "in_house_fostering"  # its capacity comes from its carers


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    hint: str = ""
    long: bool = False  # a list: a text area
    words: bool = False  # text as typed (a title), not YAML

    def text(self, values: dict) -> str:
        """The field's value as a user would type it: YAML on one line, as after --set KEY=, or the words."""
        value = values.get(self.key)
        if value is None or self.words:
            return "" if value is None else str(value)
        return scalar(_as_typed(value))


def fields(scenario) -> list[Field]:
    """The form: who the copy is, how long it runs, and the levers people change."""
    options = [field for option in scenario.placements for field in (
        *((Field(f"placements.{option}.capacity", f"{option_label(scenario, option)}: places",
                 "a number of places, or unlimited"),) if option != IN_HOUSE else ()),
        Field(f"placements.{option}.weekly_cost", f"{option_label(scenario, option)}: weekly cost", "pounds a week"))]
    return [
        Field("name", "Name of the copy", "letters, digits, '_', '.' or '-'; also its file name", words=True),
        Field("title", "Title", "what charts and the pack call it", words=True),
        Field("description", "Description", words=True),
        Field("horizon_years", "Years to project"),
        Field("replications", "Runs", "how many times the model runs"),
        Field("demand.entries_per_year", "Children entering care a year", "a number, or {low: , central: , high: }"),
        Field("demand.trend_per_year", "Yearly change in entries", "0.02 is 2% more each year"),
        *options,
        Field("carers.initial_households", "In-house foster households at the start"),
        Field("carers.recruitment.enquiries_per_month", "Fostering enquiries a month"),
        Field("carers.recruitment.enquiry_to_application", "Share of enquiries becoming applications", "0.12 is 12%"),
        Field("carers.recruitment.campaigns", "Recruitment campaigns",
              "[{start_date: 2021-09-01, months: 3, enquiry_multiplier: 3, cost: 40000}]", long=True),
        Field("carers.recruitment.assessment.assessors", "Assessors"),
        Field("carers.recruitment.panel.sittings_per_month", "Fostering panel sittings a month"),
        Field("carers.recruitment.panel.cases_per_sitting", "Cases per panel sitting"),
        Field("carers.recruitment.panel.extra_sittings", "Extra panel sittings",
              "[{start_date: 2021-04-01, months: 36, sittings_per_month: 1}]", long=True),
        Field("mockingbird.constellations", "Mockingbird constellations",
              "[{start_date: 2021-04-01, count: 2}]", long=True),
        Field("step_down.enabled", "Children return to county when a place frees", "true or false"),
        Field("step_down.min_months_in_placement", "Months settled before a return"),
        Field("step_down.max_moves_per_month", "Returns a month at most"),
        Field("changes", "Dated changes", "[{date: 2022-04-01, set: {carers.recruitment.assessment.assessors: 10}, "
                                          "note: two more assessors}]", long=True),
    ]


@dataclass(frozen=True)
class Edit:
    """A submitted form: what each field says, what differs from the original, and the problems by key."""

    texts: dict  # key -> text as submitted
    changed: dict  # key -> value (parsed), only what differs from the original
    problems: dict  # key -> [message]; "" for problems not of one field
    scenario: object | None = None  # the copy, validated


def starting_texts(scenario, form: list[Field], name: str, title: str) -> dict:
    values = {**leaves(scenario.model_dump(mode="json")), "name": name, "title": title}
    return {field.key: field.text(values) for field in form}


def edit(path: Path, original, form: list[Field], submitted: dict) -> Edit:
    """Read the submitted fields against the original scenario at `path` and validate the copy."""
    values = leaves(original.model_dump(mode="json"))
    texts = {field.key: str(submitted.get(field.key, "")).strip() for field in form}
    changed, problems = {}, {}
    for field in form:
        text = texts[field.key]
        try:
            value = text if field.words else parse_yaml(text, field.key) if text else None
        except InputError as error:
            problems.setdefault(field.key, []).append(error.expected)
            continue
        if field.key in ("name", "title"):  # a copy is called by its own name and title, never its original's
            if text:
                changed[field.key] = value
            else:
                problems.setdefault(field.key, []).append("required")
        elif value is None or value == "" and field.key != "description":
            problems.setdefault(field.key, []).append("required")
        elif _comparable(value) != _comparable(values.get(field.key)):
            changed[field.key] = value
    if problems:
        return Edit(texts, changed, problems)
    try:
        scenario = load_scenario(path, [f"{key}={json.dumps(value, default=str)}" for key, value in changed.items()])
    except InputError as error:
        for key, message in error.problems:
            field = _field_of(key, form)
            within = key.removeprefix(field).lstrip(".") if field else key
            problems.setdefault(field, []).append(f"{within}: {message}" if within else message)
        return Edit(texts, changed, problems)
    return Edit(texts, changed, problems, scenario)


def save(edited: Edit, original_path: Path, folder: Path, replace: bool) -> Path:
    """Write the copy as FOLDER/<name>.yaml, extending the original with only what changed; an existing file is
    replaced only when `replace` (the user ticked it), and never outside `folder`."""
    name = edited.scenario.name
    final = folder / f"{name}.yaml"
    if final.resolve().parent != folder.resolve():
        raise InputError(final, "name", "must name a file in the scenarios folder")
    if (final.exists() or final.is_symlink()) and not replace:
        raise InputError(final, "name", f"{final.name} exists; tick 'Replace it' to write over it, or choose "
                                        "another name")
    extends = os.path.relpath(original_path.resolve(), folder.resolve())
    header = (f"{edited.scenario.title or name}: a copy of {original_path.name} made in the scenario explorer "
              "(sufficiency serve).\nIt extends the original and holds only what differs from it.")
    text = render({"extends": extends, **_nested(edited.changed)}, header)
    with staged_file(final, force=True, flag="the name") as staging:
        staging.write_text(text, encoding="utf-8")
        load_scenario(staging)  # what was written reads back as the copy validated
    return final


def _nested(changed: dict) -> dict:
    """{'a.b': 1, 'a.c': 2} -> {'a': {'b': 1, 'c': 2}}; name, title and description first."""
    tree = {}
    for key in sorted(changed, key=lambda key: ("name", "title", "description").index(key)
                      if key in ("name", "title", "description") else 3):
        *parents, leaf = key.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = changed[key]
    return tree


def _as_typed(value):
    """A value as a user types it: 420 rather than 420.0, dates unquoted."""
    if isinstance(value, dict):
        return {key: _as_typed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_typed(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _comparable(value):
    return json.dumps(_as_typed(value), default=str, sort_keys=True)


def _field_of(key: str, form: list[Field]) -> str:
    """The form field a problem's key belongs to ('' if none): the field itself or the one holding it."""
    return next((field.key for field in form if key == field.key or key.startswith(field.key + ".")), "")
