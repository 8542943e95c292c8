"""Global sensitivity of a sweep's outcomes to uncertain parameters: Morris screening, Sobol indices, and swings.

SALib draws the sample points (Saltelli's scheme via a scrambled Sobol sequence,
Morris trajectories, or a Latin hypercube) and estimates the indices: Sobol
first-order and total indices, Morris mean absolute elementary effects, or
RBD-FAST first-order indices for a Latin hypercube. Each point's outcome is
the mean over the sweep's replications, run with one seed for every point
(common random numbers), so a parameter the model ignores gets indices of zero.
A one-at-a-time design beside the sample (each parameter alone at the low and
the high end of its range, the others at the base scenario's values) gives the
swings that the tornado chart shows in the outcome's own units.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.scenario.sampling import salib_problem

INDEX_COLUMNS = ["outcome", "parameter", "index", "value", "conf"]
SWING_COLUMNS = ["parameter", "low", "high", "base_outcome", "change_at_low", "change_at_high"]
COSTS = ("placement_cost", "programme_cost")
# index reported, and the name of its 95% confidence half-width in SALib's results (None: none given)
INDICES = {
    "sobol": (("S1", "S1_conf"), ("ST", "ST_conf")),
    "morris": (("mu_star", "mu_star_conf"), ("sigma", None)),
    "latin": (("S1", "S1_conf"),),
}


def _out_of_county_at_horizon(values: np.ndarray, metrics: list) -> np.ndarray:
    return values[:, -1, metrics.index("placed_out_of_county")]


def _total_cost(values: np.ndarray, metrics: list) -> np.ndarray:
    return sum(values[:, :, metrics.index(metric)].sum(axis=1) for metric in COSTS)


@dataclass(frozen=True)
class Outcome:
    """One number per variant: the mean over its replications of `per_replication`."""

    key: str
    subject: str  # what the assumptions matter for; {end} and {period} are filled in
    measure: str
    money: bool
    per_replication: Callable  # (replications x months x metrics values, metric names) -> one value a replication

    def of(self, values: np.ndarray, metrics: list) -> float:
        return float(self.per_replication(values, metrics).mean())

    def format(self, value: float, signed: bool = False) -> str:
        shown = _money(abs(value)) if self.money else f"{abs(value):,.0f}"
        return ("+" if signed and value > 0 else "-" if value < 0 else "") + shown


OUTCOMES = (
    Outcome("out_of_county_at_horizon", "children placed out of county in {end}",
            "children placed out of county at month end", False, _out_of_county_at_horizon),
    Outcome("total_cost", "total cost, {period}", "placement and programme cost over the period", True, _total_cost),
)


def indices(method: str, ranges: dict, points: np.ndarray, outcomes: dict, seed: int) -> pd.DataFrame:
    """Sensitivity indices of each outcome (name -> value per point) to each parameter (INDEX_COLUMNS)."""
    problem = salib_problem(ranges)
    rows = []
    for outcome, values in outcomes.items():
        values = np.asarray(values, dtype=float)
        found = _analyse(method, problem, points, values, seed) if np.ptp(values) > 0 else None
        for index, conf in INDICES[method]:
            for position, parameter in enumerate(ranges):
                # an outcome that no parameter moves has every index zero (SALib would divide by zero)
                value = found[index][position] if found else 0.0
                half_width = (found[conf][position] if found else 0.0) if conf else np.nan
                rows.append((outcome, parameter, index, value, half_width))
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


def swings(ranges: dict, base: float, at_ends: dict) -> pd.DataFrame:
    """Change of an outcome from `base` with each parameter at the low and high end (at_ends[(key, end)]),
    largest span first (SWING_COLUMNS)."""
    frame = pd.DataFrame(
        [(key, low, high, base, at_ends[key, "low"] - base, at_ends[key, "high"] - base)
         for key, (low, high) in ranges.items()],
        columns=SWING_COLUMNS)
    changes = frame[["change_at_low", "change_at_high"]]
    span = changes.clip(lower=0).max(axis=1) - changes.clip(upper=0).min(axis=1)
    return frame.iloc[np.argsort(-span.to_numpy(), kind="stable")].reset_index(drop=True)


def _money(amount: float) -> str:
    if amount >= 1e6:
        return f"£{amount / 1e6:,.1f}m"
    return f"£{amount / 1e3:,.0f}k" if amount >= 1e3 else f"£{amount:,.0f}"


def _analyse(method: str, problem: dict, points: np.ndarray, values: np.ndarray, seed: int):
    from SALib.analyze import morris, rbd_fast, sobol

    if method == "sobol":
        return sobol.analyze(problem, values, calc_second_order=False, seed=seed)
    if method == "morris":
        return morris.analyze(problem, points, values, seed=seed)
    return rbd_fast.analyze(problem, points, values, seed=seed)
