"""Mockingbird constellations: a hub household, taken from the longest-serving in-house carers,
stops taking long-term placements (it keeps sleepover beds to support the others); satellite
households join as they exist and break down and leave at the scenario's multipliers.

The hub's sleepover and respite beds give satellites short breaks: their breakdowns, and their breaks
from placements after one, are multiplied by `short_break_multiplier` when the hub has the programme's
standard beds, and by a multiplier as much nearer 1 as it has fewer (none: no short breaks)."""

from sim.model.ages import DAYS_PER_YEAR

STANDARD_BEDS = 2  # figures: mockingbird, hub_sleepover_beds, 2022


def short_break_factor(settings) -> float:
    """What the hub's short breaks multiply a satellite's breakdowns and breaks by."""
    coverage = min(1.0, settings.hub_sleepover_beds / STANDARD_BEDS)
    return 1.0 - (1.0 - settings.short_break_multiplier) * coverage


class Constellation:
    __slots__ = ("hub", "satellites")

    def __init__(self, hub):
        self.hub = hub
        self.satellites = []


class Mockingbird:
    def __init__(self, model):
        self.model = model
        self.settings = model.scenario.mockingbird
        self.constellations = []
        self.member_of = {}

    def start(self) -> None:
        calendar = self.model.calendar
        for launch in self.settings.constellations:
            self.model.env.timeout(calendar.noon_of(launch.start_date), value=launch.count).callbacks.append(self._launch)

    @property
    def households(self) -> int:
        return sum(1 + len(c.satellites) for c in self.constellations)

    def monthly_cost(self, days_in_month: float) -> float:
        return len(self.constellations) * self.settings.annual_cost_per_constellation * days_in_month / DAYS_PER_YEAR

    def household_joined(self, household) -> None:
        self._fill_satellite_places()

    def household_left(self, household) -> None:
        constellation = self.member_of.pop(household.number, None)
        if constellation is None:
            return
        if household is constellation.hub:
            if not self._appoint_hub(constellation):
                self.constellations.remove(constellation)
        else:
            constellation.satellites.remove(household)
        self._fill_satellite_places()

    def _launch(self, event) -> None:
        for _ in range(event.value):
            constellation = Constellation(None)
            if self._appoint_hub(constellation):
                self.constellations.append(constellation)
        self._fill_satellite_places()

    def _appoint_hub(self, constellation) -> bool:
        """The longest-serving household outside a constellation (fewest children first) becomes the hub;
        failing that, a satellite of the constellation; failing that, the constellation cannot run."""
        outside = self._outside()
        if outside:
            hub = min(outside, key=lambda h: (len(h.children), h.joined_day, h.number))
        elif constellation.satellites:
            hub = constellation.satellites.pop(0)
        else:
            return False
        constellation.hub = hub
        self._set_role(hub, "hub", constellation)
        return True

    def _fill_satellite_places(self) -> None:
        for constellation in self.constellations:
            while len(constellation.satellites) < self.settings.satellites_per_hub:
                outside = self._outside()
                if not outside:
                    return
                satellite = min(outside, key=lambda h: (h.joined_day, h.number))
                constellation.satellites.append(satellite)
                self._set_role(satellite, "satellite", constellation)

    def _outside(self) -> list:
        return [h for h in self.model.carers.households.values() if h.number not in self.member_of]

    def _set_role(self, household, role, constellation) -> None:
        model = self.model
        household.role = role
        self.member_of[household.number] = constellation
        model.carers.refresh(household, model.env.now)
        model.deregistration.update(household)
        for child in household.children:
            model.breakdowns.update(child)
