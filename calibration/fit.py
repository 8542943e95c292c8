"""Fitting the scenario's two free parameters to what the return shows month by month, reproducibly.

Each candidate value runs the model from the census on the eve of the data
window to its end, with the same replications and seed (common random
numbers) and every range at its central value, and is scored by the sum over
month ends of the squared relative error of the median across replications
against the observed count.

Children in care depend only on entries and times in care, never on where
children are placed, so they fit the duration scale; the children in in-house
foster care then fit the occupancy of in-house places, which sizes the carer
pool's places: the count the council's own places held month by month is what
they can hold, whether or not the return says which other placements are out
of county. Each fit is scipy's bounded one-dimensional minimiser,
deterministic for a given seed.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import optimize

from calibration.estimate import Estimates, placement_mix
from calibration.history import CareHistory
from calibration.observed import month_ends, observed_series, placed_in
from calibration.scenario_writer import (
    SEED,
    Free,
    FreeParameters,
    Run,
    rendered,
    scenario_tree,
    unfitted,
)
from sim.run.runner import RunShape, replications
from sim.scenario.uncertainty import central

DURATION_SCALE_BOUNDS = (0.5, 2.0)
OCCUPANCY_BOUNDS = (0.5, 1.0)
TOLERANCE = 0.01
IN_HOUSE_METRIC = "placed:in_house_fostering"
FITTED_TO = {"children_in_care": "children in care", IN_HOUSE_METRIC: "children in in-house foster care"}


@dataclass(frozen=True)
class FitSettings:
    replications: int = 10
    seed: int = SEED
    jobs: int = 1


class _Target:
    """The model from the census on the eve of the data window, and the observed month ends it is scored on."""

    def __init__(self, history: CareHistory, estimates: Estimates, figures, settings: FitSettings):
        self.history, self.estimates, self.figures, self.settings = history, estimates, figures, settings
        self.census = placement_mix(history, history.window_start - pd.Timedelta(days=1))
        self.dates = month_ends(history.window_start.date(), history.window_end.date())
        self.observed = observed_series(history, self.dates).assign(
            **{IN_HOUSE_METRIC: placed_in(history, "in_house_fostering", self.dates)})

    def scenario(self, free: FreeParameters):
        """The candidate with every range at its central value: with a few replications, their draws of the
        ranges would move the median more than the free parameter does."""
        run = Run("fit", "", "", len(self.dates), self.settings.replications, self.settings.seed)
        tree = scenario_tree(self.estimates, self.census, self.figures, free, run)
        return central(rendered(tree, "", "fit candidate")[1])

    def distance(self, free: FreeParameters, metric: str) -> float:
        scenario = self.scenario(free)
        runs = np.array([values for _, values in replications(scenario, scenario.replications, self.settings.jobs)])
        median = np.median(runs[:, :, RunShape.of(scenario).metrics.index(metric)], axis=0)
        observed = self.observed[metric].to_numpy()
        counted = observed > 0
        return float(np.sum(((median[counted] - observed[counted]) / observed[counted]) ** 2))


def fit_free_parameters(history: CareHistory, estimates: Estimates, figures, settings: FitSettings) -> FreeParameters:
    target = _Target(history, estimates, figures, settings)
    free = unfitted(figures)
    scale = _fit(target, "children_in_care", lambda value: replace(free, duration_scale=Free(value, "")),
                 DURATION_SCALE_BOUNDS, free.duration_scale.value)
    free = replace(free, duration_scale=scale)
    reason = _why_occupancy_cannot_be_fitted(target)
    if reason:
        return replace(free, occupancy=Free(free.occupancy.value, f"{free.occupancy.note}; not fitted: {reason}"))
    occupancy = _fit(target, IN_HOUSE_METRIC, lambda value: replace(free, occupancy=Free(value, "")),
                     OCCUPANCY_BOUNDS, free.occupancy.value)
    return replace(free, occupancy=occupancy)


def _fit(target: _Target, metric: str, candidate, bounds, default: float) -> Free:
    result = optimize.minimize_scalar(lambda value: target.distance(candidate(value), metric), bounds=bounds,
                                      method="bounded", options={"xatol": TOLERANCE})
    dates = target.dates
    note = (
        f"fitted to {FITTED_TO[metric]} at {len(dates)} month ends, {dates[0]} to {dates[-1]}: the median of "
        f"{target.settings.replications} replications (seed {target.settings.seed}, the same for every value tried) "
        f"has squared relative errors summing to {result.fun:.3g}, against "
        f"{target.distance(candidate(default), metric):.3g} at {default:g}; bounds {bounds[0]:g} to {bounds[1]:g}"
    )
    return Free(round(float(result.x), 3), note)


def _why_occupancy_cannot_be_fitted(target: _Target) -> str:
    if not sum(target.census.counts.get("in_house_fostering", {}).values()):
        return "no child was in in-house foster care when the data window opened"
    return ""
