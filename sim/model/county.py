"""One replication of the county: children entering care, placed, moving and leaving; carers
recruited, approved and leaving; Mockingbird constellations; children returning to county."""

import simpy

from sim.model.breakdowns import Breakdowns
from sim.model.calendar import Calendar
from sim.model.changes import Changes
from sim.model.children import Child, EntrantDraws, census_children, entry_days, entry_rates
from sim.model.deregistration import Deregistration
from sim.model.households import InHouseCarers
from sim.model.metrics import MonthlyRecorder
from sim.model.mockingbird import Mockingbird
from sim.model.panel import Panel
from sim.model.parameters import drawn
from sim.model.placements import Placements
from sim.model.recruitment import Recruitment
from sim.model.step_down import StepDown
from sim.model.streams import Streams
from sim.scenario.consistency import need_for_option


class CountyModel:
    def __init__(self, scenario, replication: int, seed: int | None = None):
        seed = scenario.seed if seed is None else seed
        scenario = drawn(scenario, seed, replication)  # this replication's values of the scenario's ranges
        self.scenario = scenario  # as it stands now: each change on its date replaces it (changes.py)
        self.calendar = Calendar.for_scenario(scenario)
        self.env = simpy.Environment()
        self.streams = Streams(seed, replication)
        self.recorder = MonthlyRecorder(list(scenario.placements), self.calendar.months)
        self.carers = InHouseCarers(scenario.carers, self.streams["households"])
        self.placements = Placements(scenario, self.carers)
        self.breakdowns = Breakdowns(self)
        self.deregistration = Deregistration(self)
        self.panel = Panel(self)
        self.recruitment = Recruitment(self, self.panel)
        self.mockingbird = Mockingbird(self)
        self.step_down = StepDown(self)
        self.children_in_care = 0
        self.horizon = self.calendar.horizon_days
        self.changes = Changes(self)

    def run(self):
        """Simulate to the horizon; the month-end metrics as an array (months x metrics)."""
        self.start()
        self.env.run(until=self.horizon + 1.0)
        return self.recorder.values

    def start(self) -> None:
        """Place the census children and start every process; `env.run` then advances time."""
        self.changes.start()
        self.placements.start(self.env, self.calendar.anniversary_days())
        for household in self.carers.households.values():
            self.deregistration.start(household)
        self._place_census()
        self._start_entries()
        self.env.process(self._month_ends())
        self.recruitment.start()
        self.panel.start()
        self.mockingbird.start()

    # children

    def _place_census(self) -> None:
        def need_for(option, band):
            return need_for_option(self.scenario.matching, option, band)

        census = census_children(self.scenario, need_for, self.streams["census"])
        for index, (option, age, need, remaining_days) in enumerate(census):
            child = Child(0.0, age, need)
            self.breakdowns.give_budgets(child, "census", index)
            if not self.placements.try_place(child, option, age, 0.0):
                self.placements.match(child, 0.0)
            self._admit(child, remaining_days)

    def _start_entries(self) -> None:
        """Each entry schedules the next: a chain of callbacks is cheaper than a SimPy process."""
        demand = self.scenario.demand
        rates = entry_rates(demand, self.changes.keys_by_day())
        days = entry_days(rates, demand.seasonality, self.calendar, self.streams["entries"],
                          self.streams["entries_above_first_peak"])
        self._entry_days = iter(days.tolist())
        self._entrants = EntrantDraws(self.scenario.demand, self.streams["child_attributes"])
        self._entered = 0
        self._schedule_next_entry()

    def _schedule_next_entry(self) -> None:
        day = next(self._entry_days, None)
        if day is not None:
            self.env.timeout(day - self.env.now).callbacks.append(self._enter)

    def _enter(self, event) -> None:
        day, flows = self.env.now, self.recorder.flows
        age, need, days_in_care = self._entrants.next()
        child = Child(day, age, need)
        self.breakdowns.give_budgets(child, "entrant", self._entered)
        self._entered += 1
        option = self.placements.match(child, day)
        flows["entries"] += 1
        if not option.in_county:
            flows["entries_placed_out_of_county"] += 1
        self._admit(child, days_in_care)
        self._schedule_next_entry()

    def _admit(self, child, days_in_care: float) -> None:
        self.children_in_care += 1
        child.exit_day = self.env.now + days_in_care
        self.breakdowns.start(child)
        if child.exit_day <= self.horizon:
            self.env.timeout(days_in_care, value=child).callbacks.append(self._leave_care)

    def _leave_care(self, event) -> None:
        child = event.value
        self.breakdowns.stop(child)
        self.placements.vacate(child, self.env.now)
        self.children_in_care -= 1
        self.recorder.flows["exits"] += 1

    def move_child(self, child, reason: str, to_option: str | None = None, exclude_household=None) -> None:
        """Every placement change goes through here, counted under its reason."""
        day = self.env.now
        self.breakdowns.stop(child)
        self.placements.vacate(child, day)
        if to_option is None or not self.placements.try_place(child, to_option, child.age_at(day), day):
            self.placements.match(child, day, exclude_household)
        self.breakdowns.start(child)
        self.recorder.flows[f"moves:{reason}"] += 1

    def placement_broke_down(self, child) -> None:
        household = child.household
        self.recorder.flows["breakdowns"] += 1
        self.move_child(child, "breakdown", exclude_household=household)
        if household is not None:
            self.deregistration.after_a_breakdown(household)

    # carers

    def household_approved(self) -> None:
        household = self.carers.add_household(self.env.now)
        self.deregistration.start(household)
        self.mockingbird.household_joined(household)

    def household_deregistered(self, household) -> None:
        self.recorder.flows["deregistrations"] += 1
        self.carers.remove_household(household)
        for child in list(household.children):
            self.move_child(child, "carer_left", exclude_household=household)
        self.mockingbird.household_left(household)

    def charge_on(self, day: float, amount: float) -> None:
        """Add a programme cost on a given day."""
        self.env.timeout(day - self.env.now, value=amount).callbacks.append(self._charge)

    def _charge(self, event) -> None:
        self.recorder.flows["programme_cost"] += event.value

    # month ends

    def _month_ends(self):
        previous = 0.0
        for month, day in enumerate(self.calendar.month_end_days()):
            yield self.env.timeout(day - self.env.now)
            self._close_month_costs(day, day - previous)
            self.recorder.record(month, self._snapshot())
            self.step_down.review()
            previous = day

    def _close_month_costs(self, day: float, days_in_month: float) -> None:
        flows = self.recorder.flows
        costs = {name: option.take_cost(day) for name, option in self.placements.options.items()}
        flows.update((f"placement_cost:{name}", cost) for name, cost in costs.items())
        flows["placement_cost"] = sum(costs.values())
        flows["programme_cost"] += self.mockingbird.monthly_cost(days_in_month) + self.recruitment.take_team_cost(day)

    def _snapshot(self) -> dict:
        placements, carers = self.placements, self.carers
        snapshot = {
            "children_in_care": self.children_in_care,
            "placed_in_county": placements.in_county,
            "placed_out_of_county": placements.out_of_county,
            "in_house_households": len(carers.households),
            "in_house_places": carers.places,
            "in_house_vacancies": carers.vacancies,
            "panel_backlog": len(self.panel.queue),
            "mockingbird_households": self.mockingbird.households,
        }
        snapshot.update((f"placed:{name}", option.occupied) for name, option in placements.options.items())
        return snapshot
