"""Settings that change on a date (`changes:`): which keys can change during a run, the part of the model
that applies each, and the scenario as it stands after each change.

A change sets keys from the start of its date until a later change sets them again; changes apply in date
order (file order on the same date). Its values are checked against the type of the key they set by
validating the scenario as it stands after it (sim/scenario/files.py). What each change means in the model
is in docs/model.md ("Changes on a date"); sim/model/changes.py applies them.
"""

import copy
import difflib

from sim.scenario.errors import InputError
from sim.scenario.schema import AGE_BANDS, Scenario

OPTION, BY_BAND = "OPTION", "[.BAND]"  # a placement option's name; a key that may go on to one age band

# The part of the model that applies each key (an attribute of CountyModel with a `reconfigure(scenario)`
# method), and the keys it applies. A key may matter to more than one part.
CHANGEABLE = {
    "placements": (
        f"placements.{OPTION}.capacity", f"placements.{OPTION}.weekly_cost",
        f"placements.{OPTION}.weekly_cost_inflation_per_year", "weekly_cost_inflation_per_year",
        f"matching.family{BY_BAND}", f"matching.residential{BY_BAND}", f"matching.kinship{BY_BAND}",
    ),
    "step_down": (
        "step_down.enabled", "step_down.min_months_in_placement", "step_down.max_moves_per_month",
        f"matching.residential{BY_BAND}",
    ),
    "entries": ("demand.entries_per_year", "demand.trend_per_year"),
    "recruitment": (
        "carers.recruitment.enquiries_per_month", "carers.recruitment.enquiry_to_application",
        "carers.recruitment.assessment.assessors", "carers.recruitment.assessment.caseload_per_assessor",
        "carers.recruitment.assessment.mean_months", "carers.recruitment.assessment.cv",
        "carers.recruitment.assessment.withdrawal_probability",
        "carers.recruitment.assessment.cost_per_assessor_per_year",
    ),
    "panel": (
        "carers.recruitment.panel.sittings_per_month", "carers.recruitment.panel.cases_per_sitting",
        "carers.recruitment.panel.approval_probability",
    ),
    "deregistration": (
        "carers.deregistration_rate_per_year", "carers.after_breakdown.deregistration_multiplier",
        "carers.after_breakdown.months", "carers.after_breakdown.break_probability",
        "carers.after_breakdown.break_months", "mockingbird.deregistration_multiplier",
    ),
    "breakdowns": (f"breakdowns.rate_per_year.{OPTION}{BY_BAND}", "mockingbird.breakdown_multiplier"),
}
PATTERNS = tuple(dict.fromkeys(pattern for patterns in CHANGEABLE.values() for pattern in patterns))


def mechanisms_for(key: str) -> tuple[str, ...]:
    """The parts of the model that apply `key`; none when it cannot change during a run."""
    return tuple(name for name, patterns in CHANGEABLE.items() if any(_matches(p, key) for p in patterns))


def in_date_order(changes) -> list[tuple[int, object]]:
    """(index in the file, change) by date; changes on the same date in file order."""
    return sorted(enumerate(changes), key=lambda indexed: indexed[1].date)


def raw_after_each_change(scenario: Scenario, source: str = "scenario"):
    """(index, change, the scenario mapping as it stands after the change) in date order, not yet validated.

    A key that cannot change, or a path that leads nowhere in the scenario, is an InputError."""
    raw = scenario.model_dump(mode="python")
    raw["changes"] = ()
    for index, change in in_date_order(scenario.changes):
        for key, value in change.set.items():
            where = f"changes.{index}.set.{key}"
            if not mechanisms_for(key):
                raise InputError(source, where, _not_changeable(key, scenario))
            _put(raw, key, copy.deepcopy(value), source, where)
        yield index, change, copy.deepcopy(raw)


def scenarios_after_changes(scenario: Scenario) -> list[tuple[object, Scenario]]:
    """(change, the scenario as it stands after it) in date order, for a scenario already validated."""
    return [(change, Scenario.model_validate(raw)) for _, change, raw in raw_after_each_change(scenario)]


def change_error(error: InputError, index: int, change) -> InputError:
    """`error`, found in the scenario as it stands after change `index`, named by the key of the change."""
    for key in change.set:
        if error.key == key or error.key.startswith(key + "."):
            return InputError(error.source, f"changes.{index}.set.{error.key}", error.expected)
    where = f"changes.{index}.set.{next(iter(change.set))}" if len(change.set) == 1 else f"changes.{index}"
    return InputError(error.source, where, f"after the change on {change.date}, {error.key}: {error.expected}")


def _matches(pattern: str, key: str) -> bool:
    wanted = pattern.removesuffix(BY_BAND).split(".")
    parts = key.split(".")
    if pattern.endswith(BY_BAND) and len(parts) == len(wanted) + 1 and parts[-1] in AGE_BANDS:
        parts = parts[:-1]
    return len(parts) == len(wanted) and all(w == p or (w == OPTION and p) for w, p in zip(wanted, parts))


def _not_changeable(key: str, scenario: Scenario) -> str:
    concrete = [pattern.removesuffix(BY_BAND).replace(OPTION, option)
                for pattern in PATTERNS for option in (scenario.placements if OPTION in pattern else [""])]
    near = difflib.get_close_matches(key, concrete, n=1, cutoff=0.8)
    hint = f"did you mean '{near[0]}'? " if near else ""
    listed = ", ".join(pattern.replace(BY_BAND, "") for pattern in PATTERNS)
    return (f"cannot change during a run; {hint}keys that can change: {listed} "
            "(a key given per age band may also name one band)")


def _put(raw: dict, key: str, value, source: str, where: str) -> None:
    *parents, leaf = key.split(".")
    node = raw
    for depth, part in enumerate(parents):
        if not isinstance(node.get(part), dict):
            section = ".".join(parents[:depth]) or "the scenario"
            near = difflib.get_close_matches(part, [k for k, v in node.items() if isinstance(v, dict)], n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise InputError(source, where, f"'{part}' is not given in {section}{hint}")
        node = node[part]
    node[leaf] = value
