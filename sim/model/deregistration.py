"""Carers leaving: each household deregisters at a hazard, `deregistration_rate_per_year` times
- `carers.leaving.with_children_multiplier` while children are placed, `without_children_multiplier` while
  none is (most carers resign between placements);
- `carers.leaving.by_carer_age` at the main carer's age (retirement; 1 at ages not listed);
- `after_breakdown.deregistration_multiplier` for a while after a breakdown;
- the Mockingbird `deregistration_multiplier` while a satellite.
Known changes (the carer's next age range, the end of the unsettled months) are pieces of the hazard. After
a breakdown a household may also take a break from placements (less often in a satellite with short breaks)."""

import math

from sim.model.ages import DAYS_PER_YEAR
from sim.model.hazard import HazardClock
from sim.model.mockingbird import short_break_factor
from sim.model.streams import Buffered

DAYS_PER_MONTH = DAYS_PER_YEAR / 12
ALWAYS = ((1.0, math.inf),)


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
        carers = scenario.carers
        self.rate_per_day = carers.deregistration_rate_per_year / DAYS_PER_YEAR
        leaving = carers.leaving
        self.occupancy_multiplier = {True: leaving.with_children_multiplier, False: leaving.without_children_multiplier}
        self.by_occupancy = leaving.with_children_multiplier != leaving.without_children_multiplier
        self.by_age = _age_steps(leaving.by_carer_age)
        self.after_breakdown = carers.after_breakdown
        self.satellite_multiplier = scenario.mockingbird.deregistration_multiplier
        self.satellite_breaks = short_break_factor(scenario.mockingbird)

    def start(self, household) -> None:
        household.leaving_by_age = _age_pieces(self.by_age, household.birth_day)
        household.leaving_clock = HazardClock(self, household, self.budgets.next())
        household.leaving_clock.start(self.model.env)

    def update(self, household) -> None:
        household.leaving_clock.update(self.model.env)

    def occupancy_changed(self, household) -> None:
        """The household's first child arrived or its last left."""
        if self.by_occupancy and household.leaving_clock is not None:
            self.update(household)

    def hazard(self, household, day: float) -> tuple:
        rate = self.rate_per_day * self.occupancy_multiplier[bool(household.children)]
        if household.role == "satellite":
            rate *= self.satellite_multiplier
        unsettled = ALWAYS
        if day < household.after_breakdown_until:
            unsettled = ((self.after_breakdown.deregistration_multiplier, household.after_breakdown_until), *ALWAYS)
        by_age = household.leaving_by_age
        if unsettled is ALWAYS:
            return ((rate, math.inf),) if by_age is ALWAYS else tuple(
                (rate * a, until) for a, until in _from(by_age, day))
        return tuple((rate * a * b, until) for a, b, until in _product(_from(by_age, day), unsettled))

    def last_day(self, household) -> float:
        return self.model.horizon

    def fire(self, household) -> None:
        self.model.household_deregistered(household)

    def after_a_breakdown(self, household) -> None:
        """Raise the household's hazard for a while, and perhaps start a break from placements."""
        env, settings = self.model.env, self.after_breakdown
        household.after_breakdown_until = env.now + settings.months * DAYS_PER_MONTH
        self.update(household)
        chance = settings.break_probability * (self.satellite_breaks if household.role == "satellite" else 1.0)
        if self.breaks.next() < chance:
            household.break_until = env.now + settings.break_months * DAYS_PER_MONTH
            self.model.carers.refresh(household, env.now)
            env.timeout(settings.break_months * DAYS_PER_MONTH, value=household).callbacks.append(self._break_ends)

    def _break_ends(self, event) -> None:
        household = event.value
        if household.number in self.model.carers.households:
            self.model.carers.refresh(household, self.model.env.now)


def _age_steps(by_carer_age: dict) -> tuple:
    """(multiplier, up to this age in years) for each stretch of ages, the last to infinity; () if none given."""
    if not by_carer_age:
        return ()
    steps, reached = [], 0.0
    for key, multiplier in sorted(by_carer_age.items(), key=lambda item: int(item[0].split("-")[0])):
        low, high = map(int, key.split("-"))
        if low > reached:
            steps.append((1.0, float(low)))
        steps.append((multiplier, high + 1.0))
        reached = high + 1.0
    return (*steps, (1.0, math.inf))


def _age_pieces(steps: tuple, birth_day: float) -> tuple:
    """The carer-age multiplier as pieces (multiplier, until day) of simulation time."""
    if not steps or birth_day == -math.inf:
        return ALWAYS
    return tuple((multiplier, birth_day + age * DAYS_PER_YEAR) for multiplier, age in steps)


def _from(pieces: tuple, day: float) -> tuple:
    """The pieces still to come at `day` (pieces are in order of their ends)."""
    first = 0
    while pieces[first][1] <= day:
        first += 1
    return pieces[first:]


def _product(first: tuple, second: tuple):
    """(a, b, until) pieces of two piecewise-constant functions, each given as (value, until) pieces."""
    i = j = 0
    while True:
        (a, until_a), (b, until_b) = first[i], second[j]
        until = min(until_a, until_b)
        yield a, b, until
        if until == math.inf:
            return
        i += until_a == until
        j += until_b == until
