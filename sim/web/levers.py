"""A scenario's levers in groups, as a commissioner reads them: each setting in the pack's words, with its value
and where the figure comes from."""

from dataclasses import dataclass

from sim.scenario.wording import NOT_LEVERS, capitalised, plain_path, setting
from sim.web.sources import source

# (group title, key path prefixes): a setting goes in the first group with a prefix of its key path.
GROUPS = (
    ("Demand", ("demand", "initial_state")),
    ("Panel", ("carers.recruitment.panel",)),
    ("Breakdowns", ("breakdowns", "carers.after_breakdown")),
    ("Carers and recruitment", ("carers",)),
    ("Placements and costs", ("placements", "matching", "weekly_cost_inflation_per_year", "targets")),
    ("Mockingbird", ("mockingbird",)),
    ("Return to county", ("step_down",)),
    ("Dated changes", ("changes",)),
)
NOT_SHOWN = ("start_date", "horizon_years")  # shown above the levers
SHOWN_ORDER = ("Demand", "Placements and costs", "Carers and recruitment", "Panel", "Breakdowns", "Mockingbird",
               "Return to county", "Dated changes")


@dataclass(frozen=True)
class Lever:
    key: str
    said: str  # the setting in the pack's words, value and unit included
    value: object  # as the file gives it: a number, a range {low, central, high}, a list
    source: str | None  # the comment citing it; None: the program's default

    @property
    def written(self) -> str:
        """The value as the file gives it, in short: '420', '45,000 to 70,000, most likely 55,000', '3 listed'."""
        return _written(self.value)


def _written(value) -> str:
    if isinstance(value, dict) and set(value) == {"low", "central", "high"}:
        return f"{_written(value['low'])} to {_written(value['high'])}, most likely {_written(value['central'])}"
    if isinstance(value, list):
        return f"{len(value)} listed"
    if value is None or value == {}:
        return "none"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,g}"
    return str(value)


def grouped(scenario, found: list) -> list[tuple[str, list[Lever]]]:
    """(group title, levers) in the order of SHOWN_ORDER, empty groups left out; `found` from sources()."""
    groups = {title: [] for title in SHOWN_ORDER}
    for key, value in leaves(scenario.model_dump(mode="json")).items():
        if key.split(".")[0] in NOT_LEVERS or key in NOT_SHOWN or key.endswith(".label"):
            continue
        said = capitalised(setting(scenario, key))
        levers = groups[group_of(key)]
        if levers and levers[-1].said == said:  # a section worded as one sentence (step-down): key by key
            said = f"{plain_path(key)}: {value}"
        levers.append(Lever(key, said, value, source(found, key)))
    return [(title, levers) for title, levers in groups.items() if levers]


def group_of(key: str) -> str:
    return next(title for title, prefixes in GROUPS
                if any(key == prefix or key.startswith(prefix + ".") for prefix in prefixes))


def leaves(value, prefix: str = "") -> dict:
    """Key path -> value of every setting; a range and a list are one setting each."""
    if isinstance(value, dict) and value and set(value) != {"low", "central", "high"}:
        return {key: leaf for name, inner in value.items() for key, leaf in leaves(inner, f"{prefix}{name}.").items()}
    return {prefix.removesuffix("."): value}
