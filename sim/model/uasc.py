"""Unaccompanied asylum-seeking children (UASC): an entry stream of their own (`demand.uasc`), a Poisson
process of `entries_per_year` with its own age mix and time in care, placed from `demand.uasc.matching`.
They count in every metric like any child, and on their own as uasc_entries and uasc_in_care."""

from sim.model.children import Child, EntrantDraws, EntryRate, entry_days
from sim.scenario.schema import Seasonality

NEED = "uasc"
NO_SEASONS = Seasonality()


class UascArrivals:
    def __init__(self, model):
        self.model = model
        self.settings = model.scenario.demand.uasc
        self.entered = 0

    def start(self) -> None:
        settings, model = self.settings, self.model
        if settings is None or not settings.entries_per_year:
            return
        rate = [EntryRate(0.0, settings.entries_per_year, 0.0)]
        rng = model.streams["uasc_entries"]
        days = entry_days(rate, NO_SEASONS, model.calendar, rng, rng)  # one rate: nothing is drawn above it
        draws = EntrantDraws(settings, model.streams["uasc_attributes"], need=NEED)
        for day in days.tolist():
            model.env.timeout(day, value=draws).callbacks.append(self._enter)

    def _enter(self, event) -> None:
        model = self.model
        age, need, days_in_care = event.value.next()
        model.recorder.flows["uasc_entries"] += 1
        child = Child(model.env.now, age, need)
        model.breakdowns.give_budgets(child, "uasc", self.entered)
        self.entered += 1
        model.enter_alone(child, days_in_care)
