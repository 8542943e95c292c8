"""One replication of the county: children entering care, placed, moving on and leaving."""

import simpy

from sim.calendar import Calendar
from sim.children import Child, EntrantDraws, census_children, entry_days
from sim.consistency import need_for_option
from sim.households import InHouseCarers
from sim.metrics import MonthlyRecorder, metric_names
from sim.placements import Placements
from sim.streams import Streams


class CountyModel:
    def __init__(self, scenario, replication: int, seed: int | None = None):
        self.scenario = scenario
        self.calendar = Calendar.for_scenario(scenario)
        self.env = simpy.Environment()
        self.streams = Streams(scenario.seed if seed is None else seed, replication)
        self.carers = InHouseCarers(scenario.carers, self.streams["households"])
        self.placements = Placements(scenario, self.carers)
        self.recorder = MonthlyRecorder(metric_names(scenario.placements), self.calendar.months)
        self.children_in_care = 0

    def run(self):
        """Simulate to the horizon; the month-end metrics as an array (months x metrics)."""
        self.start()
        self.env.run(until=self.calendar.horizon_days + 1.0)
        return self.recorder.values

    def start(self) -> None:
        """Place the census children and start every process; `env.run` then advances time."""
        self._place_census()
        self.env.process(self._entries())
        self.env.process(self._month_ends())

    def _place_census(self) -> None:
        def need_for(option, band):
            return need_for_option(self.scenario.matching, option, band)

        for option, age, need, remaining_days in census_children(self.scenario, need_for, self.streams["census"]):
            child = Child(0.0, age, need)
            if not self.placements.try_place(child, option, age, 0.0):
                self.placements.match(child, 0.0)
            self._admit(child, remaining_days)

    def _entries(self):
        env, flows = self.env, self.recorder.flows
        draws = EntrantDraws(self.scenario.demand, self.streams["child_attributes"])
        for day in entry_days(self.scenario.demand, self.calendar, self.streams["entries"]).tolist():
            yield env.timeout(day - env.now)
            age, need, days_in_care = draws.next()
            child = Child(day, age, need)
            option = self.placements.match(child, day)
            flows["entries"] += 1
            if not option.in_county:
                flows["entries_placed_out_of_county"] += 1
            self._admit(child, days_in_care)

    def _admit(self, child, days_in_care: float) -> None:
        self.children_in_care += 1
        self.env.timeout(days_in_care, value=child).callbacks.append(self._leave_care)

    def _leave_care(self, event) -> None:
        self.placements.vacate(event.value, self.env.now)
        self.children_in_care -= 1
        self.recorder.flows["exits"] += 1

    def _month_ends(self):
        for month, day in enumerate(self.calendar.month_end_days()):
            yield self.env.timeout(day - self.env.now)
            self.recorder.record(month, self._snapshot(day))

    def _snapshot(self, day: float) -> dict:
        placements, carers = self.placements, self.carers
        self.recorder.flows["placement_cost"] = placements.take_cost(day)
        snapshot = {
            "children_in_care": self.children_in_care,
            "placed_in_county": placements.in_county,
            "placed_out_of_county": placements.out_of_county,
            "in_house_households": len(carers.households),
            "in_house_places": carers.places,
            "in_house_vacancies": carers.vacancies,
        }
        snapshot.update((f"placed:{name}", option.occupied) for name, option in placements.options.items())
        return snapshot
