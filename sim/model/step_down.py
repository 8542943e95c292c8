"""Return to county: each month, children placed out of county (or in residential care with a family
need) move to an in-county option they prefer, once they have been settled long enough, up to a
monthly limit; the longest-placed move first."""

from sim.model.ages import DAYS_PER_YEAR
from sim.scenario.consistency import IN_HOUSE

DAYS_PER_MONTH = DAYS_PER_YEAR / 12


class StepDown:
    def __init__(self, model):
        self.model = model
        self.reconfigure(model.scenario)

    def reconfigure(self, scenario) -> None:
        """Settings and residential options for the reviews from now."""
        self.settings = scenario.step_down
        matching = scenario.matching
        self.residential_options = {name for by_band in ([matching.residential] if matching.residential else [])
                                    for options in by_band.values() for name in options}

    def review(self) -> None:
        """Move up to the monthly limit of eligible children into preferred in-county vacancies."""
        if not (self.settings.enabled and self.settings.max_moves_per_month):
            return
        day = self.model.env.now
        settled_since = day - self.settings.min_months_in_placement * DAYS_PER_MONTH
        moves = 0
        for child in sorted(self._candidates(settled_since), key=lambda c: c.placed_day):
            target = self._preferred_vacancy(child, day)
            if target is not None:
                self.model.move_child(child, "step_down", target)
                moves += 1
                if moves == self.settings.max_moves_per_month:
                    return

    def _candidates(self, settled_since: float):
        for option in self.model.placements.options.values():
            residential = option.name in self.residential_options
            if option.in_county and not residential:
                continue
            for child in option.children:
                if child.placed_day <= settled_since and (not option.in_county or child.need == "family"):
                    yield child

    def _preferred_vacancy(self, child, day: float):
        """The first in-county option ahead of the child's current one in its list, with a suitable vacancy."""
        placements = self.model.placements
        for name in placements.preferences[child.need][child.band_at(day)]:
            if name == child.option.name:
                return None
            option = placements.options[name]
            if not option.in_county or (name in self.residential_options and child.need == "family"):
                continue
            if name == IN_HOUSE:
                if placements.carers.find_vacancy(child.age_at(day)) is not None:
                    return name
            elif option.has_vacancy():
                return name
        return None
