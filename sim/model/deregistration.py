"""Carers leaving: each household deregisters at a hazard, raised for a while after a breakdown and
lowered in a Mockingbird satellite; after a breakdown a household may also take a break from placements."""

import math

from sim.model.ages import DAYS_PER_YEAR
from sim.model.hazard import HazardClock
from sim.model.streams import Buffered

DAYS_PER_MONTH = DAYS_PER_YEAR / 12


class Deregistration:
    def __init__(self, model):
        self.model = model
        self._set_rates(model.scenario)
        self.budgets = Buffered(model.streams["deregistration"].standard_exponential)
        self.breaks = Buffered(model.streams["breaks"].random)

    def reconfigure(self, scenario) -> None:
        """New rates from now, every household's clock rescheduled without new draws; new after-breakdown
        settings for breakdowns from now (a household already unsettled or on a break keeps its dates)."""
        self._set_rates(scenario)
        for household in self.model.carers.households.values():
            self.update(household)

    def _set_rates(self, scenario) -> None:
        self.rate_per_day = scenario.carers.deregistration_rate_per_year / DAYS_PER_YEAR
        self.after_breakdown = scenario.carers.after_breakdown
        self.satellite_multiplier = scenario.mockingbird.deregistration_multiplier

    def start(self, household) -> None:
        household.leaving_clock = HazardClock(self, household, self.budgets.next())
        household.leaving_clock.start(self.model.env)

    def update(self, household) -> None:
        household.leaving_clock.update(self.model.env)

    def hazard(self, household, day: float) -> tuple:
        rate = self.rate_per_day
        if household.role == "satellite":
            rate *= self.satellite_multiplier
        if day < household.after_breakdown_until:
            unsettled = rate * self.after_breakdown.deregistration_multiplier
            return (unsettled, household.after_breakdown_until), (rate, math.inf)
        return ((rate, math.inf),)

    def last_day(self, household) -> float:
        return self.model.horizon

    def fire(self, household) -> None:
        self.model.household_deregistered(household)

    def after_a_breakdown(self, household) -> None:
        """Raise the household's hazard for a while, and perhaps start a break from placements."""
        env, settings = self.model.env, self.after_breakdown
        household.after_breakdown_until = env.now + settings.months * DAYS_PER_MONTH
        self.update(household)
        if self.breaks.next() < settings.break_probability:
            household.break_until = env.now + settings.break_months * DAYS_PER_MONTH
            self.model.carers.refresh(household, env.now)
            env.timeout(settings.break_months * DAYS_PER_MONTH, value=household).callbacks.append(self._break_ends)

    def _break_ends(self, event) -> None:
        household = event.value
        if household.number in self.model.carers.households:
            self.model.carers.refresh(household, self.model.env.now)
