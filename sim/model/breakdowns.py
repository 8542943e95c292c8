"""Placement breakdowns: an unplanned ending at a hazard by placement option and the child's age band.

A child's band can change during a placement, so the hazard is piecewise
constant, a piece per band still to come. Placements in a Mockingbird
satellite household break down at the constellation's multiplier, times its short breaks' multiplier.

Each child carries the Exp(1) budgets of its first few placements, drawn for it
by its place in the order of entry (census children by their place in the
census, UASC by their own order of entry): whatever happens to other children, the k-th child's n-th placement
has the same budget in every scenario, so paired scenarios stay paired
(common random numbers) after their paths part.
"""

import bisect

from sim.model.ages import AGE_BANDS, DAYS_PER_YEAR
from sim.model.hazard import HazardClock
from sim.model.mockingbird import short_break_factor
from sim.model.streams import Buffered

PLACEMENTS_WITH_OWN_BUDGETS = 6  # later placements (rare) draw from a shared stream


class Breakdowns:
    def __init__(self, model):
        self.model = model
        self._set_rates(model.scenario)
        self.budgets = Buffered(model.streams["breakdowns"].standard_exponential)
        self.rows = {"census": BudgetRows(model.streams["breakdown_budgets:census"]),
                     "entrant": BudgetRows(model.streams["breakdown_budgets:entrants"]),
                     "uasc": BudgetRows(model.streams["breakdown_budgets:uasc"])}

    def reconfigure(self, scenario) -> None:
        """New rates from now: running clocks are rescheduled without new draws; a placement in an option
        that could not break down before starts its clock now, on that placement's own budget."""
        self._set_rates(scenario)
        for option in self.model.placements.options.values():
            for child in option.children:
                if child.breakdown_clock is not None:
                    self.update(child)
                elif option.name in self.options:
                    self._start_clock(child, child.placements_started - 1)

    def give_budgets(self, child, kind: str, index: int) -> None:
        """The budgets of the first placements of the `index`-th child of its kind (census or entrant)."""
        child.breakdown_budgets = self.rows[kind].row(index)

    def _set_rates(self, scenario) -> None:
        self.rates = _rates_per_day(scenario)
        self.options = {option for option, _ in self.rates}

    def start(self, child) -> None:
        """A placement has begun: start its clock if the option can break down."""
        placement = child.placements_started
        child.placements_started += 1
        if child.option.name in self.options:
            self._start_clock(child, placement)

    def _start_clock(self, child, placement: int) -> None:
        """The clock of the child's `placement`-th placement (counting from 0), on that placement's budget."""
        own = child.breakdown_budgets
        budget = own[placement] if placement < len(own) else self.budgets.next()
        child.breakdown_clock = HazardClock(self, child, budget)
        child.breakdown_clock.start(self.model.env)

    def stop(self, child) -> None:
        if child.breakdown_clock is not None:
            child.breakdown_clock.stop()
            child.breakdown_clock = None

    def update(self, child) -> None:
        """The child's household joined or left a constellation, or the rates changed."""
        if child.breakdown_clock is not None:
            child.breakdown_clock.update(self.model.env)

    def hazard(self, child, day: float) -> tuple:
        household = child.household
        satellite = household is not None and household.role == "satellite"
        rates = self.rates[child.option.name, satellite]
        first = bisect.bisect_right(child.band_ends, day)
        return tuple(zip(rates[first:], child.band_ends[first:]))

    def last_day(self, child) -> float:
        return min(self.model.horizon, child.exit_day)

    def fire(self, child) -> None:
        child.breakdown_clock = None
        self.model.placement_broke_down(child)


class BudgetRows:
    """Row n: the Exp(1) budgets of the first PLACEMENTS_WITH_OWN_BUDGETS placements of the n-th child, drawn
    from the stream in blocks, so row n is the same however many rows are asked for and in what order."""

    BLOCK = 1024

    def __init__(self, rng):
        self.rng = rng
        self.rows = []

    def row(self, index: int) -> tuple:
        while index >= len(self.rows):
            self.rows.extend(map(tuple, self.rng.standard_exponential((self.BLOCK, PLACEMENTS_WITH_OWN_BUDGETS))
                                 .tolist()))
        return self.rows[index]


def _rates_per_day(scenario) -> dict:
    """(option, in a satellite household) -> the hazard per day in each age band."""
    multiplier = scenario.mockingbird.breakdown_multiplier * short_break_factor(scenario.mockingbird)
    rates = {}
    for option, by_band in scenario.breakdowns.rate_per_year.items():
        rates[option, False] = tuple(by_band[band] / DAYS_PER_YEAR for band in AGE_BANDS)
        rates[option, True] = tuple(rate * multiplier for rate in rates[option, False])
    return rates
