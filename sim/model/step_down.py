"""Return to county: each month, children placed out of county move to an in-county option that their list
for their current need and age ranks above their current one (every in-county option of the list, if their
option is no longer in it), once they have been settled long enough, up to a monthly limit; the
longest-placed move first. A child in a family placement moves only to another family placement."""

from sim.model.ages import DAYS_PER_YEAR

DAYS_PER_MONTH = DAYS_PER_YEAR / 12


class StepDown:
    def __init__(self, model):
        self.model = model
        self.reconfigure(model.scenario)

    def reconfigure(self, scenario) -> None:
        """Settings for the reviews from now."""
        self.settings = scenario.step_down

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
            if not option.in_county:
                yield from (child for child in option.children if child.placed_day <= settled_since)

    def _preferred_vacancy(self, child, day: float):
        """(option, household or None): the first in-county option ahead of the child's current one in its
        list, of a kind its placement allows, with a suitable vacancy; None if there is none."""
        placements = self.model.placements
        current = child.option
        for name in placements.preferences[child.need][child.band_at(day)]:
            if name == current.name:
                return None
            option = placements.options[name]
            if not option.in_county or (current.kind == "family" and option.kind != "family"):
                continue
            target = placements.planned_vacancy(child, name, day)
            if target is not None:
                return target
        return None
