"""One replication of the county: children entering care (alone, in sibling groups, or as UASC), placed,
moving and leaving; carers recruited, approved and leaving; Mockingbird constellations; needs that change;
children returning to county.

Events at a month end: everything that happens at the instant a month ends (a panel decision, a move)
counts in the month that ends. The month end is processed after every other event at that instant, and
before a change dated the next day (sim/model/calendar.py); then the month's reviews (return to county,
step-down from residential care) make their moves, and then the month is recorded."""

from dataclasses import replace

import simpy

from sim.model.breakdowns import Breakdowns
from sim.model.calendar import MONTH_END, Calendar, late_event
from sim.model.changes import Changes
from sim.model.children import Child, EntrantDraws, census_children, entry_days, entry_rates, yearly_factors
from sim.model.deregistration import Deregistration
from sim.model.households import InHouseCarers
from sim.model.metrics import MonthlyRecorder
from sim.model.mockingbird import Mockingbird
from sim.model.needs import ChangingNeeds
from sim.model.panel import Panel
from sim.model.parameters import drawn
from sim.model.placements import Placements
from sim.model.recruitment import Recruitment
from sim.model.siblings import SiblingGroups
from sim.model.step_down import StepDown
from sim.model.streams import Streams
from sim.model.uasc import NEED as UASC
from sim.model.uasc import UascArrivals
from sim.scenario.consistency import IN_HOUSE, in_house_start, need_for_option


class CountyModel:
    def __init__(self, scenario, replication: int, seed: int | None = None):
        seed = scenario.seed if seed is None else seed
        scenario = drawn(scenario, seed, replication)  # this replication's values of the scenario's ranges
        self.scenario = scenario  # as it stands now: each change on its date replaces it (changes.py)
        self.calendar = Calendar.for_scenario(scenario)
        self.env = simpy.Environment()
        self.streams = Streams(seed, replication)
        self.recorder = MonthlyRecorder(list(scenario.placements), self.calendar.months)
        self.carers = InHouseCarers(self)
        self.placements = Placements(self)
        self.siblings = SiblingGroups(self)
        self._in_groups = self.siblings.any
        self.breakdowns = Breakdowns(self)
        self.deregistration = Deregistration(self)
        self.panel = Panel(self)
        self.recruitment = Recruitment(self, self.panel)
        self.mockingbird = Mockingbird(self)
        self.needs = ChangingNeeds(self)
        self.step_down = StepDown(self)
        self.uasc = UascArrivals(self)
        self.children_in_care = 0
        self.uasc_in_care = 0
        self.horizon = self.calendar.horizon_days
        self.changes = Changes(self)

    def run(self):
        """Simulate to the horizon; the month-end metrics as an array (months x metrics)."""
        self.start()
        self.env.run(until=self.horizon + 1.0)
        return self.recorder.values

    def start(self) -> None:
        """Place the census children (building the in-house households around them) and start every
        process; `env.run` then advances time."""
        self.changes.start()
        self.placements.start(self.env, self.calendar.anniversary_days())
        self._place_census()
        for household in self.carers.households.values():
            self.deregistration.start(household)
        self._start_entries()
        self.env.process(self._month_ends())
        self.recruitment.start()
        self.panel.start()
        self.mockingbird.start()
        self.uasc.start()

    # children

    def _place_census(self) -> None:
        scenario = self.scenario
        state, care = scenario.initial_state, scenario.demand.duration_in_care

        def need_for(option, band):
            return need_for_option(scenario.matching, option, band)

        found = census_children(state.counts(), care, need_for, self.streams["census"])
        if state.uasc_in_care:
            found += census_children(state.uasc_in_care, scenario.demand.uasc.duration_in_care,
                                     lambda option, band: UASC, self.streams["census_uasc"])
        children = [(option, Child(0.0, age, need), days) for option, age, need, days in found]
        for index, (_, child, _) in enumerate(children):
            self.breakdowns.give_budgets(child, "census", index)
        in_house = [child for option, child, _ in children if option == IN_HOUSE]
        households = dict(self.carers.start_pool(in_house, in_house_start(scenario)[1]))
        for option, child, _ in children:
            placed = self.placements.try_place(child, option, 0.0, household=households.get(child))
            if not placed:
                self.placements.match(child, 0.0)
        for _, child, remaining_days in children:
            self._admit(child, remaining_days)

    def _start_entries(self) -> None:
        """Each entry schedules the next: a chain of callbacks is cheaper than a SimPy process. Children
        enter in sibling groups, so groups arrive at entries a year over the mean group size."""
        demand = self.scenario.demand
        rates = [replace(piece, per_year=piece.per_year / self.siblings.mean_size)
                 for piece in entry_rates(demand, self.changes.keys_by_day())]
        factors = yearly_factors(demand.entries_yearly_variation, self.horizon, self.streams["entry_rate_by_year"])
        days = entry_days(rates, demand.seasonality, self.calendar, self.streams["entries"],
                          self.streams["entries_above_first_peak"], factors)
        self._entry_days = iter(days.tolist())
        self._entrants = EntrantDraws(demand, self.streams["child_attributes"])
        self._entered = 0
        self._schedule_next_entry()

    def _schedule_next_entry(self) -> None:
        day = next(self._entry_days, None)
        if day is not None:
            self.env.timeout(day - self.env.now).callbacks.append(self._arrive)

    def _arrive(self, event) -> None:
        age, need, days_in_care = self._entrants.next()
        first = Child(self.env.now, age, need)
        size = self.siblings.size() if self._in_groups else 1
        if size == 1:
            self._give_entrant_budgets(first)
            self.enter_alone(first, days_in_care)
        else:
            others = self.siblings.siblings_of(age, need, size - 1)
            group = (first, *(Child(self.env.now, a, n) for a, n, _ in others))
            for index, child in enumerate(group):
                child.siblings = group[:index] + group[index + 1:]
                self._give_entrant_budgets(child)
            self.enter(group, [days_in_care, *(days for _, _, days in others)])
        self._schedule_next_entry()

    def _give_entrant_budgets(self, child) -> None:
        self.breakdowns.give_budgets(child, "entrant", self._entered)
        self._entered += 1

    def enter_alone(self, child, days_in_care: float) -> None:
        flows = self.recorder.flows
        option = self.placements.match(child, self.env.now)
        flows["entries"] += 1
        if not option.in_county:
            flows["entries_placed_out_of_county"] += 1
        self._admit(child, days_in_care)

    def enter(self, children: list, days_in_care: list) -> None:
        """A sibling group enters care: placed as matching.siblings says, and admitted."""
        flows = self.recorder.flows
        flows["sibling_groups_entered"] += 1
        if not self.siblings.place(children, self.env.now):
            flows["sibling_groups_split"] += 1
        for child, days in zip(children, days_in_care):
            flows["entries"] += 1
            if not child.option.in_county:
                flows["entries_placed_out_of_county"] += 1
            self._admit(child, days)

    def _admit(self, child, days_in_care: float) -> None:
        self.children_in_care += 1
        if child.need == UASC:
            self.uasc_in_care += 1
        elif child.need == "residential":
            self.needs.became_residential(child, self.env.now)
        child.exit_day = self.env.now + days_in_care
        self.breakdowns.start(child)
        if child.exit_day <= self.horizon:
            self.env.timeout(days_in_care, value=child).callbacks.append(self._leave_care)

    def _leave_care(self, event) -> None:
        child = event.value
        self.breakdowns.stop(child)
        self.placements.vacate(child, self.env.now)
        self.children_in_care -= 1
        if child.need == UASC:
            self.uasc_in_care -= 1
        self.recorder.flows["exits"] += 1

    def move_child(self, child, reason: str, target=None, exclude_household=None, emergency: bool = False) -> None:
        """Every placement change goes through here, counted under its reason: to `target` (option, household
        or None), found vacant this instant by a planned move; else matched, from the emergency list if the
        placement ended unplanned."""
        day = self.env.now
        self.breakdowns.stop(child)
        self.placements.vacate(child, day)
        if target is not None:
            name, household = target
            self.placements.try_place(child, name, day, household=household)
        else:
            self.placements.match(child, day, exclude_household, emergency)
        self.breakdowns.start(child)
        self.recorder.flows[f"moves:{reason}"] += 1

    def placement_broke_down(self, child) -> None:
        household = child.household
        self.recorder.flows["breakdowns"] += 1
        self.needs.steps_up(child, self.env.now)
        self.move_child(child, "breakdown", exclude_household=household, emergency=True)
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
            self.move_child(child, "carer_left", exclude_household=household, emergency=True)
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
            yield late_event(self.env, day - self.env.now, MONTH_END)
            self.step_down.review()
            self.needs.review(day)
            self._close_month_costs(day, day - previous)
            self.recorder.record(month, self._snapshot(day))
            previous = day

    def _close_month_costs(self, day: float, days_in_month: float) -> None:
        flows = self.recorder.flows
        costs = {name: option.take_cost(day) for name, option in self.placements.options.items()}
        flows.update((f"placement_cost:{name}", cost) for name, cost in costs.items())
        flows["placement_cost"] = sum(costs.values())
        flows["programme_cost"] += self.mockingbird.monthly_cost(days_in_month) + self.recruitment.take_team_cost(day)

    def _snapshot(self, day: float) -> dict:
        placements, carers = self.placements, self.carers
        places, vacancies, without_children = carers.census(day)
        snapshot = {
            "children_in_care": self.children_in_care,
            "placed_in_county": placements.in_county,
            "placed_out_of_county": placements.out_of_county,
            "in_house_households": len(carers.households),
            "in_house_places": places,
            "in_house_vacancies": vacancies,
            "in_house_households_without_children": without_children,
            "panel_backlog": len(self.panel.queue),
            "mockingbird_households": self.mockingbird.households,
            "children_placed_with_siblings": placements.with_siblings,
            "uasc_in_care": self.uasc_in_care,
        }
        snapshot.update((f"placed:{name}", option.occupied) for name, option in placements.options.items())
        return snapshot
