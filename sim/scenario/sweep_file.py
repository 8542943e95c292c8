"""A sweep file: a base scenario and the parameters to vary, or the authorities of a region.

    name: carer_assumptions      # optional: the file's stem; results go to outputs/sweep_<name>/
    base: ../baseline.yaml       # relative to this file
    replications: 20             # of every variant, all with this seed (common random numbers)
    seed: 20200128
    grid:                        # every combination, the first key varying slowest
      demand.entries_per_year: [380, 420, 460]
      carers.initial_households: [140, 165]

Instead of `grid`, `sample: {method: sobol|morris|latin, n: N, ranges: {KEY.PATH: [low, high]}}`
draws points for a sensitivity analysis (`ranges: scenario` samples the base scenario's own ranges, each
figure from its low to its high end), or, without `base`,
`authorities: [{name: NAME, scenario: FILE}]` runs a region, each authority with
its own seed derived from `seed` and its name.

Each variant is its scenario with `--set KEY.PATH=VALUE` overrides, validated as
`sufficiency run --set` validates them.
"""

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import yaml
from pydantic import AfterValidator, Field, ValidationError, model_validator

from sim.scenario.errors import InputError
from sim.scenario.files import (
    load_scenario,
    one_line_error,
    read_yaml_mapping,
    scenario_hash,
)
from sim.scenario.keys import name_key
from sim.scenario.sampling import one_at_a_time, sample_points
from sim.scenario.schema import MAX_REPLICATIONS, MAX_SEED, Frozen, Name, Scenario, Text, number, whole
from sim.scenario.uncertainty import draw_key, for_mode, ranges

REGIONAL_TOTAL = "regional_total"
KINDS = ("grid", "sample", "authorities")
MIN_LATIN_POINTS = 50  # RBD-FAST (the Latin hypercube's analysis) is unstable with fewer
MAX_VARIANTS = 10_000  # each variant is a validated scenario held in memory while the sweep runs


def _increasing(bounds: tuple) -> tuple:
    if not bounds[0] < bounds[1]:
        raise ValueError(f"expected [low, high] with low < high, got {list(bounds)}")
    return bounds


Range = Annotated[tuple[number(), number()], AfterValidator(_increasing)]


FROM_SCENARIO = "scenario"  # sample the base scenario's own ranges


class Sample(Frozen):
    method: Literal["sobol", "morris", "latin"]
    n: whole(ge=2, le=MAX_VARIANTS)
    ranges: Annotated[dict[str, Range], Field(min_length=1)] | Literal["scenario"]

    @model_validator(mode="after")
    def _enough_points(self):
        if self.method == "sobol" and self.n & (self.n - 1):
            raise ValueError(f"n must be a power of 2 for sobol (the Sobol sequence's balance), got {self.n}")
        if self.method == "latin" and self.n < MIN_LATIN_POINTS:
            raise ValueError(f"n must be at least {MIN_LATIN_POINTS} for latin, got {self.n}")
        return self

    def variants(self) -> int:
        """How many variants the sample runs: its points (Saltelli's n(k + 2), Morris's n(k + 1) or n), then the
        base and each of the k parameters at each end."""
        k = len(self.ranges)
        points = {"sobol": self.n * (k + 2), "morris": self.n * (k + 1), "latin": self.n}[self.method]
        return points + 1 + 2 * k


class Authority(Frozen):
    name: Name
    scenario: Text


class SweepFile(Frozen):
    name: Name
    description: Text = ""
    base: Text | None = None
    replications: whole(ge=1, le=MAX_REPLICATIONS)
    seed: whole(ge=0, le=MAX_SEED)
    grid: Annotated[dict[str, Annotated[list, Field(min_length=1)]], Field(min_length=1)] | None = None
    sample: Sample | None = None
    authorities: Annotated[tuple[Authority, ...], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        given = [kind for kind in KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(KINDS)}; got {', '.join(given) or 'none'}")
        if (self.base is None) != (self.authorities is not None):
            raise ValueError("give base with grid or sample, and no base with authorities "
                             "(each authority names its own scenario)")
        names = [authority.name for authority in self.authorities or ()]
        if len(set(names)) != len(names) or REGIONAL_TOTAL in names:
            raise ValueError(f"authority names must be distinct and not '{REGIONAL_TOTAL}', got {names}")
        combinations = math.prod(len(values) for values in (self.grid or {}).values())
        if combinations > MAX_VARIANTS:
            raise ValueError(f"the grid has {combinations:,} combinations; expected at most {MAX_VARIANTS:,}")
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in KINDS if getattr(self, kind) is not None)


@dataclass(frozen=True)
class Variant:
    name: str
    design: str  # grid, sample, base, low, high (one at a time) or authority
    overrides: dict  # key path -> value set on the scenario file
    source: str  # the scenario file
    scenario: Scenario


@dataclass(frozen=True, eq=False)
class Sweep:
    spec: SweepFile
    variants: tuple[Variant, ...]
    points: np.ndarray | None  # a sample's points, one row per "sample" variant
    uncertainty: str = "all"  # "chance": every variant's ranges at their central values

    def for_mode(self, mode: str) -> "Sweep":
        """The sweep whose variants run under `--uncertainty mode`."""
        variants = tuple(replace(v, scenario=for_mode(v.scenario, mode)) for v in self.variants)
        return replace(self, variants=variants, uncertainty=mode)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def replications(self) -> int:
        return self.spec.replications

    def identity(self) -> str:
        """Changes whenever any variant's resolved scenario, or the sweep itself, changes."""
        resolved = [self.spec.model_dump(mode="json"), [scenario_hash(v.scenario) for v in self.variants],
                    self.uncertainty]
        return hashlib.sha256(json.dumps(resolved, sort_keys=True).encode()).hexdigest()

    def of_design(self, design: str) -> list[Variant]:
        return [variant for variant in self.variants if variant.design == design]


def load_sweep(path) -> Sweep:
    """Read and validate a sweep file and every variant's scenario; nothing runs."""
    path = Path(path)
    raw = read_yaml_mapping(path, "sweep keys (base, replications, seed, and grid, sample or authorities)")
    try:
        spec = SweepFile.model_validate({"name": path.stem, **raw})
    except ValidationError as error:
        raise one_line_error(error, str(path), root=SweepFile) from None
    if spec.kind == "authorities":
        return Sweep(spec, _authorities(spec, path), None)
    base = path.parent / spec.base
    if spec.kind == "grid":
        designs = [("grid", dict(zip(spec.grid, values))) for values in itertools.product(*spec.grid.values())]
        return Sweep(spec, _variants(spec, path, "grid", base, designs), None)
    if spec.sample.ranges == FROM_SCENARIO:
        sampled = scenario_ranges(_load(path, "base", base, _shared(spec, spec.seed)), path)
        spec = spec.model_copy(update={"sample": spec.sample.model_copy(update={"ranges": sampled})})
    sample = spec.sample
    if sample.variants() > MAX_VARIANTS:
        raise InputError(path, "sample", f"{sample.variants():,} variants (the sample and each parameter at each "
                                         f"end); expected at most {MAX_VARIANTS:,}: a smaller n or fewer ranges")
    points = sample_points(sample.method, sample.n, sample.ranges, spec.seed)
    designs = [("sample", dict(zip(sample.ranges, row.tolist()))) for row in points]
    designs += one_at_a_time(sample.ranges)
    return Sweep(spec, _variants(spec, path, "sample.ranges", base, designs), points)


def scenario_ranges(scenario: Scenario, path: Path) -> dict[str, tuple[float, float]]:
    """The base scenario's ranges as a sample's: one parameter per draw (the age bands of a figure share one),
    from its low to its high end."""
    found = {}
    for key_path, span in ranges(scenario).items():
        key = draw_key(key_path)
        if found.setdefault(key, (span.low, span.high)) != (span.low, span.high):
            raise InputError(path, "sample.ranges", f"the base scenario's {key} has different ranges by age band; "
                                                    "list the ranges to sample instead of 'scenario'")
    if not found:
        raise InputError(path, "sample.ranges", "the base scenario gives no figure as a range; list the ranges "
                                                "to sample instead of 'scenario'")
    return {key: bounds for key, bounds in found.items() if bounds[0] < bounds[1]}


def override_text(key: str, value) -> str:
    """KEY.PATH=VALUE as `--set` takes it (JSON is YAML, and keeps every value's type)."""
    return f"{key}={json.dumps(value, default=str)}"


def value_at(dumped: dict, key: str):
    """The value at a key path of a dumped scenario, or None if it has none."""
    node = dumped
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def authority_seed(seed: int, name: str) -> int:
    """Each authority's own root seed, so that authorities' random numbers are independent of each other."""
    return int(np.random.SeedSequence(seed, spawn_key=(name_key(name),)).generate_state(1)[0])


def sweep_yaml(sweep: Sweep) -> str:
    return yaml.safe_dump(sweep.spec.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=True)


def _variants(spec: SweepFile, path: Path, section: str, base: Path, designs: list) -> tuple:
    dumped = _load(path, "base", base, _shared(spec, spec.seed)).model_dump(mode="json")
    width = len(str(len(designs)))
    variants = []
    for ordinal, (design, overrides) in enumerate(designs, start=1):
        typed = {key: _like(value, value_at(dumped, key)) for key, value in overrides.items()}
        texts = [override_text(key, value) for key, value in typed.items()]
        scenario = _load(path, section, base, [*texts, *_shared(spec, spec.seed)])
        variants.append(Variant(f"v{ordinal:0{width}d}", design, typed, str(base), scenario))
    return tuple(variants)


def _like(value, base_value):
    """A sampled value rounded to a whole number where the base scenario has one (a count such as households)."""
    whole = isinstance(base_value, int) and not isinstance(base_value, bool)
    return round(value) if whole and isinstance(value, float) else value


def _authorities(spec: SweepFile, path: Path) -> tuple:
    variants = []
    for authority in spec.authorities:
        source = path.parent / authority.scenario
        scenario = _load(path, "authorities", source, _shared(spec, authority_seed(spec.seed, authority.name)))
        variants.append(Variant(authority.name, "authority", {}, str(source), scenario))
    first = variants[0]
    for variant in variants[1:]:
        for key in ("start_date", "horizon_years"):
            ours, theirs = getattr(variant.scenario, key), getattr(first.scenario, key)
            if ours != theirs:
                raise InputError(path, "authorities", f"{variant.name}'s {key} ({ours}) must equal "
                                                      f"{first.name}'s ({theirs}) to add them up month by month")
    return tuple(variants)


def _shared(spec: SweepFile, seed: int) -> list[str]:
    return [f"replications={spec.replications}", f"seed={seed}"]


def _load(path: Path, section: str, source: Path, overrides: list) -> Scenario:
    try:
        return load_scenario(source, overrides)
    except InputError as error:
        raise InputError(path, section, str(error)) from None
