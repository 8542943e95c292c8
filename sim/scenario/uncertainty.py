"""Figures a scenario is unsure of, written as ranges {low, central, high}: finding them, and the scenario with
each replaced by a value (its central value, or a replication's draw, which sim/model/parameters.py makes).

A range is named by its key path. The age bands of one figure share a draw (a range per band, or one range for
every band, moves all of them together): uncertainty about a figure is mostly about its level, not its shape
across ages. Any other two ranges are drawn independently. docs/uncertainty.md gives the reasons.
"""

from sim.scenario.schema import AGE_BANDS, RANGE_KEYS, Range, Scenario

MODES = ("all", "chance")
CHANCE, CHANCE_AND_RANGES = "chance", "chance+ranges"  # what a band includes, as summary.csv says it
BAND_WORDING = {
    CHANCE: "chance only",
    CHANCE_AND_RANGES: "chance and the ranges of uncertain figures",
}


def ranges(scenario: Scenario) -> dict[tuple, Range]:
    """Key path (a tuple of keys) -> range, for every figure given as a range, in the scenario's own order."""
    return {path: Range(**node) for path, node in _walk(scenario.model_dump(mode="python"), ())}


def draw_key(path: tuple) -> str:
    """The name of the draw a range at `path` uses: its key path without the age band."""
    return ".".join(str(part) for part in path if part not in AGE_BANDS)


def with_values(scenario: Scenario, values: dict[tuple, float]) -> Scenario:
    """The scenario with the range at each path of `values` replaced by that value."""
    if not values:
        return scenario
    dumped = scenario.model_dump(mode="python")
    for path, value in values.items():
        node = dumped
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return Scenario.model_validate(dumped)


def central(scenario: Scenario) -> Scenario:
    """Every range at its central value: the scenario `--uncertainty chance` runs."""
    return with_values(scenario, {path: found.central for path, found in ranges(scenario).items()})


def for_mode(scenario: Scenario, mode: str) -> Scenario:
    """What runs under `--uncertainty mode`: the scenario itself (each replication draws its ranges), or central."""
    return central(scenario) if mode == "chance" else scenario


def bands(scenario: Scenario) -> str:
    """What the bands of a scenario's results include, once `for_mode` has been applied."""
    return CHANCE_AND_RANGES if ranges(scenario) else CHANCE


def described_ranges(scenario: Scenario) -> dict[str, list[float]]:
    """Each range as manifest.json records it: key path -> [low, central, high]."""
    return {".".join(map(str, path)): [r.low, r.central, r.high] for path, r in ranges(scenario).items()}


def highest(value) -> float:
    """The largest value a figure can take: a range's high end, or the number itself."""
    return value.high if isinstance(value, Range) else value


def _walk(node, path: tuple):
    if isinstance(node, dict):
        if _is_dumped_range(node):
            yield path, node
            return
        for key, child in node.items():
            yield from _walk(child, (*path, key))
    elif isinstance(node, (list, tuple)):
        for index, child in enumerate(node):
            yield from _walk(child, (*path, index))


def _is_dumped_range(node: dict) -> bool:
    return set(node) == RANGE_KEYS and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                           for v in node.values())
