"""Placement breakdowns: an unplanned ending at a hazard by placement option and the child's age band.

A child's band can change during a placement, so the hazard is piecewise
constant and the clock is told when the next band starts. Placements in a
Mockingbird satellite household break down at the constellation's multiplier.
"""

import math

from sim.ages import AGE_BANDS, BAND_UPPER_AGE, DAYS_PER_YEAR, band_of_age
from sim.hazard import HazardClock
from sim.streams import Buffered


class Breakdowns:
    def __init__(self, model):
        scenario = model.scenario
        self.model = model
        self.rates_per_day = {option: {band: rate / DAYS_PER_YEAR for band, rate in by_band.items()}
                              for option, by_band in scenario.breakdowns.rate_per_year.items()}
        self.satellite_multiplier = scenario.mockingbird.breakdown_multiplier.central
        self.budgets = Buffered(model.streams["breakdowns"].standard_exponential)

    def start(self, child) -> None:
        """A placement has begun: start its clock if the option can break down."""
        if child.option.name in self.rates_per_day:
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

    def hazard(self, child, day: float) -> tuple[float, float]:
        age = child.age_at(day)
        band = band_of_age(age)
        rate = self.rates_per_day[child.option.name][band]
        household = child.household
        if household is not None and household.role == "satellite":
            rate *= self.satellite_multiplier
        next_band_day = math.inf if band == AGE_BANDS[-1] else day + (BAND_UPPER_AGE[band] - age) * DAYS_PER_YEAR
        return rate, next_band_day

    def last_day(self, child) -> float:
        return min(self.model.horizon, child.exit_day)

    def fire(self, child) -> None:
        child.breakdown_clock = None
        self.model.placement_broke_down(child)
