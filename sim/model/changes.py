"""Applying a scenario's changes on their dates (the keys and the parts of the model that apply them are in
sim/scenario/changes.py; docs/model.md says what each kind of change means).

At the start of a change's date (after the month end at that instant, which belongs to the month before;
sim/model/calendar.py), the model takes the scenario as it stands after the change (with this
replication's draws of any ranges) and hands it to each part of the model that one of its keys matters to,
through that part's `reconfigure(scenario)`. Nothing is drawn at a change: a change moves no child and
reschedules hazard clocks on their existing budgets, so a run is identical to the run without the change
until its date. Changes dated on or after the horizon do nothing.
"""

from sim.model.calendar import CHANGE, late_event
from sim.scenario.changes import mechanisms_for, scenarios_after_changes

PLANNED_AT_START = {"entries"}  # entries are drawn up front for the whole run, from every change of their rate


class Changes:
    def __init__(self, model):
        self.model = model
        calendar = model.calendar
        self.schedule = [(calendar.day_of(change.date), change, after)
                         for change, after in scenarios_after_changes(model.scenario)
                         if calendar.day_of(change.date) < model.horizon]

    def keys_by_day(self) -> list[tuple[float, set, object]]:
        """(day, keys the change sets, the scenario after it) for every change within the run, in date order."""
        return [(day, set(change.set), after) for day, change, after in self.schedule]

    def start(self) -> None:
        """Schedule every change, to apply on its date after the month end at that instant."""
        env, calendar = self.model.env, self.model.calendar
        for day, change, after in self.schedule:
            late_event(env, day, CHANGE, (change, after)).callbacks.append(self._apply)
            if change.cost:
                self.model.charge_on(calendar.noon_of(change.date), change.cost)

    def _apply(self, event) -> None:
        change, after = event.value
        self.model.scenario = after
        parts = dict.fromkeys(name for key in change.set for name in mechanisms_for(key))
        for name in parts:
            if name not in PLANNED_AT_START:
                getattr(self.model, name).reconfigure(after)
