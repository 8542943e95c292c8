"""Needs that change. Step-up: when a family placement (foster or kinship carers) breaks down, the child needs
residential care with `breakdowns.step_up_probability` for its age band. Step-down: a child whose need becomes
residential (on entry, in the census, or by a step-up) is ready for a family after
`step_down.residential_to_family.months` with its `share`; at each month end after its `start_date`, up to
`monthly_limit` ready children (ready longest first) move to the first in-county family placement of their
family list with a suitable vacancy, and need a family from then on. A child with nowhere to go waits."""

import math

from sim.model.ages import DAYS_PER_YEAR
from sim.model.streams import Buffered

DAYS_PER_MONTH = DAYS_PER_YEAR / 12
FAMILY_NEEDS = ("family", "kinship")


class ChangingNeeds:
    def __init__(self, model):
        scenario = model.scenario
        self.model = model
        self.step_up = scenario.breakdowns.step_up_probability
        self.stepping_up = any(share > 0 for share in self.step_up.values())
        self.step_up_draws = Buffered(model.streams["step_up"].random)
        self.to_family = settings = scenario.step_down.residential_to_family
        self.ready_draws = Buffered(model.streams["ready_for_family"].random)
        self.from_day = 0.0
        if settings is not None and settings.start_date is not None:
            self.from_day = model.calendar.day_of(settings.start_date)

    def steps_up(self, child, day: float) -> bool:
        """Whether the child of a placement that broke down now needs residential care (its need changes)."""
        if not (self.stepping_up and child.need in FAMILY_NEEDS and child.option.kind == "family"):
            return False
        if self.step_up_draws.next() >= self.step_up[child.band_at(day)]:
            return False
        child.need = "residential"
        self.model.recorder.flows["step_ups"] += 1
        self.became_residential(child, day)
        return True

    def became_residential(self, child, day: float) -> None:
        """Draw whether, and from when, a child now needing residential care is ready for a family."""
        settings = self.to_family
        if settings is not None and self.ready_draws.next() < settings.share:
            child.ready_for_family_day = max(day + settings.months * DAYS_PER_MONTH, self.from_day)

    def review(self, day: float) -> None:
        """Move up to the monthly limit of children ready for a family into family placements in county."""
        settings = self.to_family
        if settings is None or not settings.monthly_limit or day <= self.from_day:
            return  # a review at the instant a month ends belongs to that month
        ready = [child for option in self.model.placements.options.values() for child in option.children
                 if child.need == "residential" and child.ready_for_family_day <= day]
        moves = 0
        for child in sorted(ready, key=lambda c: (c.ready_for_family_day, c.entry_day)):
            target = self._family_vacancy(child, day)
            if target is not None:
                child.need, child.ready_for_family_day = "family", math.inf
                self.model.move_child(child, "residential_to_family", target)
                moves += 1
                if moves == settings.monthly_limit:
                    return

    def _family_vacancy(self, child, day: float):
        placements = self.model.placements
        for name in placements.preferences["family"][child.band_at(day)]:
            option = placements.options[name]
            if not option.in_county or option.kind != "family":
                continue
            target = placements.planned_vacancy(child, name, day)
            if target is not None:
                return target
        return None
