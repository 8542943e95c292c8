"""Unaccompanied asylum-seeking children (UASC): an entry stream of their own (`demand.uasc`), a Poisson
process of `entries_per_year` with its own age mix and time in care, placed from `demand.uasc.matching`.
They count in every metric like any child, and on their own as uasc_entries and uasc_in_care."""

from sim.model.children import Child, EntrantDraws, entry_days

NEED = "uasc"


class UascArrivals:
    def __init__(self, model):
        self.model = model
        self.settings = model.scenario.demand.uasc

    def start(self) -> None:
        settings, model = self.settings, self.model
        if settings is None or not settings.entries_per_year:
            return
        days = entry_days(settings.entries_per_year, 0.0, None, model.calendar, model.streams["uasc_entries"])
        draws = EntrantDraws(settings, model.streams["uasc_attributes"], need=NEED)
        for day in days.tolist():
            model.env.timeout(day, value=draws).callbacks.append(self._enter)

    def _enter(self, event) -> None:
        model = self.model
        age, need, days_in_care = event.value.next()
        model.recorder.flows["uasc_entries"] += 1
        model.enter_alone(Child(model.env.now, age, need), days_in_care)
