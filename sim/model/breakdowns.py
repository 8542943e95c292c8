"""Placement breakdowns: an unplanned ending at a hazard by placement option and the child's age band.

A child's band can change during a placement, so the hazard is piecewise
constant, a piece per band still to come. Placements in a Mockingbird
satellite household break down at the constellation's multiplier, times its short breaks' multiplier.
"""

import bisect

from sim.model.ages import AGE_BANDS, DAYS_PER_YEAR
from sim.model.hazard import HazardClock
from sim.model.mockingbird import short_break_factor
from sim.model.streams import Buffered


class Breakdowns:
    def __init__(self, model):
        scenario = model.scenario
        self.model = model
        self.rates = _rates_per_day(scenario)
        self.options = {option for option, _ in self.rates}
        self.budgets = Buffered(model.streams["breakdowns"].standard_exponential)

    def start(self, child) -> None:
        """A placement has begun: start its clock if the option can break down."""
        if child.option.name in self.options:
            child.breakdown_clock = HazardClock(self, child, self.budgets.next())
            child.breakdown_clock.start(self.model.env)

    def stop(self, child) -> None:
        if child.breakdown_clock is not None:
            child.breakdown_clock.stop()
            child.breakdown_clock = None

    def update(self, child) -> None:
        """The child's household joined or left a constellation."""
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


def _rates_per_day(scenario) -> dict:
    """(option, in a satellite household) -> the hazard per day in each age band."""
    multiplier = scenario.mockingbird.breakdown_multiplier * short_break_factor(scenario.mockingbird)
    rates = {}
    for option, by_band in scenario.breakdowns.rate_per_year.items():
        rates[option, False] = tuple(by_band[band] / DAYS_PER_YEAR for band in AGE_BANDS)
        rates[option, True] = tuple(rate * multiplier for rate in rates[option, False])
    return rates
